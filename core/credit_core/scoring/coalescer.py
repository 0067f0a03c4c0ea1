"""Coalesces concurrent one-client score requests: per batch one feature read, one predict, one audit INSERT.

Each request enqueues (scorer, client id, caller, request id) and awaits its future. The worker task takes
everything pending (up to `max_batch`) and, for that batch: read the features of all its clients with
one prepared statement, score them in one model call, store all the decisions with one multi-row INSERT
(committed when it returns), and only then resolve the futures. So a response never reports a decision
that is not stored, and under load the per-request database and model costs shrink with the batch size;
alone, a request pays one read and one write round trip. An error fails every request of its batch
(a database error becomes the usual 503 problem). With `events`, each decision's outbox row goes in the same
INSERT (audit.record_each); with a `shadow`, the batch goes to the challenger once its answers are resolved.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from credit_core import feature_store
from credit_core.scoring import audit
from credit_core.scoring.scorer import Scorer
from credit_core.scoring.scores import Scores
from credit_core.scoring.shadow import ShadowScorer
from credit_core.service.database import HeldConnection
from credit_core.tasks import cancel_and_wait

MAX_BATCH = 128  # bounds the event-loop time of one batch (~0.7 ms to score 128 rows with the tree evaluator)


@dataclass(slots=True)
class _Pending:
    scorer: Scorer
    client_id: int
    caller: str
    request_id: str | None
    purpose: audit.Purpose
    future: asyncio.Future[audit.Scored | None]


def _audit_write(scores: Scores, group: list[_Pending], events: bool
                 ) -> Callable[[asyncpg.Connection], Awaitable[audit.Recorded]]:
    callers, request_ids = [item.caller for item in group], [item.request_id for item in group]
    purposes = [item.purpose for item in group]
    return lambda conn: audit.record_each(conn, scores, callers, request_ids, purposes, events=events)


class ScoreCoalescer:
    """One worker task, holding one pooled connection between batches.

    One worker: while its batch waits on the database, new requests pile up and go together in the next batch
    (a second worker dispatched them sooner but in smaller batches: more CPU per request and a worse p99 at a
    fixed 1,000 req/s, docs/BENCHMARKS.md). Its own connection (credit_core.service.database.HeldConnection, with
    the services' one retry policy): a pool acquire + release per read and per write cost ~80 µs of CPU and
    several event-loop turns a batch.
    """

    def __init__(self, pool: asyncpg.Pool, *, max_batch: int = MAX_BATCH, events: bool = False,
                 shadow: ShadowScorer | None = None) -> None:
        self.max_batch, self.events, self.shadow = max_batch, events, shadow
        self._pending: deque[_Pending] = deque()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn = HeldConnection(pool)

    async def score(self, scorer: Scorer, client_id: int, *, caller: str, request_id: str | None,
                    purpose: audit.Purpose = audit.DEFAULT_PURPOSE) -> audit.Scored | None:
        """The audited score of one known client (None when it has no features)."""
        future: asyncio.Future[audit.Scored | None] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(scorer, client_id, caller, request_id, purpose, future))
        self._wakeup.set()
        return await future

    def start(self) -> None:
        self._task = asyncio.create_task(self._work(), name="score-coalescer")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)
        await self._conn.discard()
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

    async def _run(self, batch: list[_Pending]) -> None:
        ids = list({item.client_id for item in batch})
        categories = any(item.scorer.needs_categories for item in batch)
        records = await self._conn.read(
            lambda conn: feature_store.fetch_for_scoring(conn, ids, categories=categories))
        by_id = {r["sk_id_curr"]: r for r in records}
        groups: dict[Scorer, list[_Pending]] = {}  # by model: one group unless a hot swap happened meanwhile
        for item in batch:
            if item.client_id in by_id:
                groups.setdefault(item.scorer, []).append(item)
        for scorer, group in groups.items():
            records = [by_id[item.client_id] for item in group]
            scores = scorer.predict(records)
            recorded = await self._conn.write(_audit_write(scores, group, self.events))
            for k, item in enumerate(group):
                if not item.future.done():
                    item.future.set_result((scores.result(k), recorded.stored(k)))
            if self.shadow is not None:  # after the answers: the challenger never delays them
                self.shadow.submit(scores, recorded.decision_ids, records=records)
        for item in batch:
            if not item.future.done():  # unknown client
                item.future.set_result(None)
