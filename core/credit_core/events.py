"""Decision events for other internal services: the outbox (`decision_event`) relayed to NATS JetStream.

Scoring writes an outbox row in the same transaction as each audit row it announces (credit_core.scoring.audit,
when EVENTS_URL is set): a decision is stored with its event or not at all. The relay (`credit events relay`)
reads the unpublished rows in order, publishes each as a CloudEvent (JSON, structured mode) and marks it
published only once JetStream has acknowledged it, so a broker outage delays events and loses none
(at-least-once). Redeliveries are harmless: the CloudEvent id is stable (`decision-<id>`,
`advisor-decision-<id>`), JetStream drops a second publish of an id within its duplicate window (`Nats-Msg-Id`),
and consumers de-duplicate on the id beyond it. Events carry no order guarantee across a retry.

One relay at a time is expected; a second one would skip the rows the first has locked (SKIP LOCKED), not
publish them twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg
import orjson

if TYPE_CHECKING:
    from nats.aio.client import Client as NATS
    from nats.js import JetStreamContext

log = logging.getLogger("credit.events")

SOURCE = "/pret-a-depenser/credit/scoring"
MODEL_DECISION = "com.pretadepenser.credit.decision.model"
ADVISOR_DECISION = "com.pretadepenser.credit.decision.advisor"
STREAM = "CREDIT_DECISIONS"
DUPLICATE_WINDOW = timedelta(hours=1)  # JetStream drops a re-published id within this window
BATCH = 500  # outbox rows published per step (concurrently, then marked in one UPDATE)
IDLE_SECONDS = 0.2  # pause when the outbox is empty
RETRY_SECONDS = 1.0  # pause after the broker or the database failed
KEEP_PUBLISHED = timedelta(days=1)  # published rows are deleted after this

_PENDING = """
SELECT e.id, e.decision_id, e.advisor_decision_id,
       d.id AS model_decision_id, d.client_id, d.application_hash, d.model_version, d.probability, d.threshold,
       d.decision, d.created_at AS decided_at,
       a.model_decision, a.final_decision, a.username, a.created_at AS advised_at
