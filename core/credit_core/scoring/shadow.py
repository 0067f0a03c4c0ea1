"""The challenger: scores, in the background, what the served model has just scored (`credit model shadow`).

Scoring hands each audited batch to `ShadowScorer.submit` only after its decisions are stored and its answers are
resolved, and `submit` never waits: it appends to a bounded queue, and drops the batch (counted in `dropped`) when
the challenger lags `max_pending` batches behind. So the answer neither waits on the challenger nor changes with
it. Its CPU is bounded too: the worker rests `REST_FACTOR` times as long as each job took, so it uses at most
1/(1 + REST_FACTOR) of the event loop however busy the service is (under saturation it samples the traffic
rather than taking CPU from it), and it skips traffic until the challenger's tree evaluator is compiled (CatBoost
per small batch would cost far more). It stores the challenger's probability and decision beside the decision
(`decision_shadow`, one INSERT for several batches, on a pooled connection).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg

from credit_core import feature_store
from credit_core.scoring.application_features import Application
from credit_core.scoring.scorer import FeatureRecord, Scorer
from credit_core.scoring.scores import Scores
from credit_core.service.database import connection
from credit_core.tasks import cancel_and_wait

log = logging.getLogger("credit.shadow")
MAX_PENDING = 256  # batches waiting for the challenger; past this, new ones are dropped
MAX_TAKE_ROWS = 1_024  # pending batches of known clients scored together (one predict, one INSERT)
REST_FACTOR = 4.0  # at most ~20 % of the event loop's time for the challenger
THREAD_ROWS = 256  # above this many rows (or with CatBoost scoring), predict in a thread, off the event loop

_STORE = """
INSERT INTO decision_shadow (decision_id, model_version, probability, threshold, decision)
SELECT d, $2, p, $3, c FROM unnest($1::bigint[], $4::float8[], $5::text[]) AS t(d, p, c)
ON CONFLICT (decision_id) DO NOTHING
"""


@dataclass(frozen=True, slots=True)
class _Job:
    champion_version: str
    decision_ids: list[int]
    records: Sequence[FeatureRecord] | None = None  # known clients, in decision order
    applications: Sequence[Application] | None = None  # or new applications, in decision order


class ShadowScorer:
    """`challenger()` is the challenger's Scorer now (None: no shadow scoring); read per batch, so a new
    challenger or none takes effect at once."""

    def __init__(self, pool: asyncpg.Pool, challenger: Callable[[], Scorer | None], *,
                 max_pending: int = MAX_PENDING, rest_factor: float = REST_FACTOR) -> None:
        self.pool, self.challenger, self.max_pending, self.rest_factor = pool, challenger, max_pending, rest_factor
        self._jobs: deque[_Job] = deque()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.scored = 0  # decisions scored by the challenger
        self.dropped = 0  # decisions skipped because the challenger lagged behind

    def submit(self, scores: Scores, decision_ids: list[int], *, records: Sequence[FeatureRecord] | None = None,
               applications: Sequence[Application] | None = None) -> None:
        """Queue stored decisions for the challenger (features as the champion read them); never waits."""
        challenger = self.challenger()
        if challenger is None or challenger.version == scores.model_version or not decision_ids:
            return
        if len(self._jobs) >= self.max_pending or not challenger.compiled.is_set():
            self.dropped += len(decision_ids)
            return
        self._jobs.append(_Job(scores.model_version, decision_ids, records, applications))
        self._wakeup.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._work(), name="shadow-scorer")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)
        self._jobs.clear()

    async def _work(self) -> None:
        while True:
            await self._wakeup.wait()
            if not self._jobs:
                self._wakeup.clear()
                continue
            job = self._take()
            started = time.perf_counter()
            try:
                await self._run(job)
            except Exception:  # never let the challenger stop: log, skip the batch, go on
                self.dropped += len(job.decision_ids)
                log.exception("challenger scoring failed for %d decision(s)", len(job.decision_ids))
            await asyncio.sleep((time.perf_counter() - started) * self.rest_factor)

    def _take(self) -> _Job:
        """The next job, merged with the following ones of known clients: under load, one predict and one INSERT
        for many small batches (the coalescer's batches are a few requests each)."""
        job = self._jobs.popleft()
        if job.records is None:
            return job
        ids, records = list(job.decision_ids), list(job.records)
        while self._jobs and len(ids) < MAX_TAKE_ROWS and self._jobs[0].records is not None \
                and self._jobs[0].champion_version == job.champion_version:
            more = self._jobs.popleft()
            ids += more.decision_ids
            records += more.records or []
        return _Job(job.champion_version, ids, records)

    async def _run(self, job: _Job) -> None:
        challenger = self.challenger()
        if challenger is None or challenger.version == job.champion_version:
            return
        if job.applications is not None:
            scores = await asyncio.to_thread(challenger.predict_applications, job.applications)
        else:
            records = await self._with_categories(challenger, job.records or [])
            if challenger.needs_categories or len(records) > THREAD_ROWS:
                scores = await asyncio.to_thread(challenger.predict, records)
            else:  # the compiled evaluator: ~µs a row, less than a thread hand-off costs
                scores = challenger.predict(records)
        async with connection(self.pool) as conn:
            await conn.execute(_STORE, job.decision_ids, scores.model_version, scores.threshold,
                               scores.probabilities, scores.decisions)
        self.scored += len(job.decision_ids)

    async def _with_categories(self, challenger: Scorer, records: Sequence[FeatureRecord]
                               ) -> Sequence[FeatureRecord]:
        """The champion's records, or read again with their categories when the challenger needs them (a model
        CatBoost scores) and the champion did not."""
        if not records or not challenger.needs_categories or "categorical" in records[0]:
            return records
        ids = [r["sk_id_curr"] for r in records]
        async with connection(self.pool) as conn:
            fresh = {r["sk_id_curr"]: r for r in await feature_store.fetch_for_scoring(conn, ids, categories=True)}
        return [fresh[i] for i in ids]
