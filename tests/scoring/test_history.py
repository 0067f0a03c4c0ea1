"""Issue 13 item 8: every score shown is audited with why it was computed (purpose), and the compact history shows
distinct model decisions and advisor decisions, newest first."""

from __future__ import annotations

import asyncpg
import httpx

from tests.scoring._env import FIRST_ID

CLIENT = FIRST_ID + 61


async def _count(client: httpx.AsyncClient, cid: int) -> int:
    """Audit rows of the client's model decisions so far (other tests may score the same client)."""
    entries = (await client.get(f"/v1/clients/{cid}/history", params={"limit": 500})).json()["entries"]
    return sum(e["count"] for e in entries if e["kind"] == "model")


async def test_views_are_audited_as_views_and_collapse_in_the_history(client: httpx.AsyncClient) -> None:
    before = await _count(client, CLIENT)
    shown = [(await client.get(f"/v1/clients/{CLIENT}/score", params={"purpose": "view"})).json() for _ in range(20)]
    letter = (await client.get(f"/v1/clients/{CLIENT}/score", params={"purpose": "letter"})).json()
    plain = (await client.get(f"/v1/clients/{CLIENT}/score")).json()
    rows = (await client.get(f"/v1/clients/{CLIENT}/decisions", params={"limit": 22})).json()["decisions"]
    ours = {s["decision_id"] for s in [*shown, letter, plain]}
    assert {r["decision_id"] for r in rows} == ours  # every score shown is still audited
    assert [r["purpose"] for r in rows] == ["api", "letter", *["view"] * 20]
    assert rows[0]["decision_id"] == plain["decision_id"] and rows[1]["decision_id"] == letter["decision_id"]

    history = (await client.get(f"/v1/clients/{CLIENT}/history")).json()
    assert history["client_id"] == CLIENT and history["advisor_decision"] is None
    entry = history["entries"][0]  # one model on the same features: one decision
    assert [e["kind"] for e in history["entries"]] == ["model"]
    assert entry["count"] == before + 22 == await _count(client, CLIENT)
    assert {"letter", "view", "api"} <= set(entry["purposes"]) and entry["purposes"] == sorted(entry["purposes"])
    assert entry["decision_id"] == plain["decision_id"]
    assert entry["decision"] == shown[0]["decision"] and entry["probability"] == shown[0]["probability_default"]
    assert entry["risk_band"] == shown[0]["risk_band"] and entry["first_at"] <= entry["last_at"]


async def test_advisor_decisions_come_first_with_their_display_name(client: httpx.AsyncClient,
                                                                   scoring_env: object) -> None:
    cid = CLIENT + 1
    before = await _count(client, cid)
    await client.get(f"/v1/clients/{cid}/score", params={"purpose": "view"})
    r = await client.post(f"/v1/clients/{cid}/advisor-decisions",
                          json={"choice": "override", "reason": "garant solide", "username": "alice",
                                "display_name": "Alice Martin"})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["display_name"] == "Alice Martin"
    history = (await client.get(f"/v1/clients/{cid}/history")).json()
    first = history["entries"][0]
    assert first == history["advisor_decision"]
    assert first["kind"] == "advisor" and first["display_name"] == "Alice Martin" and first["username"] == "alice"
    assert first["choice"] == "override" and first["final_decision"] != first["model_decision"]
    assert first["reason"] == "garant solide" and first["decision_id"] == made["score"]["decision_id"]
    models = [e for e in history["entries"] if e["kind"] == "model"]
    assert len(models) == 1 and {"decision", "view"} <= set(models[0]["purposes"])
    assert models[0]["count"] == before + 2
    rows = (await client.get(f"/v1/clients/{cid}/decisions")).json()["decisions"]
    assert rows[0]["purpose"] == "decision" and rows[0]["decision_id"] == made["score"]["decision_id"]

    without = await client.post(f"/v1/clients/{cid}/advisor-decisions", json={"choice": "follow", "username": "bob"})
    assert without.status_code == 201 and without.json()["display_name"] is None


async def test_unknown_purpose_is_a_422_problem(client: httpx.AsyncClient) -> None:
    for params in ({"purpose": "peek"}, {"purpose": ""}):
        r = await client.get(f"/v1/clients/{CLIENT}/score", params=params)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == "query.purpose"
    r = await client.post("/v1/score/batch", params={"purpose": "peek"}, json={"client_ids": [CLIENT]})
    assert r.status_code == 422


async def test_batch_purpose_is_stored(client: httpx.AsyncClient, scoring_env: object) -> None:
    cid = CLIENT + 2
    r = await client.post("/v1/score/batch", params={"purpose": "letter"}, json={"client_ids": [cid, cid]})
    assert r.status_code == 200, r.text
    ids = {item["result"]["decision_id"] for item in r.json()["items"]}
    rows = (await client.get(f"/v1/clients/{cid}/decisions", params={"limit": 500})).json()["decisions"]
    assert [row["purpose"] for row in rows if row["decision_id"] in ids] == ["letter", "letter"]


async def test_openapi_documents_purpose_and_history(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    params = spec["paths"]["/v1/clients/{client_id}/score"]["get"]["parameters"]
    purpose = next(p for p in params if p["name"] == "purpose")
    assert purpose["in"] == "query" and purpose["schema"]["enum"] == ["view", "decision", "letter", "api"]
    batch = spec["paths"]["/v1/score/batch"]["post"]["parameters"]
    assert any(p["name"] == "purpose" for p in batch)
    assert "/v1/clients/{client_id}/history" in spec["paths"]


async def test_migration_defaults_old_rows_to_api(scoring_env: object, client: httpx.AsyncClient) -> None:
    env = scoring_env
    async with env.engine.connect() as connection:  # type: ignore[attr-defined]
        raw: asyncpg.Connection = (await connection.get_raw_connection()).driver_connection
        default = await raw.fetchval("SELECT column_default FROM information_schema.columns "
                                     "WHERE table_name = 'decision' AND column_name = 'purpose'")
        assert default is not None and "api" in default
