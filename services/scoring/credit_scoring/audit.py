"""The decision audit trail: one INSERT per batch, done before any response reports the decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from credit_scoring.scoring import ScoreResult

_INSERT = """
INSERT INTO decision (client_id, application_hash, model_version, probability, threshold, decision,
                      feature_hash, caller, request_id)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[],
                     $7::text[], $8::text[], $9::text[])
RETURNING id, created_at
"""


_COLUMNS = ("id", "client_id", "application_hash", "model_version", "probability", "threshold", "decision",
            "feature_hash", "caller", "request_id", "created_at")
_NEXT_IDS = "SELECT nextval(pg_get_serial_sequence('decision', 'id')) FROM generate_series(1, $1)"
COPY_FROM_ROWS = 64  # above this, reserve ids then COPY: several times faster than INSERT ... RETURNING


@dataclass(frozen=True, slots=True)
class Stored:
    decision_id: int
    scored_at: datetime


async def record(
    conn: asyncpg.Connection, results: Sequence[ScoreResult], *, caller: str, request_id: str | None
) -> list[Stored]:
    """Insert one decision row per result (same order); returns their ids and timestamps."""
    if not results:
        return []
    if len(results) >= COPY_FROM_ROWS:
        return await _copy(conn, results, caller=caller, request_id=request_id)
    n = len(results)
    return await record_each(conn, results, [caller] * n, [request_id] * n)


async def record_each(
    conn: asyncpg.Connection, results: Sequence[ScoreResult], callers: Sequence[str],
    request_ids: Sequence[str | None],
) -> list[Stored]:
    """One multi-row INSERT (one round trip, committed on return) with a caller and request id per row."""
    if not results:
        return []
    rows = await conn.fetch(
        _INSERT,
        [r.client_id if r.application_hash is None else None for r in results],
        [r.application_hash for r in results],
        [r.model_version for r in results],
        [r.probability for r in results],
        [r.threshold for r in results],
        [r.decision for r in results],
        [r.feature_hash for r in results],
        list(callers),
        list(request_ids),
    )
    return [Stored(row["id"], row["created_at"]) for row in rows]


async def _copy(
    conn: asyncpg.Connection, results: Sequence[ScoreResult], *, caller: str, request_id: str | None
) -> list[Stored]:
    ids = [row[0] for row in await conn.fetch(_NEXT_IDS, len(results))]
    now = datetime.now(UTC)
    records = [
        (decision_id, r.client_id if r.application_hash is None else None, r.application_hash, r.model_version,
         r.probability, r.threshold, r.decision, r.feature_hash, caller, request_id, now)
        for decision_id, r in zip(ids, results, strict=True)
    ]
    await conn.copy_records_to_table("decision", records=records, columns=_COLUMNS)
    return [Stored(decision_id, now) for decision_id in ids]


_RECENT = """
SELECT id, client_id, probability, threshold, decision, model_version, caller, request_id, feature_hash, created_at
FROM decision WHERE client_id = $1 ORDER BY id DESC LIMIT $2
"""


async def recent(conn: asyncpg.Connection, client_id: int, limit: int) -> list[asyncpg.Record]:
    """The client's latest decision rows, newest first."""
    return await conn.fetch(_RECENT, client_id, limit)
