"""Score batches of client ids or new applications against the database: features in, audited decisions out.

Big batches go by chunks, pipelined over the pool's connections: while chunk k is being scored (in a
thread), chunk k+1's features are being read and chunk k-1's decisions written (COPY), so the database
and the model work at the same time. The call returns only once every decision is stored.
(One-client requests go through credit_scoring.batcher instead.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg

from credit_core import feature_store
from credit_core.service.database import connection, with_retry
from credit_scoring import audit, scoring
from credit_scoring.scoring import ScoreResult

Scored = tuple[ScoreResult, audit.Stored]


async def _store(pool: asyncpg.Pool, results: list[ScoreResult], caller: str, request_id: str | None
                 ) -> list[audit.Stored]:
    if not results:
        return []
    async with connection(pool) as conn:  # a write: never retried
        return await audit.record(conn, results, caller=caller, request_id=request_id)


async def _settle(tasks: list[asyncio.Task[Any]]) -> list[Any]:
    """Await every task even if one fails (no write left running unobserved), then raise the first error."""
    done = await asyncio.gather(*tasks, return_exceptions=True)
    for outcome in done:
        if isinstance(outcome, BaseException):
            raise outcome
    return done


async def score_clients(
    pool: asyncpg.Pool, bundle: Any, client_ids: Sequence[int], *, caller: str, request_id: str | None,
    chunk_size: int,
) -> list[Scored | None]:
    """Per input position (duplicates scored and audited once each); None for unknown clients."""
    chunks = [client_ids[start:start + chunk_size] for start in range(0, len(client_ids), chunk_size)]

    async def fetch(chunk: Sequence[int]) -> list[asyncpg.Record]:
        unique = list(set(chunk))
        return await with_retry(pool, lambda conn: feature_store.fetch(conn, unique))

    reads = [asyncio.create_task(fetch(chunks[0]))] if chunks else []
    writes: list[asyncio.Task[list[audit.Stored]]] = []
    scored_chunks: list[tuple[Sequence[int], dict[int, asyncpg.Record], list[ScoreResult]]] = []
    try:
        for k, chunk in enumerate(chunks):
            records = await reads[k]
            if k + 1 < len(chunks):
                reads.append(asyncio.create_task(fetch(chunks[k + 1])))
            by_id = {r["sk_id_curr"]: r for r in records}
            present = [by_id[c] for c in chunk if c in by_id]
            results = await asyncio.to_thread(scoring.score_records, bundle, present) if present else []
            writes.append(asyncio.create_task(_store(pool, results, caller, request_id)))
            scored_chunks.append((chunk, by_id, results))
    finally:
        settled = await _settle([*writes, *reads[len(scored_chunks):]])
    out: list[Scored | None] = []
    for (chunk, by_id, results), stored in zip(scored_chunks, settled, strict=False):
        pairs = iter(zip(results, stored, strict=True))
        out.extend(next(pairs) if c in by_id else None for c in chunk)
    return out


async def score_applications(
    pool: asyncpg.Pool, bundle: Any, applications: Sequence[tuple[dict[str, Any], dict[str, Any] | None]],
    *, caller: str, request_id: str | None, chunk_size: int,
) -> list[Scored]:
    """New applications, by chunks through the one feature pipeline; each chunk's write overlaps the next one's
    features."""
    writes: list[asyncio.Task[list[audit.Stored]]] = []
    all_results: list[list[ScoreResult]] = []
    try:
        for start in range(0, len(applications), chunk_size):
            chunk = applications[start:start + chunk_size]
            results = await asyncio.to_thread(scoring.score_applications, bundle, chunk)
            all_results.append(results)
            writes.append(asyncio.create_task(_store(pool, results, caller, request_id)))
    finally:
        stored_chunks = await _settle(writes)
    return [pair for results, stored in zip(all_results, stored_chunks, strict=True)
            for pair in zip(results, stored, strict=True)]
