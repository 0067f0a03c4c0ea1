"""The service survives its database going away: 503 problems while it is down, 200 again once it is back."""

from __future__ import annotations

import asyncio

import httpx
from asgi_lifespan import LifespanManager

from credit_scoring.main import create_app
from tests._waiting import HANG_SECONDS, until_async
from tests.scoring._env import FIRST_ID, ScoringEnv
from tests.scoring._outage import Outage


async def test_503_while_the_database_is_down_then_recovery_without_restart(scoring_env: ScoringEnv) -> None:
    outage = Outage(scoring_env.url)
    await outage.up()
    app = create_app(scoring_env.settings(database_url=outage.url))
    try:
        async with LifespanManager(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://s",
            headers={"Authorization": f"Bearer {scoring_env.api_key}"},
        ) as client:
            assert (await client.get(f"/v1/clients/{FIRST_ID}/score")).status_code == 200

            await outage.down()
            async with asyncio.timeout(HANG_SECONDS):  # answers (503) instead of hanging
                down = await client.get(f"/v1/clients/{FIRST_ID}/score")
            assert down.status_code == 503
            assert down.headers["content-type"] == "application/problem+json"
            assert down.json()["title"] == "database unavailable"
            assert (await client.get("/readyz")).status_code == 503
            assert (await client.get("/healthz")).status_code == 200

            await outage.up()

            async def scored() -> bool:  # the pool may still hold connections the outage killed
                return (await client.get(f"/v1/clients/{FIRST_ID}/score")).status_code == 200

            await until_async(scored, "a 200 once the database is back")
            assert (await client.get("/readyz")).status_code == 200
    finally:
        await outage.down()
