from __future__ import annotations

import httpx
import pytest

from tests.scoring._env import FIRST_ID, ScoringEnv, decision_count

PROBLEM = "application/problem+json"
APPLICATION = {"NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F", "AMT_INCOME_TOTAL": 180000.0,
               "AMT_CREDIT": 450000.0, "AMT_ANNUITY": 22500.0, "AMT_GOODS_PRICE": 405000.0,
               "DAYS_BIRTH": -12000, "DAYS_EMPLOYED": -2000, "EXT_SOURCE_2": 0.6}


def check_score(body: dict[str, object]) -> None:
    p, threshold = body["probability_default"], body["threshold"]
    assert isinstance(p, float) and 0 <= p <= 1
    assert body["decision"] == ("refused" if p >= threshold else "granted")  # type: ignore[operator]
    assert body["margin"] == pytest.approx(p - threshold)  # type: ignore[operator]
    assert body["model_version"] == "tiny-1"
    assert isinstance(body["decision_id"], int) and body["risk_band"]
    assert body["scored_at"]


async def test_score_known_client(client: httpx.AsyncClient) -> None:
    r = await client.get(f"/v1/clients/{FIRST_ID + 3}/score")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["client_id"] == FIRST_ID + 3
    check_score(body)
    again = (await client.get(f"/v1/clients/{FIRST_ID + 3}/score")).json()
    assert again["probability_default"] == body["probability_default"]
    assert again["decision_id"] != body["decision_id"]


async def test_unknown_client_is_404_problem(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/clients/1/score")
    assert r.status_code == 404
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["status"] == 404


async def test_score_new_application(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/score", json=APPLICATION)
    assert r.status_code == 200, r.text
    body = r.json()
    check_score(body)
    assert body["client_id"] is None and len(body["application_hash"]) == 64
    with_history = {**APPLICATION, "history": {"bureau": [{"DAYS_CREDIT": -400, "AMT_CREDIT_SUM": 1000.0,
                                                           "CREDIT_ACTIVE": "Active"}]}}
    r2 = await client.post("/v1/score", json=with_history)
    assert r2.status_code == 200, r2.text
    assert r2.json()["application_hash"] != body["application_hash"]


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "1_0", str(2**63), "%C2%B2"])
async def test_invalid_client_id_is_422_naming_the_path_parameter(
    client: httpx.AsyncClient, scoring_env: ScoringEnv, bad: str
) -> None:
    before = await decision_count(scoring_env.engine)
    r = await client.get(f"/v1/clients/{bad}/score")
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["errors"][0]["field"] == "path.client_id"
    assert await decision_count(scoring_env.engine) == before


async def test_the_client_id_path_parameter_is_documented(client: httpx.AsyncClient) -> None:
    operation = (await client.get("/openapi.json")).json()["paths"]["/v1/clients/{client_id}/score"]["get"]
    parameter, purpose = operation["parameters"]
    assert purpose["name"] == "purpose" and purpose["in"] == "query" and not purpose["required"]
    assert parameter["name"] == "client_id" and parameter["in"] == "path" and parameter["required"]
    assert parameter["schema"]["type"] == "integer" and parameter["schema"]["minimum"] == 1
    assert "ScoreOut" in str(operation["responses"]["200"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**APPLICATION, "AMT_CREDIT": "a lot"}, "body.AMT_CREDIT"),
        ({**APPLICATION, "AMT_CREDIT": -5}, "body.AMT_CREDIT"),
        ({**APPLICATION, "EXT_SOURCE_2": 3.0}, "body.EXT_SOURCE_2"),
        ({**APPLICATION, "SALARY": 1}, "body.SALARY"),
        ({**APPLICATION, "CODE_GENDER": "x" * 101}, "body.CODE_GENDER"),
        ({**APPLICATION, "history": {"bureau": [{"NOPE": 1}]}}, "body.history.bureau.0.NOPE"),
    ],
)
async def test_invalid_application_is_422_naming_the_field(
    client: httpx.AsyncClient, payload: dict[str, object], field: str
) -> None:
    r = await client.post("/v1/score", json=payload)
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert field in [e["field"] for e in r.json()["errors"]]


async def test_batch_of_ids_keeps_order_and_reports_unknown_items(client: httpx.AsyncClient) -> None:
    ids = [FIRST_ID + 5, 42, FIRST_ID + 1, FIRST_ID + 5]
    r = await client.post("/v1/score/batch", json={"client_ids": ids})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [item["client_id"] for item in body["items"]] == ids
    assert (body["count"], body["failed"]) == (4, 1)
    assert body["items"][1]["error"]["status"] == 404 and body["items"][1]["result"] is None
    first, last = body["items"][0]["result"], body["items"][3]["result"]
    assert first["probability_default"] == last["probability_default"]
    assert first["decision_id"] != last["decision_id"]


async def test_batch_of_applications(client: httpx.AsyncClient) -> None:
    apps = [APPLICATION, {**APPLICATION, "AMT_CREDIT": 900000.0}]
    r = await client.post("/v1/score/batch", json={"applications": apps})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 2 and all(item["result"]["application_hash"] for item in items)


async def test_batch_limits(client: httpx.AsyncClient) -> None:
    too_many = await client.post("/v1/score/batch", json={"client_ids": list(range(10_001))})
    both = await client.post("/v1/score/batch", json={"client_ids": [1], "applications": [APPLICATION]})
    neither = await client.post("/v1/score/batch", json={})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "body.client_ids"
    assert both.status_code == 422 and neither.status_code == 422


async def test_full_batch_of_ten_thousand_is_fully_audited(client: httpx.AsyncClient, scoring_env: ScoringEnv) -> None:
    before = await decision_count(scoring_env.engine)
    ids = [FIRST_ID + i % 300 for i in range(10_000)]
    r = await client.post("/v1/score/batch", json={"client_ids": ids})
    assert r.status_code == 200
    body = r.json()
    assert body["failed"] == 0
    assert len({item["result"]["decision_id"] for item in body["items"]}) == 10_000
    assert await decision_count(scoring_env.engine) == before + 10_000


async def test_audit_has_one_row_per_decision(client: httpx.AsyncClient, scoring_env: ScoringEnv) -> None:
    before = await decision_count(scoring_env.engine)
    for i in range(5):
        assert (await client.get(f"/v1/clients/{FIRST_ID + i}/score")).status_code == 200
    assert (await client.get("/v1/clients/7/score")).status_code == 404
    assert (await client.post("/v1/score", json=APPLICATION)).status_code == 200
    batch = await client.post("/v1/score/batch", json={"client_ids": [FIRST_ID, 9, FIRST_ID + 2]})
    assert batch.status_code == 200
    assert await decision_count(scoring_env.engine) == before + 5 + 1 + 2


async def test_body_too_large_is_413(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/score", content=b"[" + b" " * (6 * 2**20) + b"]",
                          headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.headers["content-type"] == PROBLEM
