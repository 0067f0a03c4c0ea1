"""The decision record on the real stack: the model's audited history, and the advisor's final decision stored in
Postgres with who and when (follow the model, or override it with a mandatory reason)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db
from credit_core.orm import AdvisorDecision, Decision
from tests.web._panels import HX, api, clients_by_decision, no_traceback, text_of
from tests.web._session import sign_in
from tests.web._stack import Stack

pytestmark = pytest.mark.slow
OPPOSITE = {"granted": "refused", "refused": "granted"}


@pytest.fixture(scope="module")
async def stack_db(stack: Stack) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(stack.database_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
def clients(stack: Stack) -> dict[str, list[int]]:
    return clients_by_decision(stack)


async def advisor_rows(engine: AsyncEngine, client: int) -> list[AdvisorDecision]:
    async with db.session_factory(engine)() as session:
        result = await session.execute(sa.select(AdvisorDecision).where(AdvisorDecision.client_id == client)
                                       .order_by(AdvisorDecision.id))
        return list(result.scalars())


# Clients are taken from the end of the lists: the browser tests work on the first few ids.
async def test_history_shows_the_models_audited_decisions(stack: Stack, stack_db: AsyncEngine, web: httpx.Client,
                                                          clients: dict[str, list[int]]) -> None:
    client = clients["granted"][-1]
    scored = api(stack, "scoring", "GET", f"/v1/clients/{client}/score")  # one more audit row, the newest
    page = web.get("/fragments/decisions", params={"client": client, "lang": "en"}, headers=HX)
    assert page.status_code == 200 and no_traceback(page.text)
    history = page.text.split('class="decision-history"', 1)[1]
    assert scored["model_version"] in history
    recorded = await advisor_rows(stack_db, client)
    assert all(row.username in page.text for row in recorded)
    assert '<legend>Final decision</legend>' in page.text and '<label for="decision-reason">' in page.text


async def test_override_without_a_reason_is_refused_inline_and_not_stored(
        stack_db: AsyncEngine, web: httpx.Client, clients: dict[str, list[int]]) -> None:
    client = clients["refused"][-1]
    before = [row.id for row in await advisor_rows(stack_db, client)]
    response = web.post("/fragments/decisions", headers=HX, params={"lang": "en"},
                        data={"client": str(client), "choice": "override", "reason": "  "})
    assert response.status_code == 422 and no_traceback(response.text)
    assert 'aria-invalid="true"' in response.text
    assert "Give the reason why you override the model." in text_of(response.text)
    assert 'value="override" checked' in response.text  # the advisor's choice is kept
    assert [row.id for row in await advisor_rows(stack_db, client)] == before
    no_choice = web.post("/fragments/decisions", headers=HX, params={"lang": "en"}, data={"client": str(client)})
    assert no_choice.status_code == 422 and "Choose whether to follow the model." in text_of(no_choice.text)


async def test_override_with_a_reason_is_stored_with_who_and_the_audited_model_decision(
        stack: Stack, stack_db: AsyncEngine, web: httpx.Client, clients: dict[str, list[int]]) -> None:
    client = clients["refused"][-1]
    reason = "Client brought proof of a permanent contract <b>signed</b> last week."
    response = web.post("/fragments/decisions", headers=HX, params={"lang": "en"},
                        data={"client": str(client), "choice": "override", "reason": reason})
    assert response.status_code == 200, response.text
    assert "Decision recorded: model overridden." in text_of(response.text)
    assert "&lt;b&gt;signed&lt;/b&gt;" in response.text  # the reason is shown escaped
    rows = await advisor_rows(stack_db, client)
    row = rows[-1]
    assert (row.username, row.model_decision, row.final_decision, row.reason) == (
        stack.advisor.username, "refused", "granted", reason)
    assert row.created_at is not None and row.decision_id is not None
    async with db.session_factory(stack_db)() as session:
        audited = await session.get(Decision, row.decision_id)
    assert audited is not None and audited.client_id == client and audited.decision == "refused"
    assert reason in text_of(response.text.split('class="decision-history"', 1)[1])


async def test_follow_stores_the_models_decision_as_final(stack: Stack, stack_db: AsyncEngine,
                                                          clients: dict[str, list[int]]) -> None:
    client = clients["granted"][-2]
    with sign_in(stack.web_url, stack.admin) as admin:
        response = admin.post("/fragments/decisions", headers=HX, params={"lang": "fr"},
                              data={"client": str(client), "choice": "follow", "reason": ""})
    assert response.status_code == 200
    assert "Décision enregistrée : recommandation suivie." in text_of(response.text)
    row = (await advisor_rows(stack_db, client))[-1]
    assert (row.username, row.model_decision, row.final_decision, row.reason) == (
        stack.admin.username, "granted", "granted", None)


def test_decision_post_needs_the_csrf_token(stack: Stack, clients: dict[str, list[int]]) -> None:
    with sign_in(stack.web_url, stack.advisor) as client:
        del client.headers["X-CSRF-Token"]
        response = client.post("/fragments/decisions", headers=HX,
                                data={"client": str(clients["granted"][0]), "choice": "follow"})
        assert response.status_code == 403


async def test_views_do_not_flood_the_history(stack: Stack, web: httpx.Client, clients: dict[str, list[int]]) -> None:
    """Issue 13 item 8: each dashboard view is audited as a view; the advisor sees one entry per distinct model
    decision (with how many times it was shown) and each advisor decision, newest first."""
    client = clients["granted"][-3]
    for _ in range(5):
        assert web.get("/fragments/score", params={"client": client, "lang": "en"}, headers=HX).status_code == 200
    rows = api(stack, "scoring", "GET", f"/v1/clients/{client}/decisions", params={"limit": 50})["decisions"]
    assert sum(1 for r in rows if r["purpose"] == "view") >= 5  # every score shown is still audited
    page = web.get("/fragments/decisions", params={"client": client, "lang": "en"}, headers=HX).text
    table = page.split('class="decision-history"', 1)[1]
    assert table.count('data-kind="model"') == 1  # five views of one decision: one entry
    assert "Shown " in text_of(table) and " times since " in text_of(table)
