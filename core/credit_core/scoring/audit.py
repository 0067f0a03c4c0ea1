"""The decision audit trail (table `decision`): its one write path and its read.

Every decision is stored before any response reports it. The write path is `record` (one caller and request id
for the whole batch) and `record_each` (one per row); both take the connection they write on. With `events=True`
each decision also gets its row in the outbox `decision_event` in the same transaction (credit_core.events
relays them to the broker): in the same statement for a few rows, so announcing costs no extra round trip.

A few rows go in one multi-row INSERT (one round trip). Big batches reserve their ids in one statement, then
stream the rows with COPY in Postgres's binary format, encoded column by column with numpy (~0.3 µs a row,
where asyncpg's per-value encoder costs ~2 µs).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, get_args

import asyncpg
import numpy as np

from credit_core.feature_store import DIGEST_SIZE
from credit_core.scoring.scores import ScoreResult, Scores

# Why a score was computed: a dashboard panel (view), the printed letter, an advisor's decision, any other caller.
Purpose = Literal["view", "decision", "letter", "api"]
PURPOSES: tuple[Purpose, ...] = get_args(Purpose)
DEFAULT_PURPOSE: Purpose = "api"

_INSERT = """
WITH stored AS (
    INSERT INTO decision (client_id, application_hash, model_version, probability, threshold, decision,
                          feature_hash, caller, request_id, purpose)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::text[])
    RETURNING id, created_at
), announced AS (
    INSERT INTO decision_event (decision_id) SELECT id FROM stored WHERE $11::boolean
)
SELECT id, created_at FROM stored ORDER BY id
"""
_ANNOUNCE = "INSERT INTO decision_event (decision_id) SELECT unnest($1::bigint[])"
_COLUMNS = ("id", "client_id", "application_hash", "model_version", "probability", "threshold", "decision",
            "feature_hash", "caller", "request_id", "created_at", "purpose")
# The sequence is looked up once (MATERIALIZED), not per row: the lookup costs ~3 µs, nextval itself ~0.4 µs.
_NEXT_IDS = """
WITH q AS MATERIALIZED (SELECT pg_get_serial_sequence('decision', 'id')::regclass AS seq)
SELECT array_agg(nextval(q.seq)) FROM q, generate_series(1, $1)
"""
COPY_FROM_ROWS = 64  # above this, reserve ids then COPY: several times faster than INSERT ... RETURNING

_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_COPY_TRAILER = (-1).to_bytes(2, "big", signed=True)
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Stored:
    decision_id: int
    scored_at: datetime


@dataclass(frozen=True, slots=True)
class Recorded:
    """The decision rows of a Scores, in the same order (one statement: one timestamp)."""

    decision_ids: list[int]
    scored_at: datetime

    def stored(self, i: int) -> Stored:
        return Stored(self.decision_ids[i], self.scored_at)


Scored = tuple[ScoreResult, Stored]  # a score and where its decision row is


async def record(conn: asyncpg.Connection, scores: Scores, *, caller: str, request_id: str | None,
                 purpose: Purpose = DEFAULT_PURPOSE, events: bool = False) -> Recorded:
    """Insert one decision row per scored row (and its outbox row with `events`); committed on return."""
    n = len(scores)
    if n >= COPY_FROM_ROWS:
        if not events:
            return await _copy(conn, scores, caller=caller, request_id=request_id, purpose=purpose)
        async with conn.transaction():
            recorded = await _copy(conn, scores, caller=caller, request_id=request_id, purpose=purpose)
            await conn.execute(_ANNOUNCE, recorded.decision_ids)
        return recorded
    return await record_each(conn, scores, [caller] * n, [request_id] * n, [purpose] * n, events=events)


async def record_each(
    conn: asyncpg.Connection, scores: Scores, callers: Sequence[str], request_ids: Sequence[str | None],
    purposes: Sequence[Purpose] | None = None, *, events: bool = False,
) -> Recorded:
    """One multi-row INSERT (one statement: one round trip, committed on return, with its outbox rows when
    `events`) with a caller, request id and purpose per row (purpose `api` when not given)."""
    if not len(scores):
        return Recorded([], datetime.now(UTC))
    rows = await conn.fetch(
        _INSERT, _audited_client_ids(scores), scores.application_hashes, [scores.model_version] * len(scores),
        scores.probabilities, [scores.threshold] * len(scores), scores.decisions,
        scores.feature_hashes(), list(callers), list(request_ids),
        list(purposes) if purposes is not None else [DEFAULT_PURPOSE] * len(scores),
        events,
    )
    return Recorded([row["id"] for row in rows], rows[0]["created_at"])


def _audited_client_ids(scores: Scores) -> list[int | None]:
    """A new application is audited by its hash, not by the client id it may carry."""
    known = scores.application_hashes.count(None)  # batches are all known clients or all applications
    if known == len(scores):
        return scores.client_ids
    if not known:
        return [None] * len(scores)
    return [c if a is None else None for c, a in zip(scores.client_ids, scores.application_hashes, strict=True)]


async def _copy(conn: asyncpg.Connection, scores: Scores, *, caller: str, request_id: str | None,
                purpose: Purpose) -> Recorded:
    ids = await conn.fetchval(_NEXT_IDS, len(scores))
    now = datetime.now(UTC)
    data = copy_data(scores, ids, caller, request_id, now, purpose)
    if data is not None:
        await conn.copy_to_table("decision", source=_once(data), columns=_COLUMNS, format="binary")
    else:
        await conn.copy_records_to_table("decision", records=_records(scores, ids, caller, request_id, now, purpose),
                                         columns=_COLUMNS)
    return Recorded(ids, now)


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data  # asyncpg reads bytes as a file name: hand them over as an async iterable


def _records(scores: Scores, ids: list[int], caller: str, request_id: str | None, now: datetime,
             purpose: Purpose) -> list[tuple[object, ...]]:
    return [(decision_id, client_id, app_hash, scores.model_version, p, scores.threshold, decision, f_hash, caller,
             request_id, now, purpose)
            for decision_id, client_id, app_hash, p, decision, f_hash in zip(
                ids, _audited_client_ids(scores), scores.application_hashes, scores.probabilities, scores.decisions,
                scores.feature_hashes(), strict=True)]


def copy_data(scores: Scores, ids: list[int], caller: str, request_id: str | None, now: datetime,
              purpose: Purpose = DEFAULT_PURPOSE) -> bytes | None:
    """The rows in COPY's binary format (columns as in _COLUMNS), or None when they have no common layout: a
    text column whose values differ in length or are not ASCII, a column null on some rows only. (Never the
    case for a batch of known clients or of applications: decisions and hashes have fixed lengths.)"""
    try:
        columns: list[np.ndarray | np.generic | None] = [
            np.asarray(ids, dtype=">i8"),
            _nullable(_audited_client_ids(scores), lambda v: np.asarray(v, dtype=">i8")),
            _nullable(scores.application_hashes, _fixed_width),
            _fixed_width([scores.model_version]),
            np.asarray(scores.probabilities, dtype=">f8"),
            np.array(scores.threshold, dtype=">f8"),
            _fixed_width(scores.decisions),
            _hex(scores.feature_digests),
            _fixed_width([caller]),
            None if request_id is None else _fixed_width([request_id]),
            np.array((now - _POSTGRES_EPOCH) // timedelta(microseconds=1), dtype=">i8"),  # timestamptz: µs
            _fixed_width([purpose]),
        ]
    except _NoCommonLayout:
        return None
    fields: list[tuple[str, np.dtype]] = [("count", np.dtype(">i2"))]
    for k, column in enumerate(columns):
        fields.append((f"len{k}", np.dtype(">i4")))
        if column is not None:
            fields.append((f"value{k}", column.dtype))
    rows = np.empty(len(scores), dtype=fields)
    rows["count"] = len(columns)
    for k, column in enumerate(columns):
        rows[f"len{k}"] = -1 if column is None else column.dtype.itemsize
        if column is not None:
            rows[f"value{k}"] = column  # a one-value column is the same on every row
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


class _NoCommonLayout(Exception):
    pass


def _nullable(values: list[Any], convert: Callable[[list[Any]], np.ndarray]) -> np.ndarray | None:
    nulls = values.count(None)
    if nulls == len(values):
        return None
    if nulls:
        raise _NoCommonLayout
    return convert(values)


def _hex(digests: bytes) -> np.ndarray:
    """sha256 digests (end to end) as fixed-width lowercase hex, like hashlib's hexdigest()."""
    return np.frombuffer(digests.hex().encode("ascii"), dtype=f"S{2 * DIGEST_SIZE}")


