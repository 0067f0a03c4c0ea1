"""Score client ids or new applications against the database: features in, audited decisions out."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg

from credit_core import feature_store
from credit_scoring import audit, scoring
from credit_scoring.scoring import ScoreResult

Scored = tuple[ScoreResult, audit.Stored]


async def score_client(
    conn: asyncpg.Connection, bundle: Any, client_id: int, *, caller: str, request_id: str | None
) -> Scored | None:
    """One client (None when it has no features); predicts inline: one row is cheaper than a thread hop."""
    records = await feature_store.fetch(conn, [client_id])
    if not records:
        return None
    results = scoring.score_records(bundle, records)
    stored = await audit.record(conn, results, caller=caller, request_id=request_id)
    return results[0], stored[0]


async def score_clients(
    conn: asyncpg.Connection, bundle: Any, client_ids: Sequence[int], *, caller: str, request_id: str | None,
    chunk_size: int,
) -> list[Scored | None]:
    """Per input position (duplicates scored and audited once each); None for unknown clients."""
    out: list[Scored | None] = []
    for start in range(0, len(client_ids), chunk_size):
        chunk = client_ids[start:start + chunk_size]
        by_id = {r["sk_id_curr"]: r for r in await feature_store.fetch(conn, list(set(chunk)))}
        records = [by_id[c] for c in chunk if c in by_id]
        results = await asyncio.to_thread(scoring.score_records, bundle, records) if records else []
        stored = await audit.record(conn, results, caller=caller, request_id=request_id)
        scored = iter(zip(results, stored, strict=True))
        out.extend(next(scored) if c in by_id else None for c in chunk)
    return out


async def score_applications(
    conn: asyncpg.Connection, bundle: Any, applications: Sequence[tuple[dict[str, Any], dict[str, Any] | None]],
    *, caller: str, request_id: str | None, chunk_size: int,
) -> list[Scored]:
    out: list[Scored] = []
    for start in range(0, len(applications), chunk_size):
        chunk = applications[start:start + chunk_size]
        results = await asyncio.to_thread(scoring.score_applications, bundle, chunk)
        stored = await audit.record(conn, results, caller=caller, request_id=request_id)
        out.extend(zip(results, stored, strict=True))
    return out
