"""Concurrent one-client requests are coalesced (one read, one predict, one INSERT per batch): every response
still gets its own, stored, correct decision; dead pooled connections are replaced without failing requests."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from credit_scoring.main import APPLICATION_NAME
from tests.scoring._env import FIRST_ID, N_CLIENTS, ScoringEnv


async def test_concurrent_requests_each_get_their_own_stored_decision(
    client: httpx.AsyncClient, scoring_env: ScoringEnv
) -> None:
    wanted = [FIRST_ID + (i * 7) % N_CLIENTS for i in range(60)] + [FIRST_ID + 5] * 4 + [3, 4]  # dups, unknowns
    responses = await asyncio.gather(*(
        client.get(f"/v1/clients/{c}/score", headers={"X-Request-ID": f"coalesce-{i}"}) for i, c in enumerate(wanted)
    ))
    ok = [(i, r.json()) for i, r in enumerate(responses) if r.status_code == 200]
    assert [r.status_code for r in responses[-2:]] == [404, 404]
    assert len(ok) == len(wanted) - 2
    async with scoring_env.engine.connect() as conn:
        rows = {row.id: row for row in await conn.execute(
            sa.text("SELECT id, client_id, probability, decision, request_id FROM decision WHERE id = ANY(:ids)"),
            {"ids": [body["decision_id"] for _, body in ok]})}
    assert len(rows) == len(ok)  # one distinct stored row per reported decision
    for i, body in ok:
        row = rows[body["decision_id"]]
        assert body["client_id"] == wanted[i] == row.client_id
        assert row.request_id == f"coalesce-{i}"
        assert row.probability == body["probability_default"] and row.decision == body["decision"]
    same_client = {body["probability_default"] for i, body in ok if wanted[i] == FIRST_ID + 5}
    assert len(same_client) == 1  # duplicates in one batch get the same score, each its own row


async def test_killed_pool_connections_are_replaced(
    app: FastAPI, client: httpx.AsyncClient, scoring_env: ScoringEnv
) -> None:
    assert (await client.get(f"/v1/clients/{FIRST_ID}/score")).status_code == 200  # the held connection is open
    pool: asyncpg.Pool = app.state.pool
    held = [await pool.acquire() for _ in range(3)]  # and several idle ones: a retry must not pick another dead one
    for conn in held:
        await pool.release(conn)
    async with scoring_env.engine.connect() as conn:
        killed = (await conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = :name"), {"name": APPLICATION_NAME})).scalar()
    assert killed >= 1
    statuses = [(await client.get(f"/v1/clients/{FIRST_ID + i}/score")).status_code for i in range(5)]
    assert statuses == [200] * 5
    assert (await client.get("/readyz")).status_code == 200
