"""Audit rows written by binary COPY (big batches) are exactly those the per-value paths write."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import numpy as np
import orjson
import pytest

from credit_core.scoring import audit
from credit_core.scoring.scores import Scores
from tests.scoring._env import FIRST_ID, ScoringEnv

ROWS = audit.COPY_FROM_ROWS + 36
STORED = ("client_id", "application_hash", "model_version", "probability", "threshold", "decision", "feature_hash",
          "caller", "request_id", "created_at", "purpose")


@pytest.fixture
async def conn(scoring_env: ScoringEnv) -> AsyncIterator[asyncpg.Connection]:
    async with scoring_env.engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        yield raw


def _scores(n: int, *, applications: bool = False, seed: int = 0) -> Scores:
    rng = np.random.default_rng(seed)
    probabilities = rng.random(n)
    probabilities[0] = 0.0
    probabilities[1] = np.nextafter(1.0, 0)  # the 17th significant digit survives
    digests = b"".join(hashlib.sha256(str((seed, i)).encode()).digest() for i in range(n))
    return Scores(
        model_version="20261204-1", threshold=0.1234567890123, client_ids=[7_000_000 + i for i in range(n)],
        probabilities=probabilities.tolist(),
        decisions=["refused" if p >= 0.1234567890123 else "granted" for p in probabilities.tolist()],
        risk_bands=["low"] * n, feature_digests=digests,
        application_hashes=[hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)] if applications
        else [None] * n,
    )


async def _rows(conn: asyncpg.Connection, recorded: audit.Recorded) -> list[dict[str, Any]]:
    rows = await conn.fetch(f"SELECT id, {', '.join(STORED)} FROM decision WHERE id = ANY($1::bigint[]) ORDER BY id",
                            recorded.decision_ids)
    assert [r["id"] for r in rows] == sorted(recorded.decision_ids)
    by_id = {r["id"]: r for r in rows}
    return [{k: by_id[i][k] for k in STORED} for i in recorded.decision_ids]


def _expected(scores: Scores, caller: str, request_id: str | None, recorded: audit.Recorded,
              purpose: str = "api") -> list[dict[str, Any]]:
    return [{"client_id": None if scores.application_hashes[i] else scores.client_ids[i],
             "application_hash": scores.application_hashes[i], "model_version": scores.model_version,
             "probability": scores.probabilities[i], "threshold": scores.threshold, "decision": scores.decisions[i],
             "feature_hash": scores.feature_hash(i), "caller": caller, "request_id": request_id,
             "created_at": recorded.scored_at, "purpose": purpose} for i in range(len(scores))]


@pytest.mark.parametrize(("applications", "request_id", "purpose"),
                         [(False, "req-1", "api"), (True, None, "view"), (False, None, "letter")])
async def test_binary_copy_stores_every_value_exactly(conn: asyncpg.Connection, applications: bool,
                                                      request_id: str | None, purpose: audit.Purpose) -> None:
    scores = _scores(ROWS, applications=applications)
    assert audit.copy_data(scores, list(range(ROWS)), "batch-caller", request_id, audit.datetime.now(audit.UTC),
                           purpose)
    recorded = await audit.record(conn, scores, caller="batch-caller", request_id=request_id, purpose=purpose)
    assert len(recorded.decision_ids) == ROWS == len(set(recorded.decision_ids))
    assert await _rows(conn, recorded) == _expected(scores, "batch-caller", request_id, recorded, purpose)
    assert scores.feature_hash(3) == hashlib.sha256(str((0, 3)).encode()).hexdigest()


async def test_rows_without_a_common_layout_go_through_the_per_value_copy(conn: asyncpg.Connection) -> None:
    scores = _scores(ROWS, applications=True, seed=1)
    scores.application_hashes[5] = None  # a null on one row only
    scores.decisions[7] = "refusé"  # not ASCII, another length
    assert audit.copy_data(scores, list(range(ROWS)), "caller-é", None, audit.datetime.now(audit.UTC)) is None
    recorded = await audit.record(conn, scores, caller="caller-é", request_id=None, purpose="view")
    assert await _rows(conn, recorded) == _expected(scores, "caller-é", None, recorded, "view")


async def test_small_batches_use_one_insert_with_a_caller_per_row(conn: asyncpg.Connection) -> None:
    scores = _scores(3, seed=2)
    recorded = await audit.record_each(conn, scores, ["a", "b", "c"], ["r1", None, "r3"], ["view", "api", "letter"])
    rows = await _rows(conn, recorded)
    assert [(r["caller"], r["request_id"], r["purpose"]) for r in rows] == [
        ("a", "r1", "view"), ("b", None, "api"), ("c", "r3", "letter")]
    assert [r["feature_hash"] for r in rows] == [scores.feature_hash(i) for i in range(3)]
    assert {r["created_at"] for r in rows} == {recorded.scored_at}


async def test_a_decision_records_the_digest_of_the_stored_row(client: httpx.AsyncClient,
                                                               conn: asyncpg.Connection) -> None:
    scored = (await client.get(f"/v1/clients/{FIRST_ID + 7}/score")).json()
    batch = (await client.post("/v1/score/batch", json={"client_ids": [FIRST_ID + 7] * audit.COPY_FROM_ROWS})).json()
    ids = [scored["decision_id"]] + [item["result"]["decision_id"] for item in batch["items"]]
    stored = await conn.fetchrow("SELECT numeric, categorical, feature_hash FROM client_feature WHERE sk_id_curr = $1",
                                 FIRST_ID + 7)
    digest = hashlib.sha256(stored["numeric"] + orjson.dumps(stored["categorical"])).hexdigest()
    assert stored["feature_hash"].hex() == digest
    hashes = await conn.fetch("SELECT feature_hash FROM decision WHERE id = ANY($1::bigint[])", ids)
    assert len(hashes) == len(ids) and {r["feature_hash"] for r in hashes} == {digest}
