"""PostgreSQL goes away and comes back while requests flow, over real HTTP to the scoring service under uvicorn.

What must hold (issue 7): requests during the outage get 503 problem+json (no 500, no hang), the service recovers
by itself (same process), and every 200 response has its decision row in the audit table.
The database route is cut by a TCP proxy (tests/scoring/_outage.py): the shared server itself is never stopped.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

from credit_core import db, feature_store
from credit_core.service import auth
from tests._waiting import until_async
from tests.scoring import _bundle
from tests.scoring._env import register
from tests.scoring._outage import Outage
from tests.web._stack import free_port

N_CLIENTS, FIRST_ID = 200, 500_000
WORKERS = 6
PER_PHASE = 40  # responses to see in each phase (before, during, after the outage)
HANG_SECONDS = 120.0  # a request or a phase taking longer than this is a hang, not slowness


@dataclass
class Reply:
    phase: str  # when the request was sent
    answered: str  # when its answer came (a request in flight at the cut may fail)
    status: int
    content_type: str
    body: dict[str, object]


@dataclass
class Service:
    base: str
    process: subprocess.Popen[bytes]
    key: str
    url: str


def _dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _seed(url: str, models_dir: Path) -> str:
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            async with raw.transaction():
                frame = _bundle.random_features(N_CLIENTS, seed=5, first_id=FIRST_ID)
                await feature_store.replace_all(raw, feature_store.encode(frame))
        await register(engine, _bundle.train(models_dir / "outage-1", "outage-1", seed=2))
        async with db.session_factory(engine)() as session:
            return await auth.create_api_key(session, "ops-outage")
    finally:
        await engine.dispose()


@pytest.fixture
async def outage(fresh_database: Callable[[], str]) -> AsyncIterator[tuple[Outage, str]]:
    url = fresh_database()
    proxy = Outage(url)
    await proxy.up()
    try:
        yield proxy, url
    finally:
        await proxy.down()


@pytest.fixture
async def service(outage: tuple[Outage, str], tmp_path: Path) -> AsyncIterator[Service]:
    proxy, url = outage
    key = await _seed(url, tmp_path / "models")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": proxy.url, "MODELS_DIR": str(tmp_path / "models"),
           "DATA_DIR": str(tmp_path / "data"), "MODEL_POLL_SECONDS": "0.5", "CREDIT_ACCESS_LOG": "0"}
    log = (tmp_path / "scoring.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "credit_scoring.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log"], env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    try:
        await _until(lambda: _ready(base), "scoring ready", process)
        yield Service(base, process, key, url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _ready(base: str) -> bool:
    async with httpx.AsyncClient(timeout=2) as client:
        try:
            return (await client.get(f"{base}/readyz")).status_code == 200
        except httpx.HTTPError:
            return False


async def _until(check: Callable[[], Awaitable[bool] | bool], what: str, process: subprocess.Popen[bytes]) -> None:
    async def checked() -> bool:
        result = check()
        return await result if isinstance(result, Awaitable) else result

    def exited() -> str | None:
        return None if process.poll() is None else f"the scoring service exited ({process.returncode})"

    await until_async(checked, what, stop=exited, seconds=HANG_SECONDS)


async def test_outage_gives_503_then_recovers_and_every_200_is_audited(
    service: Service, outage: tuple[Outage, str]
) -> None:
    proxy, _ = outage
    replies: list[Reply] = []
    failures: list[str] = []
    phase = "before"
    stop = asyncio.Event()
    headers = {"Authorization": f"Bearer {service.key}"}

    async def worker(n: int, client: httpx.AsyncClient) -> None:
        i = n
        while not stop.is_set():
            client_id = FIRST_ID + i % N_CLIENTS
            i += WORKERS
            sent_in = phase
            try:
                r = await client.get(f"/v1/clients/{client_id}/score")
            except httpx.HTTPError as exc:  # timeout (a hang) or a dropped connection: never acceptable
                failures.append(f"{sent_in}: {type(exc).__name__}")
                continue
            body = r.json() if r.headers.get("content-type", "").endswith("json") else {}
            replies.append(Reply(sent_in, phase, r.status_code, r.headers.get("content-type", ""), body))
            await asyncio.sleep(0.01)

    def count(in_phase: str, status: int | None = None) -> int:
        return sum(1 for r in replies if r.phase == in_phase and (status is None or r.status == status))

    async with httpx.AsyncClient(base_url=service.base, headers=headers, timeout=HANG_SECONDS) as client:
        workers = [asyncio.create_task(worker(n, client)) for n in range(WORKERS)]
        try:
            await _until(lambda: count("before", 200) >= PER_PHASE, "200s before the outage", service.process)
            phase = "down"
            await proxy.down()
            await _until(lambda: count("down", 503) >= PER_PHASE, "503s during the outage", service.process)
            phase = "after"
            await proxy.up()
            await _until(lambda: count("after", 200) >= PER_PHASE, "200s after the outage", service.process)
        finally:
            stop.set()
            await asyncio.gather(*workers, return_exceptions=True)

    assert not failures, f"requests without an HTTP answer: {failures[:10]}"
    assert service.process.poll() is None, "the service had to restart"
    assert {r.status for r in replies} <= {200, 503}, sorted({r.status for r in replies})
    for r in replies:
        if r.status == 503:
            assert r.content_type.startswith("application/problem+json") and r.body.get("status") == 503, r
    assert not [r for r in replies if r.answered == "before" and r.status != 200], "errors before the outage"

    ok = [r.body for r in replies if r.status == 200]
    conn = await asyncpg.connect(_dsn(service.url))  # straight to the database, not through the proxy
    try:
        rows = await conn.fetch("SELECT id, client_id, probability, decision, model_version FROM decision "
                                "WHERE id = ANY($1::bigint[])", [int(b["decision_id"]) for b in ok])  # type: ignore[call-overload]
    finally:
        await conn.close()
    stored = {r["id"]: r for r in rows}
    missing = [b["decision_id"] for b in ok if b["decision_id"] not in stored]
    assert not missing, f"{len(missing)} of {len(ok)} 200 responses have no decision row"
    for b in ok:
        row = stored[b["decision_id"]]
        assert (row["client_id"], row["decision"], row["model_version"]) == (
            b["client_id"], b["decision"], b["model_version"])
        assert row["probability"] == pytest.approx(b["probability_default"], abs=1e-12)
    assert len({b["decision_id"] for b in ok}) == len(ok), "two responses share one audit row"
