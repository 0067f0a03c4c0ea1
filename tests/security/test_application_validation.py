"""Item 6: scoring and explain validate an application with one model (credit_core.application_schema, derived
from the Home Credit schema): the same inputs are refused by both, naming the same field, and the same valid
application gets the same decision from both. History is capped per table and per application."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import orjson
import pytest

from credit_core.application_schema import MAX_HISTORY_ROWS, MAX_HISTORY_ROWS_PER_APPLICATION
from tests.security._http import application, problem_fields
from tests.security._servers import Apis

BAD_VALUES = [
    ("AMT_CREDIT", "NaN"), ("AMT_CREDIT", "Infinity"), ("AMT_CREDIT", "-Infinity"), ("AMT_CREDIT", "1e309"),
    ("AMT_CREDIT", "-1e12"), ("AMT_INCOME_TOTAL", "1e13"), ("EXT_SOURCE_2", "1.5"), ("DAYS_BIRTH", "-1e6"),
    ("AMT_CREDIT", "true"), ("AMT_CREDIT", '"450000"'), ("AMT_CREDIT", "[1]"), ("AMT_CREDIT", "{}"),
    ("CODE_GENDER", '"' + "x" * 1_000_000 + '"'), ("CODE_GENDER", "1"), ("CODE_GENDER", "false"),
    ("NOT_A_COLUMN", "1"), ("TARGET", "1"),
]


@pytest.fixture(scope="module")
def clients(apis: Apis) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    headers = {**apis.auth, "content-type": "application/json"}
    with httpx.Client(base_url=apis.scoring_url, headers=headers, timeout=120) as scoring, \
            httpx.Client(base_url=apis.explain_url, headers=headers, timeout=120) as explain:
        yield scoring, explain


def _both(clients: tuple[httpx.Client, httpx.Client], app: str, history: str | None = None
          ) -> tuple[httpx.Response, httpx.Response]:
    scoring, explain = clients
    scored_body = app if history is None else app[:-1] + f', "history": {history}}}'
    explained_body = f'{{"application": {app}' + ("" if history is None else f', "history": {history}') + "}"
    return scoring.post("/v1/score", content=scored_body), explain.post("/v1/explain", content=explained_body)


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=[f"{f}={v[:12]}" for f, v in BAD_VALUES])
def test_both_services_refuse_the_same_values(clients: tuple[httpx.Client, httpx.Client], field: str,
                                              value: str) -> None:
    scored, explained = _both(clients, application(**{field: value}))
    assert problem_fields(scored) == {f"body.{field}"}
    assert problem_fields(explained) == {f"body.application.{field}"}


def test_both_services_decide_the_same_for_a_valid_application(clients: tuple[httpx.Client, httpx.Client]) -> None:
    scored, explained = _both(clients, application(), '{"bureau": [{"DAYS_CREDIT": -400, "AMT_CREDIT_SUM": 1000.0, '
                                                      '"CREDIT_ACTIVE": "Active"}]}')
    assert scored.status_code == 200 and explained.status_code == 200, (scored.text, explained.text)
    assert scored.json()["decision"] == explained.json()["decision"]["decision"]
    assert scored.json()["probability_default"] == pytest.approx(explained.json()["decision"]["probability"],
                                                                 abs=1e-6)


@pytest.mark.parametrize(("rows", "field"), [
    ({"bureau": MAX_HISTORY_ROWS + 1}, "body.history.bureau"),
    ({"bureau": MAX_HISTORY_ROWS, "previous_application": MAX_HISTORY_ROWS,
      "installments_payments": MAX_HISTORY_ROWS_PER_APPLICATION - 2 * MAX_HISTORY_ROWS + 1}, "body.history"),
    ({"installments_payments": 200_000}, "body.history.installments_payments"),
])
def test_history_is_capped(clients: tuple[httpx.Client, httpx.Client], rows: dict[str, int], field: str) -> None:
    history = orjson.dumps({table: [{"AMT_PAYMENT": 1.0} if table == "installments_payments" else {}] * n
                            for table, n in rows.items()}).decode()
    scored, explained = _both(clients, application(), history)
    assert problem_fields(scored) == {field}
    assert problem_fields(explained) == {field}


@pytest.mark.parametrize("value", ["NaN", "1e309", "-1", '"lots"', '"' + "x" * 200 + '"'])
def test_what_if_changes_are_checked_like_applications(clients: tuple[httpx.Client, httpx.Client], apis: Apis,
                                                       value: str) -> None:
    _, explain = clients
    response = explain.post("/v1/explain", content=f'{{"client_id": {apis.client_ids[0]}, '
                                                   f'"changes": {{"AMT_CREDIT": {value}}}}}')
    assert problem_fields(response) == {"body.changes.AMT_CREDIT"}
