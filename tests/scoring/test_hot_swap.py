from __future__ import annotations

import asyncio

import httpx

from tests._waiting import HANG_SECONDS
from tests.scoring import _bundle
from tests.scoring._env import FIRST_ID, ScoringEnv, activate, register

AFTER_SWITCH = 40  # responses still checked once the new version is served


async def test_activation_is_served_without_failed_requests(client: httpx.AsyncClient,
                                                            scoring_env: ScoringEnv) -> None:
    meta = _bundle.train(scoring_env.models_dir / "tiny-2", "tiny-2", seed=2)
    statuses: list[int] = []
    versions: list[str] = []
    flowing, switched, settled = asyncio.Event(), asyncio.Event(), asyncio.Event()
    stop = asyncio.Event()

    async def traffic() -> None:
        i = 0
        while not stop.is_set():
            r = await client.get(f"/v1/clients/{FIRST_ID + i % 50}/score")
            statuses.append(r.status_code)
            if r.status_code == 200:
                versions.append(r.json()["model_version"])
                flowing.set()
                if versions[-1] == "tiny-2":
                    switched.set()
            if switched.is_set() and len(versions) - versions.index("tiny-2") >= AFTER_SWITCH:
                settled.set()
            i += 1

    workers = [asyncio.create_task(traffic()) for _ in range(4)]
    try:
        async with asyncio.timeout(HANG_SECONDS):  # a hang guard: the service polls the registry every 0.2 s
            await flowing.wait()
            await register(scoring_env.engine, meta)
            await switched.wait()
            await settled.wait()
    finally:
        stop.set()
        await asyncio.gather(*workers)
        await activate(scoring_env.engine, "tiny-1")
    assert set(statuses) == {200}, set(statuses)
    assert "tiny-1" in versions and versions[-1] == "tiny-2"
    first_new = versions.index("tiny-2")
    assert set(versions[first_new + 4:]) == {"tiny-2"}  # once swapped, never back (4 requests were in flight)
