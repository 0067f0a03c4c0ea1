"""Decision events: every decision (model and advisor) reaches a consumer through the outbox and NATS JetStream,
exactly once after de-duplication on the event id, even when the broker is down while decisions are made."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import nats
import orjson
import pytest
from asgi_lifespan import LifespanManager
from nats.js.errors import NotFoundError

from credit_core import db, events
from credit_core.service.database import create_raw_pool
from credit_scoring.main import create_app
from tests._nats import NatsServer
from tests._waiting import until_async
from tests.scoring._env import FIRST_ID, ScoringEnv

SUBJECT = "test.decisions"


class DedupConsumer:
    """A downstream service: a durable JetStream consumer that processes each event id once."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.processed: dict[str, dict[str, Any]] = {}
        self.deliveries = 0

    async def run(self) -> None:
        nc = await nats.connect(self.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        try:
            js = nc.jetstream()
            subscription = None
            while True:
                try:
                    if subscription is None:
                        subscription = await js.pull_subscribe(f"{SUBJECT}.>", durable="downstream",
                                                                stream=events.STREAM)
                    messages = await subscription.fetch(100, timeout=0.5)
                except (TimeoutError, nats.errors.TimeoutError):
                    continue
                except NotFoundError:  # the relay has not created the stream yet
                    await asyncio.sleep(0.1)
                    continue
                except Exception:  # the broker went away: subscribe again once it is back
                    subscription = None
                    await asyncio.sleep(0.2)
                    continue
                for message in messages:
                    self.deliveries += 1
                    event = orjson.loads(message.data)
                    self.processed.setdefault(event["id"], event)  # de-duplicate on the id
                    with contextlib.suppress(Exception):
                        await message.ack()
        finally:
            await nc.close()


@pytest.fixture
async def broker(tmp_path: Path) -> AsyncIterator[NatsServer]:
    server = NatsServer(tmp_path / "jetstream")
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def _decisions(client: httpx.AsyncClient, offset: int) -> set[str]:
    """Single scores, a batch big enough to be stored with COPY, and an advisor decision; their event ids."""
    decision_ids: list[int] = []
    for k in range(3):
        r = await client.get(f"/v1/clients/{FIRST_ID + offset + k}/score")
        assert r.status_code == 200, r.text
        decision_ids.append(r.json()["decision_id"])
    r = await client.post("/v1/score/batch", json={"client_ids": list(range(FIRST_ID, FIRST_ID + 80))})
    assert r.status_code == 200, r.text
    decision_ids += [item["result"]["decision_id"] for item in r.json()["items"]]
    r = await client.post(f"/v1/clients/{FIRST_ID + offset}/advisor-decisions",
                          json={"choice": "follow", "username": "advisor1"})
    assert r.status_code == 201, r.text
    decision_ids.append(r.json()["score"]["decision_id"])
    return events.event_ids(decision_ids, [r.json()["advisor_decision_id"]])


async def test_broker_outage_loses_no_event(scoring_env: ScoringEnv, broker: NatsServer) -> None:
    app = create_app(scoring_env.settings(events_url=broker.url, events_subject=SUBJECT))
    pool = await create_raw_pool(db.resolve_database_url(scoring_env.settings()), max_size=2)
    relay = events.Relay(pool, broker.url, SUBJECT)
    consumer = DedupConsumer(broker.url)
    stop_relay = asyncio.Event()
    tasks = [asyncio.create_task(relay.run(stop_relay)), asyncio.create_task(consumer.run())]
    headers = {"Authorization": f"Bearer {scoring_env.api_key}"}
    try:
        async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                           base_url="http://scoring", headers=headers) as client:
            before = await _decisions(client, offset=0)

            async def delivered(ids: set[str]) -> bool:
                return ids <= consumer.processed.keys()

            await until_async(lambda: delivered(before), "the first decisions delivered")

            broker.stop()
            during = await _decisions(client, offset=100)  # the answers never depend on the broker
            async with scoring_env.engine.connect() as conn:
                raw = (await conn.get_raw_connection()).driver_connection
                assert await events.pending_count(raw) == len(during)  # kept in the outbox, not lost

            broker.start()
            await until_async(lambda: delivered(before | during), "every decision delivered after the restart")
    finally:
        stop_relay.set()
        await tasks[0]
        tasks[1].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await tasks[1]
        await pool.close()

    assert set(consumer.processed) == before | during  # exactly the decisions made: none lost, none extra
    assert consumer.deliveries >= len(before | during)  # (redeliveries, if any, were de-duplicated on the id)
    event = next(e for e in consumer.processed.values() if e["type"] == events.ADVISOR_DECISION)
    assert event["specversion"] == "1.0" and event["data"]["final_decision"] in ("granted", "refused")
    model_event = consumer.processed[f"decision-{event['data']['decision_id']}"]
    assert model_event["type"] == events.MODEL_DECISION
    assert set(model_event["data"]) >= {"client_id", "model_version", "probability", "decision", "threshold"}
    assert model_event["data"]["decision"] == event["data"]["model_decision"]
