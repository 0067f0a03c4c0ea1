"""GET /v1/clients/{id}/decisions: the client's audit rows, newest first, exactly as the score responses said."""

from __future__ import annotations

import httpx

from tests.scoring._env import FIRST_ID

CLIENT = FIRST_ID + 42


async def test_decisions_newest_first_match_the_responses(client: httpx.AsyncClient) -> None:
    scores = []
    for i in range(3):
        r = await client.get(f"/v1/clients/{CLIENT}/score", headers={"X-Request-ID": f"audit-req-{i}"})
        assert r.status_code == 200, r.text
        scores.append(r.json())
    other = await client.get(f"/v1/clients/{CLIENT + 1}/score")
    assert other.status_code == 200

    r = await client.get(f"/v1/clients/{CLIENT}/decisions", params={"limit": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["client_id"] == CLIENT
    rows = body["decisions"]
    assert [row["decision_id"] for row in rows] == [scores[2]["decision_id"], scores[1]["decision_id"]]
    for row, score in zip(rows, [scores[2], scores[1]], strict=True):
        assert row["client_id"] == CLIENT
        assert row["probability"] == score["probability_default"]
        assert row["threshold"] == score["threshold"] and row["decision"] == score["decision"]
        assert row["risk_band"] == score["risk_band"] and row["model_version"] == score["model_version"]
        assert row["caller"] == "scoring-tests" and len(row["feature_hash"]) == 64
        assert row["decided_at"]
    assert [row["request_id"] for row in rows] == ["audit-req-2", "audit-req-1"]

    everything = (await client.get(f"/v1/clients/{CLIENT}/decisions")).json()["decisions"]
    assert len(everything) >= 3  # default limit 20; other tests may have scored this client too
    assert [d["decision_id"] for d in everything] == sorted((d["decision_id"] for d in everything), reverse=True)


async def test_never_scored_client_has_no_decisions(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/clients/7/decisions")
    assert r.status_code == 200
    assert r.json() == {"client_id": 7, "decisions": []}


async def test_bad_limit_is_422_problem(client: httpx.AsyncClient) -> None:
    for limit in (0, 10_000, "many"):
        r = await client.get(f"/v1/clients/{CLIENT}/decisions", params={"limit": limit})
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == "query.limit"