def _fixed_width(values: Sequence[str]) -> np.ndarray:
    """ASCII text as fixed-width bytes, if every value has the same (non-zero) length."""
    distinct = set(values)  # a handful ("granted", "refused"), or one per row for hashes
    lengths = {len(v) for v in distinct}
    if len(lengths) != 1 or 0 in lengths or not all(v.isascii() for v in distinct):
        raise _NoCommonLayout
    encoded = np.array(values, dtype=f"S{lengths.pop()}")
    return encoded.reshape(()) if len(values) == 1 else encoded


_ADVISOR = """
INSERT INTO advisor_decision (client_id, decision_id, model_decision, final_decision, reason, username, display_name)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at
"""
_ANNOUNCE_ADVISOR = "INSERT INTO decision_event (advisor_decision_id) VALUES ($1)"


async def record_advisor_decision(
    conn: asyncpg.Connection, scores: Scores, *, caller: str, request_id: str | None, final_decision: str,
    reason: str | None, username: str, display_name: str | None = None, events: bool = False,
) -> tuple[Recorded, asyncpg.Record]:
    """The model decision (one scored client, purpose `decision`) and the advisor's decision on it, in one
    transaction: both rows are stored (with their two outbox rows when `events`), or none."""
    async with conn.transaction():
        recorded = await record_each(conn, scores, [caller], [request_id], ["decision"], events=events)
        advisor = await conn.fetchrow(_ADVISOR, scores.client_ids[0], recorded.decision_ids[0], scores.decisions[0],
                                      final_decision, reason, username, display_name)
        assert advisor is not None  # INSERT ... RETURNING always returns the row
        if events:
            await conn.execute(_ANNOUNCE_ADVISOR, advisor["id"])
    return recorded, advisor


