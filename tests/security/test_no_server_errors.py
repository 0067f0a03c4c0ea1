"""Item 5: every input that used to answer 500 now gets a 4xx naming the problem (problem+json from the APIs, a
page or fragment from the dashboard), and an advisor's decision is stored together with its audit row or not at
all."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.security._dashboard import Dashboard, dashboard_on, new_account, sql
from tests.security._http import HUGE, PROBLEM, application, problem_fields
from tests.security._servers import Apis
from tests.security._web import signed_in
from tests.web._stack import Stack

pytestmark = pytest.mark.slow
@pytest.fixture(scope="module")
def scoring(apis: Apis) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=apis.scoring_url, headers={**apis.auth, "content-type": "application/json"},
                      timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def explain(apis: Apis) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=apis.explain_url, headers={**apis.auth, "content-type": "application/json"},
                      timeout=60) as client:
        yield client


@pytest.mark.parametrize("client_id", [str(2**63), str(2**64), HUGE])
def test_explain_with_a_client_id_beyond_bigint(explain: httpx.Client, client_id: str) -> None:
    assert problem_fields(explain.post("/v1/explain", content=f'{{"client_id": {client_id}}}')) == {"body.client_id"}


@pytest.mark.parametrize("field", ["AMT_CREDIT", "DAYS_BIRTH", "OWN_CAR_AGE", "SK_ID_CURR"])
def test_a_401_digit_integer_in_an_application(scoring: httpx.Client, explain: httpx.Client, field: str) -> None:
    app = application(**{field: HUGE})
    assert problem_fields(scoring.post("/v1/score", content=app)) == {f"body.{field}"}
    assert problem_fields(explain.post("/v1/explain", content=f'{{"application": {app}}}')) == {
        f"body.application.{field}"}


@pytest.mark.parametrize(("table", "field"), [("bureau", "AMT_CREDIT_SUM"), ("bureau", "SK_ID_BUREAU"),
                                               ("installments_payments", "AMT_PAYMENT")])
def test_a_401_digit_integer_in_a_history_field(scoring: httpx.Client, explain: httpx.Client, table: str,
                                                field: str) -> None:
    history = f'{{"{table}": [{{"{field}": {HUGE}}}]}}'
    scored = scoring.post("/v1/score", content=application(history=history))
    assert problem_fields(scored) == {f"body.history.{table}.0.{field}"}
    explained = explain.post("/v1/explain", content=f'{{"application": {application()}, "history": {history}}}')
    assert problem_fields(explained) == {f"body.history.{table}.0.{field}"}


def test_a_401_digit_integer_in_what_if_changes(explain: httpx.Client, apis: Apis) -> None:
    body = f'{{"client_id": {apis.client_ids[0]}, "changes": {{"AMT_CREDIT": {HUGE}}}}}'
    assert problem_fields(explain.post("/v1/explain", content=body)) == {"body.changes.AMT_CREDIT"}


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "1e300", "1e309", "100002.0", "true", '"100002"'])
def test_an_applicant_id_that_is_not_an_id(scoring: httpx.Client, explain: httpx.Client, value: str) -> None:
    app = application(SK_ID_CURR=value)
    assert problem_fields(scoring.post("/v1/score", content=app)) == {"body.SK_ID_CURR"}
    assert problem_fields(explain.post("/v1/explain", content=f'{{"application": {app}}}')) == {
        "body.application.SK_ID_CURR"}


@pytest.mark.parametrize("digits", [4301, 5000, 20])
def test_a_client_id_of_thousands_of_digits_in_a_path(scoring: httpx.Client, explain: httpx.Client,
                                                      digits: int) -> None:
    huge = "9" * digits
    assert problem_fields(scoring.get(f"/v1/clients/{huge}/score")) == {"path.client_id"}
    assert problem_fields(scoring.get(f"/v1/clients/{huge}/decisions")) == {"path.client_id"}
    assert problem_fields(explain.get(f"/v1/clients/{huge}/explanation")) == {"path.client_id"}
    assert problem_fields(explain.get(f"/v1/clients/{huge}/profile")) == {"path.client_id"}
    assert problem_fields(explain.get("/v1/features/AMT_CREDIT/distribution", params={"client_id": huge})) == {
        "query.client_id"}


# ---- the advisor's decision: one transaction with its audit row -------------------------------------------------

def _counts(apis: Apis, client_id: int) -> tuple[int, int]:
    (row,) = sql(apis.database_url, "SELECT (SELECT count(*) FROM decision WHERE client_id = $1) AS audit, "
                 "(SELECT count(*) FROM advisor_decision WHERE client_id = $1) AS advisor", client_id)
    return int(row["audit"]), int(row["advisor"])


def test_an_advisor_decision_is_stored_with_its_audit_row(scoring: httpx.Client, apis: Apis) -> None:
    client_id = apis.client_ids[1]
    before = _counts(apis, client_id)
    stored = scoring.post(f"/v1/clients/{client_id}/advisor-decisions",
                          json={"choice": "override", "reason": "documents checked", "username": "sec-advisor"})
    assert stored.status_code == 201, stored.text
    body = stored.json()
    assert body["final_decision"] != body["model_decision"] == body["score"]["decision"]
    assert _counts(apis, client_id) == (before[0] + 1, before[1] + 1)
    (row,) = sql(apis.database_url, "SELECT decision_id, reason, username FROM advisor_decision WHERE id = $1",
                 body["advisor_decision_id"])
    assert (row["decision_id"], row["reason"], row["username"]) == (
        body["score"]["decision_id"], "documents checked", "sec-advisor")


@pytest.mark.parametrize("reason", ["null byte \x00 here", "bell \x07", "escape \x1b[31m"])
def test_a_reason_with_control_characters_is_refused_and_nothing_is_stored(scoring: httpx.Client, apis: Apis,
                                                                           reason: str) -> None:
    client_id = apis.client_ids[2]
    before = _counts(apis, client_id)
    refused = scoring.post(f"/v1/clients/{client_id}/advisor-decisions",
                           json={"choice": "override", "reason": reason, "username": "sec-advisor"})
    assert problem_fields(refused) == {"body.reason"}
    assert _counts(apis, client_id) == before


def test_when_the_advisor_row_fails_the_audit_row_is_not_kept(scoring: httpx.Client, apis: Apis) -> None:
    """The database refuses the advisor's row (a trigger this test adds): the model decision's audit row, written
    first in the same transaction, is rolled back with it."""
    client_id, marker = apis.client_ids[3], f"refuse-{uuid.uuid4().hex[:8]}"
    sql(apis.database_url, "CREATE OR REPLACE FUNCTION sec_refuse_advisor() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$")
    sql(apis.database_url, f"CREATE TRIGGER sec_refuse_{marker[7:]} BEFORE INSERT ON advisor_decision FOR EACH ROW "
        f"WHEN (NEW.reason = '{marker}') EXECUTE FUNCTION sec_refuse_advisor()")
    try:
        before = _counts(apis, client_id)
        failed = scoring.post(f"/v1/clients/{client_id}/advisor-decisions",
                              json={"choice": "override", "reason": marker, "username": "sec-advisor"})
        assert failed.status_code >= 500 and failed.headers["content-type"] == PROBLEM
        assert _counts(apis, client_id) == before
    finally:
        sql(apis.database_url, f"DROP TRIGGER sec_refuse_{marker[7:]} ON advisor_decision")


# ---- the dashboard -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dashboard(stack: Stack) -> Iterator[Dashboard]:
    with dashboard_on(stack, "postgres") as running:
        yield running


@pytest.fixture(scope="module")
def advisor(dashboard: Dashboard) -> Iterator[httpx.Client]:
    account = new_account(dashboard)
    with signed_in(dashboard.url, account.username, account.password, "10.5.0.1") as client:
        yield client


def test_a_reason_with_nul_is_refused_on_the_dashboard_and_nothing_is_stored(advisor: httpx.Client, stack: Stack,
                                                                             dashboard: Dashboard) -> None:
    client_id = stack.client_ids(3)[-1]
    count = "SELECT (SELECT count(*) FROM decision WHERE client_id = $1) + (SELECT count(*) FROM advisor_decision " \
            "WHERE client_id = $1) AS n"
    before = sql(dashboard.database_url, count, client_id)[0]["n"]
    response = advisor.post("/fragments/decisions?lang=en", headers={"HX-Request": "true"},
                            data={"client": str(client_id), "choice": "override", "reason": "looks\x00fine"})
    assert response.status_code == 422
    assert "control characters" in response.text
    assert sql(dashboard.database_url, count, client_id)[0]["n"] == before


ODD_CLIENTS = ["²", "9" * 5000, "+100002", "100002.0"]


@pytest.mark.parametrize("path", ["/fragments/decisions", "/fragments/whatif", "/fragments/score", "/letter"])
@pytest.mark.parametrize("client", ODD_CLIENTS)
def test_odd_client_ids_on_the_dashboard(advisor: httpx.Client, path: str, client: str) -> None:
    response = advisor.get(path, params={"client": client, "lang": "en"}, headers={"HX-Request": "true"})
    assert response.status_code == 422, (path, response.status_code)
    assert "Traceback" not in response.text


@pytest.mark.parametrize("client", ODD_CLIENTS)
def test_odd_client_ids_in_the_dashboard_url(advisor: httpx.Client, client: str) -> None:
    """The page itself still opens (with no client chosen and a notice), unless the text is absurdly long."""
    response = advisor.get("/", params={"client": client, "lang": "en"})
    if len(client) > 64:
        assert response.status_code == 422
    else:
        assert response.status_code == 200 and 'id="client-invalid"' in response.text
        assert 'id="panels"' not in response.text  # no client chosen: no panel loads


@pytest.mark.parametrize("path", ["/fragments/whatif", "/fragments/decisions"])
def test_odd_client_ids_posted_to_the_dashboard(advisor: httpx.Client, path: str) -> None:
    for client in ("²", "9" * 5000):
        response = advisor.post(path, data={"client": client, "choice": "follow", "AMT_CREDIT": "1000"},
                                headers={"HX-Request": "true"})
        assert response.status_code in (200, 422), (path, response.status_code)
        assert "Traceback" not in response.text and "data-decision" not in response.text
