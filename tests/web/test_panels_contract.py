"""A service answering 200 with a body that breaks its contract (credit_core.contracts): the fragments, the letter
and the model page show the service-unavailable notice, never a 500 nor a figure read from the broken body. A web
app runs in-process against the stack's live services, with some answers rewritten on their way in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from credit_web.backends import Backends
from tests.web._inprocess import get_ok, signed_in_web
from tests.web._panels import chart_specs, clients_by_decision, no_traceback, text_of
from tests.web._stack import Stack

pytestmark = pytest.mark.slow
SCORING_DOWN = "The scoring service is temporarily unavailable"
EXPLAIN_DOWN = "The explanation service is temporarily unavailable"
Rewrite = Callable[[Any], Any]


def _without(key: str) -> Rewrite:
    return lambda body: {k: v for k, v in body.items() if k != key}


def _set(key: str, value: Any) -> Rewrite:
    return lambda body: {**body, key: value}


class _Rewriting:
    """The app's backends, except that the answers of some paths (matched by their end) are rewritten."""

    def __init__(self, backends: Backends, rewrites: dict[str, Rewrite]) -> None:
        self.backends, self.rewrites = backends, rewrites

    def _rewrite(self, path: str, body: Any) -> Any:
        for suffix, rewrite in self.rewrites.items():
            if path.endswith(suffix):
                return rewrite(body)
        return body

    async def scoring(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._rewrite(path, await self.backends.scoring(method, path, **kwargs))

    async def explain(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._rewrite(path, await self.backends.explain(method, path, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backends, name)


@asynccontextmanager
async def web_rewriting(stack: Stack, rewrites: dict[str, Rewrite]) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in_web(stack, lambda real: _Rewriting(real, rewrites)) as client:
        yield client


@pytest.fixture(scope="module")
def refused(stack: Stack) -> int:
    return clients_by_decision(stack)["refused"][-4]  # not one the decision or browser tests override


@pytest.mark.parametrize("rewrite", [_without("probability_default"), _set("probability_default", "high")],
                         ids=["missing", "a-string"])
async def test_a_score_breaking_its_contract_gives_the_notice(stack: Stack, refused: int, rewrite: Rewrite) -> None:
    async with web_rewriting(stack, {"/score": rewrite}) as web:
        page = await get_ok(web, "/fragments/score", client=refused)
        assert SCORING_DOWN in text_of(page) and "data-decision" not in page and not chart_specs(page)
        letter = await web.get("/letter", params={"client": refused, "lang": "en"})
        assert letter.status_code == 200 and SCORING_DOWN in text_of(letter.text) and no_traceback(letter.text)


async def test_an_explanation_breaking_its_contract_leaves_the_score_with_a_notice(stack: Stack, refused: int
                                                                                   ) -> None:
    async with web_rewriting(stack, {"/explanation": _without("reasons")}) as web:
        page = await get_ok(web, "/fragments/score", client=refused)
        assert 'data-decision="refused"' in page and EXPLAIN_DOWN in text_of(page)
        assert EXPLAIN_DOWN in text_of(await get_ok(web, "/fragments/why", client=refused))


async def test_a_model_report_breaking_its_contract_gives_the_notice(stack: Stack) -> None:
    async with web_rewriting(stack, {"/model/report": _set("report", "not an object")}) as web:
        page = await web.get("/model", params={"lang": "en"})
        assert page.status_code == 200 and SCORING_DOWN in text_of(page.text) and no_traceback(page.text)
