"""Degradation: with explain down the score still shows with a notice; with scoring down a clear message; never a
stack trace. A web app runs in-process against the stack's database and live services, with the service under
test replaced by a port nobody listens on (the shared stack keeps running for the other tests)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from credit_web.backends import Backends, BackendUnavailable
from tests.web._inprocess import get_ok, signed_in_web
from tests.web._panels import HX, chart_specs, clients_by_decision, no_traceback, text_of
from tests.web._stack import Stack, free_port

pytestmark = pytest.mark.slow
SCORING_DOWN = "The scoring service is temporarily unavailable"
EXPLAIN_DOWN = "The explanation service is temporarily unavailable"


@asynccontextmanager
async def web_with(stack: Stack, *, scoring: bool, explain: bool, failing: frozenset[str] = frozenset(),
                   ) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-in client of an in-process web app whose scoring and/or explain URL points at a closed port, and
    whose scoring calls to the paths in `failing` find the service unreachable."""
    dead = f"http://127.0.0.1:{free_port()}"
    wrap = (lambda real: _Failing(real, failing)) if failing else None
    async with signed_in_web(stack, wrap, backend_connect_timeout=0.5,
                             scoring_url=stack.scoring_url if scoring else dead,
                             explain_url=stack.explain_url if explain else dead) as client:
        yield client


class _Failing:
    """The app's backends, except that some scoring paths find the service unreachable."""

    def __init__(self, backends: Backends, paths: frozenset[str]) -> None:
        self.backends, self.paths = backends, paths

    async def scoring(self, method: str, path: str, **kwargs: Any) -> Any:
        if path in self.paths:
            raise BackendUnavailable("scoring", "connection refused (test)")
        return await self.backends.scoring(method, path, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backends, name)


@pytest.fixture(scope="module")
def refused(stack: Stack) -> int:
    return clients_by_decision(stack)["refused"][-3]  # not one the decision or browser tests override


async def test_explain_down_score_still_shows_with_a_notice(stack: Stack, refused: int) -> None:
    async with web_with(stack, scoring=True, explain=False) as web:
        page = await get_ok(web, "/fragments/score", client=refused)
        assert 'data-decision="refused"' in page and len(chart_specs(page)) == 1
        assert EXPLAIN_DOWN in text_of(page)
        for path in ("/fragments/why", "/fragments/profile", "/fragments/similar", "/fragments/whatif",
                     "/fragments/counterfactual", "/fragments/importance"):
            assert EXPLAIN_DOWN in text_of(await get_ok(web, path, client=refused)), path
        compare = await get_ok(web, "/fragments/compare", client=refused, a="AMT_CREDIT", b="CODE_GENDER")
        assert text_of(compare).count(EXPLAIN_DOWN) == 3  # both distributions and the pair
        letter = await web.get("/letter", params={"client": refused, "lang": "en"})
        assert letter.status_code == 200 and "we cannot accept" in text_of(letter.text)
        assert "The detailed reasons are not available at the moment" in text_of(letter.text)


async def test_scoring_down_gives_a_clear_message(stack: Stack, refused: int) -> None:
    async with web_with(stack, scoring=False, explain=True) as web:
        page = await get_ok(web, "/fragments/score", client=refused)
        assert SCORING_DOWN in text_of(page) and "data-decision" not in page and not chart_specs(page)
        model = await web.get("/model", params={"lang": "en"})
        assert model.status_code == 200 and SCORING_DOWN in text_of(model.text) and no_traceback(model.text)
        letter = await web.get("/letter", params={"client": refused, "lang": "en"})
        assert letter.status_code == 200 and SCORING_DOWN in text_of(letter.text)
        decisions = await get_ok(web, "/fragments/decisions", client=refused)
        assert SCORING_DOWN in text_of(decisions)


async def test_scoring_down_an_advisor_decision_is_not_recorded(stack: Stack, refused: int) -> None:
    async with web_with(stack, scoring=False, explain=True) as web:
        home = await web.get("/")
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text.replace("&#34;", '"')).group(1)  # type: ignore[union-attr]
        response = await web.post("/fragments/decisions", headers={**HX, "X-CSRF-Token": token}, params={"lang": "en"},
                                  data={"client": str(refused), "choice": "follow"})
        assert response.status_code == 200 and no_traceback(response.text)
        assert "The decision was not recorded." in text_of(response.text)


async def test_both_down_every_fragment_still_answers(stack: Stack, refused: int) -> None:
    checks: dict[str, Callable[[str], bool]] = {
        "/fragments/score": lambda t: SCORING_DOWN in t,
        "/fragments/why": lambda t: EXPLAIN_DOWN in t,
        "/fragments/decisions": lambda t: SCORING_DOWN in t,
    }
    async with web_with(stack, scoring=False, explain=False) as web:
        for path, check in checks.items():
            assert check(text_of(await get_ok(web, path, client=refused))), path


async def test_model_monitoring_down_the_rest_of_the_model_page_still_shows(stack: Stack) -> None:
    """Issue 16: the drift and challenger sections say monitoring is unavailable; the evaluation above is intact."""
    async with web_with(stack, scoring=True, explain=True, failing=frozenset({"/v1/model/monitoring"})) as web:
        for lang, notice in (("en", "Model monitoring is temporarily unavailable"),
                             ("fr", "Le suivi du modèle est momentanément indisponible")):
            page = await web.get("/model", params={"lang": lang})
            assert page.status_code == 200 and no_traceback(page.text)
            assert len(chart_specs(page.text)) == 5 and 'data-group="CODE_GENDER"' in page.text  # the evaluation
            for section in ("model-drift", "model-challenger"):
                body = page.text.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
                assert notice in text_of(body) and "monitoring-unavailable" in body, (lang, section)
            assert text_of(page.text).count(notice) == 2
