"""Faults on the real processes: explain or scoring is stopped (SIGTERM) behind a running dashboard.

Explain down: the score still shows, with a notice that explanations are missing. Scoring down: a clear message,
never a stack trace. Brought back on the same port, the dashboard recovers without a restart of web (its pooled
connections to the stopped process must not stay broken)."""

from __future__ import annotations

import httpx
import pytest

from credit_web.i18n import words
from tests.web._panels import HX, no_traceback, text_of
from tests.web._stack import Stack, ensure_running, stop_service

pytestmark = pytest.mark.slow
SCORING_DOWN = words.SERVICE_DOWN_NOTICE["scoring"]
EXPLAIN_DOWN = words.SERVICE_DOWN_NOTICE["explain"]


@pytest.fixture(scope="module")
def client_id(stack: Stack) -> int:
    return stack.client_ids(1)[0]


def fragment(web: httpx.Client, name: str, client_id: int) -> str:
    response = web.get(f"/fragments/{name}", params={"client": client_id, "lang": "en"}, headers=HX)
    assert response.status_code == 200, response.text[:2000]
    assert no_traceback(response.text)
    return response.text


def healthy_score(web: httpx.Client, client_id: int) -> None:
    page = fragment(web, "score", client_id)
    assert "data-decision=" in page and SCORING_DOWN not in text_of(page) and EXPLAIN_DOWN not in text_of(page)


def test_explain_stopped_the_score_still_shows_with_a_notice(stack: Stack, web: httpx.Client,
                                                             client_id: int) -> None:
    healthy_score(web, client_id)  # warm pooled connections to explain, which the stop then breaks
    stop_service(stack, "explain")
    try:
        page = fragment(web, "score", client_id)
        assert "data-decision=" in page, "the score must show without explain"
        assert EXPLAIN_DOWN in text_of(page)
        assert EXPLAIN_DOWN in text_of(fragment(web, "why", client_id))
    finally:
        ensure_running(stack, "explain")
    healthy_score(web, client_id)
    assert EXPLAIN_DOWN not in text_of(fragment(web, "why", client_id))


def test_scoring_stopped_gives_a_clear_message(stack: Stack, web: httpx.Client, client_id: int) -> None:
    healthy_score(web, client_id)
    stop_service(stack, "scoring")
    try:
        page = fragment(web, "score", client_id)
        assert SCORING_DOWN in text_of(page) and "data-decision=" not in page
        dashboard = web.get("/", params={"client": client_id, "lang": "en"})
        assert dashboard.status_code == 200 and no_traceback(dashboard.text)
    finally:
        ensure_running(stack, "scoring")
    healthy_score(web, client_id)