FROM decision_event e
LEFT JOIN advisor_decision a ON a.id = e.advisor_decision_id
LEFT JOIN decision d ON d.id = COALESCE(e.decision_id, a.decision_id)
WHERE e.published_at IS NULL
ORDER BY e.id
LIMIT $1
FOR UPDATE OF e SKIP LOCKED
"""
_MARK = "UPDATE decision_event SET published_at = now() WHERE id = ANY($1::bigint[])"
_PRUNE = "DELETE FROM decision_event WHERE published_at < now() - $1::interval"


def cloud_event(row: asyncpg.Record | dict[str, Any]) -> dict[str, Any]:
    """The CloudEvent (spec 1.0, JSON) of one outbox row joined with the decision(s) it announces."""
    data: dict[str, Any] = {
        "decision_id": row["model_decision_id"], "client_id": row["client_id"],
        "application_hash": row["application_hash"], "model_version": row["model_version"],
        "probability": row["probability"], "threshold": row["threshold"], "decision": row["decision"],
    }
    if row["advisor_decision_id"] is not None:
        event_id, event_type, time = f"advisor-decision-{row['advisor_decision_id']}", ADVISOR_DECISION, \
            row["advised_at"]
        data |= {"advisor_decision_id": row["advisor_decision_id"], "model_decision": row["model_decision"],
                 "final_decision": row["final_decision"], "advisor": row["username"]}
    else:
        event_id, event_type, time = f"decision-{row['decision_id']}", MODEL_DECISION, row["decided_at"]
    subject = None if row["client_id"] is None else str(row["client_id"])
    return {"specversion": "1.0", "id": event_id, "source": SOURCE, "type": event_type,
            "time": _rfc3339(time), "subject": subject, "datacontenttype": "application/json", "data": data}


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(slots=True)
class RelayStats:
    published: int = 0
    failures: int = 0


class Relay:
    """Publishes the outbox to JetStream subjects `<subject>.model` and `<subject>.advisor` (stream STREAM,
    created when missing, file storage)."""

    def __init__(self, pool: asyncpg.Pool, url: str, subject: str, *, batch: int = BATCH) -> None:
        self.pool, self.url, self.subject, self.batch = pool, url, subject, batch
        self.stats = RelayStats()
        self._nc: NATS | None = None
        self._js: JetStreamContext | None = None

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Relay until `stop` is set (or forever): every failure is logged and retried after a pause."""
        stop = stop or asyncio.Event()
        steps = 0
        try:
            while not stop.is_set():
                try:
                    published = await self.step()
                    steps += 1
                    if steps % 1_000 == 0:
                        await self._prune()
                except Exception as exc:  # the broker or the database is away: keep the rows, try again
                    self.stats.failures += 1
                    log.warning("events relay: %s: %s; retrying", type(exc).__name__, exc)
                    published = 0
                    await _pause(stop, RETRY_SECONDS)
                    continue
                if not published:
                    await _pause(stop, IDLE_SECONDS)
        finally:
            await self.close()

    async def step(self) -> int:
        """Publish up to `batch` unpublished events; return how many were acknowledged and marked."""
        js = await self._jetstream()
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(_PENDING, self.batch)
            if not rows:
                return 0
            events = [cloud_event(row) for row in rows]
            outcomes = await asyncio.gather(*(self._publish(js, event) for event in events), return_exceptions=True)
            acked = [row["id"] for row, outcome in zip(rows, outcomes, strict=True)
                     if not isinstance(outcome, BaseException)]
            if acked:
                await conn.execute(_MARK, acked)
        self.stats.published += len(acked)
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        if failed:
            raise failed[0]  # the marked ones stay marked (committed above); the rest go again after a pause
        return len(acked)

    async def _publish(self, js: JetStreamContext, event: dict[str, Any]) -> None:
        kind = "advisor" if event["type"] == ADVISOR_DECISION else "model"
        await js.publish(f"{self.subject}.{kind}", orjson.dumps(event), timeout=5.0,
                         headers={"Nats-Msg-Id": event["id"], "Content-Type": "application/cloudevents+json"})

    async def _jetstream(self) -> JetStreamContext:
        if self._js is not None and self._nc is not None and not self._nc.is_closed:
            return self._js
        import nats  # the "events" extra: only the relay needs it
        from nats.js.api import StorageType, StreamConfig
        from nats.js.errors import NotFoundError

        # Reconnect forever: an outage of the broker delays events, it never ends the relay.
        nc = await nats.connect(self.url, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                                connect_timeout=2, allow_reconnect=True)
        js = nc.jetstream()
        config = StreamConfig(name=STREAM, subjects=[f"{self.subject}.>"], storage=StorageType.FILE,
                              duplicate_window=DUPLICATE_WINDOW.total_seconds())
        try:
            await js.stream_info(STREAM)
        except NotFoundError:
            await js.add_stream(config)
        self._nc, self._js = nc, js
        return js

    async def _prune(self) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(_PRUNE, KEEP_PUBLISHED)

    async def close(self) -> None:
        nc, self._nc, self._js = self._nc, None, None
        if nc is not None and not nc.is_closed:
            await nc.close()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def pending_count(conn: asyncpg.Connection) -> int:
    """Outbox rows not yet acknowledged by the broker."""
    return int(await conn.fetchval("SELECT count(*) FROM decision_event WHERE published_at IS NULL"))


def event_ids(decision_ids: Sequence[int], advisor_decision_ids: Sequence[int] = ()) -> set[str]:
    """The CloudEvent ids announcing these decisions."""
    return {f"decision-{i}" for i in decision_ids} | {f"advisor-decision-{i}" for i in advisor_decision_ids}
