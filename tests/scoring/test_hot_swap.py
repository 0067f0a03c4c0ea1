from __future__ import annotations

import asyncio
import time

import httpx

from tests.scoring import _bundle
from tests.scoring.conftest import FIRST_ID, ScoringEnv, activate, register


async def test_activation_is_served_within_5s_without_failed_requests(
    client: httpx.AsyncClient, scoring_env: ScoringEnv
) -> None:
    meta = _bundle.train(scoring_env.models_dir / "tiny-2", "tiny-2", seed=2)
    statuses: list[int] = []
    versions: list[str] = []
    stop = asyncio.Event()

    async def traffic() -> None:
        i = 0
        while not stop.is_set():
            r = await client.get(f"/v1/clients/{FIRST_ID + i % 50}/score")
            statuses.append(r.status_code)
            if r.status_code == 200:
                versions.append(r.json()["model_version"])
            i += 1

    workers = [asyncio.create_task(traffic()) for _ in range(4)]
    try:
        await asyncio.sleep(0.3)
        await register(scoring_env.engine, meta)
        activated = time.monotonic()
        while time.monotonic() - activated < 5:
            if versions and versions[-1] == "tiny-2":
                break
            await asyncio.sleep(0.05)
        served_after = time.monotonic() - activated
        await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.gather(*workers)
        await activate(scoring_env.engine, "tiny-1")
    assert set(statuses) == {200}, set(statuses)
    assert "tiny-1" in versions and versions[-1] == "tiny-2"
    assert served_after < 5
