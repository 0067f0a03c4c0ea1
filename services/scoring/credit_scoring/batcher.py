"""Coalesces concurrent one-client score requests: per batch one feature read, one predict, one audit INSERT.

Each request enqueues (bundle, client id, caller, request id) and awaits its future. The worker task takes
everything pending (up to `max_batch`) and, for that batch: read the features of all its clients with
one prepared statement, score them in one model call, store all the decisions with one multi-row INSERT
(committed when it returns), and only then resolve the futures. So a response never reports a decision
that is not stored, and under load the per-request database and model costs shrink with the batch size;
alone, a request pays one read and one write round trip. An error fails every request of its batch
(a database error becomes the usual 503 problem).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg

from credit_core import feature_store
from credit_core.service.database import CONNECT_TIMEOUT_SECONDS, DEAD_CONNECTION_ERRORS
from credit_scoring import audit, scoring
from credit_scoring.scorer import Scored

T = TypeVar("T")
MAX_BATCH = 128  # bounds the event-loop time of one batch (~0.7 ms to score 128 rows with the tree evaluator)


@dataclass(slots=True)
class _Pending:
    bundle: Any
    client_id: int
    caller: str
    request_id: str | None
    future: asyncio.Future[Scored | None]


class ScoreBatcher:
    """One worker task, holding one pooled connection between batches.

    One worker: while its batch waits on the database, new requests pile up and go together in the next batch
    (a second worker dispatched them sooner but in smaller batches: more CPU per request and a worse p99 at a
    fixed 1,000 req/s, docs/BENCHMARKS.md). Its own connection: a pool acquire + release per read and per write
    cost ~80 µs of CPU and several event-loop turns a batch. A connection that fails in any way is closed and
    replaced; a read that met a dead connection is retried once on a fresh one, a write never (as
    credit_core.service.database.with_retry).
    """

    def __init__(self, pool: asyncpg.Pool, *, max_batch: int = MAX_BATCH) -> None:
        self.pool, self.max_batch = pool, max_batch
        self._pending: deque[_Pending] = deque()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn: asyncpg.Connection | None = None

    async def score(self, bundle: Any, client_id: int, *, caller: str, request_id: str | None) -> Scored | None:
        """The audited score of one known client (None when it has no features)."""
        future: asyncio.Future[Scored | None] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(bundle, client_id, caller, request_id, future))
        self._wakeup.set()
        return await future

    def start(self) -> None:
        self._task = asyncio.create_task(self._work(), name="score-batcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._discard()
        while self._pending:
            item = self._pending.popleft()
            if not item.future.done():
                item.future.set_exception(RuntimeError("the scoring service is stopping"))

    async def _work(self) -> None:
        while True:
            await self._wakeup.wait()
            batch = [self._pending.popleft() for _ in range(min(len(self._pending), self.max_batch))]
            if not self._pending:
                self._wakeup.clear()
            if not batch:
                continue
            try:
                await self._run(batch)
            except BaseException as exc:  # the requests answer with it (503 for a database error)
                failure = RuntimeError("the scoring service is stopping") if isinstance(
                    exc, asyncio.CancelledError) else exc
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(failure)
                if not isinstance(exc, Exception):
                    raise

    async def _on_connection(self, operation: Callable[[asyncpg.Connection], Awaitable[T]], *, retry: bool) -> T:
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = await self.pool.acquire(timeout=CONNECT_TIMEOUT_SECONDS * 2)
            try:
                return await operation(self._conn)
            except BaseException as exc:
                await self._discard()
                if not (retry and attempt == 1 and isinstance(exc, DEAD_CONNECTION_ERRORS)):
                    raise
        raise AssertionError("unreachable")

    async def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(asyncpg.InterfaceError):  # asyncpg already gave back one the server closed
                conn.terminate()  # its state is unknown after a failure: never reuse it
            await self.pool.release(conn)

    async def _run(self, batch: list[_Pending]) -> None:
        ids = list({item.client_id for item in batch})
        categories = any(scoring.needs_categories(item.bundle) for item in batch)
        records = await self._on_connection(
            lambda conn: feature_store.fetch_for_scoring(conn, ids, categories=categories), retry=True)
        by_id = {r["sk_id_curr"]: r for r in records}
        groups: dict[int, list[_Pending]] = {}  # by bundle: one group unless a hot swap happened meanwhile
        for item in batch:
            if item.client_id in by_id:
                groups.setdefault(id(item.bundle), []).append(item)
        for group in groups.values():
            scores = scoring.score_records(group[0].bundle, [by_id[item.client_id] for item in group])
            recorded = await self._on_connection(
                lambda conn, s=scores, g=group: audit.record_each(conn, s, [i.caller for i in g],
                                                                  [i.request_id for i in g]),
                retry=False)
            for k, item in enumerate(group):
                if not item.future.done():
                    item.future.set_result((scores.result(k), recorded.stored(k)))
        for item in batch:
            if not item.future.done():  # unknown client
                item.future.set_result(None)