_RECENT = """
SELECT id, client_id, probability, threshold, decision, model_version, caller, request_id, feature_hash, created_at,
       purpose
FROM decision WHERE client_id = $1 ORDER BY id DESC LIMIT $2
"""


async def recent(conn: asyncpg.Connection, client_id: int, limit: int) -> list[asyncpg.Record]:
    """The client's latest decision rows, newest first."""
    return await conn.fetch(_RECENT, client_id, limit)


# One row per distinct model decision: the same model on the same features gives the same score, however often it
# was shown. The scan is the client's rows in the (client_id, id) index.
_MODEL_HISTORY = """
SELECT max(id) AS id, probability, threshold, decision, model_version, feature_hash, count(*) AS count,
       min(created_at) AS first_at, max(created_at) AS last_at, array_agg(DISTINCT purpose) AS purposes
FROM decision WHERE client_id = $1
GROUP BY model_version, feature_hash, decision, probability, threshold
ORDER BY max(id) DESC LIMIT $2
"""
_ADVISOR_HISTORY = """
SELECT id, decision_id, model_decision, final_decision, reason, username, display_name, created_at
FROM advisor_decision WHERE client_id = $1 ORDER BY id DESC LIMIT $2
"""


async def history(conn: asyncpg.Connection, client_id: int, limit: int
                  ) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """The client's distinct model decisions and its advisor decisions, each newest first (at most `limit` each)."""
    models = await conn.fetch(_MODEL_HISTORY, client_id, limit)
    advisors = await conn.fetch(_ADVISOR_HISTORY, client_id, limit)
    return models, advisors
