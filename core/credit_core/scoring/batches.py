"""Score batches of client ids or new applications against the database: features in, audited decisions out.

Big batches go by chunks, pipelined over the pool's connections: while chunk k is being scored (in a
thread), chunk k+1's features are being read and chunk k-1's decisions written (COPY), so the database
and the model work at the same time. The call returns only once every decision is stored.
Results stay column by column (Scores, audit.Recorded) until the response is built.
(One-client requests go through credit_core.scoring.coalescer instead.) `events` writes each decision's outbox row
in its audit transaction; a `shadow` gets each chunk once it is stored (credit_core.scoring.shadow).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from credit_core import feature_store
from credit_core.scoring import audit
from credit_core.scoring.application_features import Application
from credit_core.scoring.scorer import Scorer
from credit_core.scoring.scores import Scores
from credit_core.scoring.shadow import ShadowScorer
from credit_core.service.database import connection, with_retry


@dataclass(frozen=True, slots=True)
class Chunk:
    """Audited scores of one chunk of a batch: `found[i]` tells whether input i was scored (rows of `scores`
    follow the found inputs in order)."""

    client_ids: Sequence[int | None]
    found: list[bool]
    scores: Scores
    recorded: audit.Recorded


def items(chunks: Sequence[Chunk]) -> Iterator[audit.Scored | None]:
    """One (result, stored) per input position, None for an unknown client."""
    for chunk in chunks:
        row = 0
        for found in chunk.found:
            if found:
                yield chunk.scores.result(row), chunk.recorded.stored(row)
                row += 1
            else:
                yield None


async def _store(pool: asyncpg.Pool, scores: Scores, caller: str, request_id: str | None,
                 purpose: audit.Purpose, events: bool) -> audit.Recorded:
    if not len(scores):
        return audit.Recorded([], datetime.now(UTC))
    async with connection(pool) as conn:  # a write: never retried
        return await audit.record(conn, scores, caller=caller, request_id=request_id, purpose=purpose, events=events)


async def _settle(tasks: Sequence[asyncio.Task[Any]]) -> list[Any]:
    """Await every task even if one fails (no write left running unobserved), then raise the first error."""
    done = await asyncio.gather(*tasks, return_exceptions=True)
    for outcome in done:
        if isinstance(outcome, BaseException):
            raise outcome
    return done


async def score_clients(
    pool: asyncpg.Pool, scorer: Scorer, client_ids: Sequence[int], *, caller: str, request_id: str | None,
    chunk_size: int, purpose: audit.Purpose = audit.DEFAULT_PURPOSE, events: bool = False,
    shadow: ShadowScorer | None = None,
) -> list[Chunk]:
    """Chunks covering the input in order (duplicates scored and audited once each; unknown ids not found)."""
    id_chunks = [client_ids[start:start + chunk_size] for start in range(0, len(client_ids), chunk_size)]

    categories = scorer.needs_categories

    async def fetch(chunk: Sequence[int]) -> list[asyncpg.Record]:
        unique = list(set(chunk))
        return await with_retry(pool, lambda conn: feature_store.fetch_for_scoring(conn, unique,
                                                                                   categories=categories))

    reads = [asyncio.create_task(fetch(id_chunks[0]))] if id_chunks else []
    writes: list[asyncio.Task[audit.Recorded]] = []
    scored: list[tuple[Sequence[int], list[bool], Scores]] = []
    shadowed: list[list[asyncpg.Record]] = []
    try:
        for k, chunk in enumerate(id_chunks):
            records = await reads[k]
            if k + 1 < len(id_chunks):
                reads.append(asyncio.create_task(fetch(id_chunks[k + 1])))
            by_id = {r["sk_id_curr"]: r for r in records}
            found = [c in by_id for c in chunk]
            present = [by_id[c] for c in chunk if c in by_id]
            scores = await asyncio.to_thread(scorer.predict, present)
            writes.append(asyncio.create_task(_store(pool, scores, caller, request_id, purpose, events)))
            scored.append((chunk, found, scores))
            shadowed.append(present)
    finally:
        recorded = await _settle([*writes, *reads[len(scored):]])
    chunks = [Chunk(chunk, found, scores, rec) for (chunk, found, scores), rec in zip(scored, recorded, strict=False)]
    if shadow is not None:
        for done, present in zip(chunks, shadowed, strict=True):
            shadow.submit(done.scores, done.recorded.decision_ids, records=present)
    return chunks


async def score_applications(
    pool: asyncpg.Pool, scorer: Scorer, applications: Sequence[Application], *, caller: str,
    request_id: str | None, chunk_size: int, purpose: audit.Purpose = audit.DEFAULT_PURPOSE, events: bool = False,
    shadow: ShadowScorer | None = None,
) -> list[Chunk]:
    """New applications, by chunks through the one feature pipeline; each chunk's write overlaps the next one's
    features. Every input is scored (found)."""
    writes: list[asyncio.Task[audit.Recorded]] = []
    scored: list[Scores] = []
    try:
        for start in range(0, len(applications), chunk_size):
            chunk = applications[start:start + chunk_size]
            scores = await asyncio.to_thread(scorer.predict_applications, chunk)
            scored.append(scores)
            writes.append(asyncio.create_task(_store(pool, scores, caller, request_id, purpose, events)))
    finally:
        recorded = await _settle(writes)
    if shadow is not None:
        for k, (scores, rec) in enumerate(zip(scored, recorded, strict=True)):
            shadow.submit(scores, rec.decision_ids, applications=applications[k * chunk_size:(k + 1) * chunk_size])
    return [Chunk(scores.client_ids, [True] * len(scores), scores, rec)
            for scores, rec in zip(scored, recorded, strict=True)]
