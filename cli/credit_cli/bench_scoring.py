"""`credit bench scoring`: real HTTP load on a scoring service started for the occasion (loopback only).

Needs a database with client features and an active model (as left by `credit run` or
`credit features build` + `credit train`). The service runs as one uvicorn worker (uvloop + httptools);
the load generator is a lean asyncio HTTP/1.1 keep-alive client in this process (httpx would cost more CPU
than the service on a 2-core machine). Two GET phases on /v1/clients/{id}/score:
- fixed rate (open loop): requests are sent on a schedule over the connections, and latency counts from the
  scheduled time, so a slow service cannot hide its queueing (no coordinated omission);
- saturation (closed loop): every connection sends its next request as soon as the previous answer is in:
  maximum throughput, and latency = connections / throughput (Little's law).
Then 10,000-id batches, one at a time, then several in flight (as several callers would send them).
Prints p50/p95/p99, throughput, errors and the load average.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import httpx
import numpy as np
import psutil
import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_cli import _processes
from credit_cli._common import fail, with_database
from credit_cli._processes import load_average
from credit_core.settings import Settings

BATCH_SIZE = 10_000
WARM_UP_IDS = 100  # one small batch before the timed ones
T = TypeVar("T")
# The bench key must not be throttled by the per-key rate limit it measures through.
SERVICE_ENV = {"CREDIT_ACCESS_LOG": "0", "RATE_LIMIT_PER_SECOND": "1000000", "RATE_LIMIT_BURST": "1000000"}



async def prepare(engine: AsyncEngine, settings: Settings) -> tuple[str, list[int]]:
    """A fresh API key and up to 20,000 client ids that have features."""
    from credit_core import db
    from credit_core.service import auth

    async with engine.connect() as conn:
        ids = [row[0] for row in await conn.exec_driver_sql("SELECT sk_id_curr FROM client_feature LIMIT 20000")]
        active = (await conn.exec_driver_sql("SELECT version FROM model_version WHERE is_active")).scalar()
    if not ids or active is None:
        raise fail("no client features or no active model: run `credit run` (or features build + train) first")
    async with db.session_factory(engine)() as session:
        key = await auth.create_api_key(session, f"bench-{auth.generate_key()[-10:]}")
    return key, ids


@contextlib.contextmanager
def scoring_service(extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The scoring service under uvicorn (one worker, uvloop, httptools) on a free loopback port."""
    port = _processes.free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "credit_scoring.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env={**os.environ, **SERVICE_ENV, **(extra_env or {})})
    try:
        wait_ready(base, proc)
        yield base, proc
    finally:
        _processes.stop([proc])


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise fail("the scoring service exited during startup")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise fail("the scoring service did not become ready")


class Connection:
    """One HTTP/1.1 keep-alive connection: GET with a fixed header block, read status + Content-Length body."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, headers: bytes) -> None:
        self.reader, self.writer, self.headers = reader, writer, headers

    @classmethod
    async def open(cls, base: str, key: str) -> Connection:
        url = httpx.URL(base)
        reader, writer = await asyncio.open_connection(url.host, url.port)
        headers = f"Host: {url.host}:{url.port}\r\nAuthorization: Bearer {key}\r\n\r\n".encode()
        return cls(reader, writer, headers)

    async def get(self, path: str) -> int:
        self.writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.headers)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
                break
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    def record(self, started: float, status: int | None) -> None:
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.errors += status != 200

    def summary(self) -> str:
        if not self.latencies_ms:
            return "no requests"
        p50, p95, p99 = np.percentile(self.latencies_ms, [50, 95, 99])
        rate = len(self.latencies_ms) / self.elapsed if self.elapsed else 0.0
        return (f"p50 {p50:.2f} ms  p95 {p95:.2f} ms  p99 {p99:.2f} ms  max {max(self.latencies_ms):.1f} ms  "
                f"{rate:,.0f} req/s  {len(self.latencies_ms):,} requests  errors {self.errors}")


def _paths(ids: list[int]) -> Iterator[str]:
    i = 0
    while True:
        yield f"/v1/clients/{ids[i % len(ids)]}/score"
        i += 1


async def _send(conn: Connection, path: str, started: float, out: LoadResult) -> Connection | None:
    try:
        status: int | None = await conn.get(path)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        status = None
    out.record(started, status)
    return conn if status is not None else None


async def saturate(base: str, key: str, ids: list[int], seconds: float, connections: int) -> LoadResult:
    """Closed loop: each connection sends back to back for `seconds`."""
    out = LoadResult()
    paths = _paths(ids)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        conn: Connection | None = None
        while time.perf_counter() < deadline:
            if conn is None:
                conn = await Connection.open(base, key)
            conn = await _send(conn, next(paths), time.perf_counter(), out)
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    out.elapsed = time.perf_counter() - started
    return out


async def fixed_rate(
    base: str, key: str, ids: list[int], rate: float, seconds: float, connections: int,
    on_tick: asyncio.Event | None = None,
) -> LoadResult:
    """Open loop: request i is due at start + i/rate and goes out on the first free connection; its latency
    counts from the due time (waiting for a free connection included)."""
    out = LoadResult()
    paths = _paths(ids)
    free: asyncio.Queue[Connection | None] = asyncio.Queue()
    for _ in range(connections):
        free.put_nowait(await Connection.open(base, key))
    pending: set[asyncio.Task[None]] = set()

    async def one(due: float, path: str) -> None:
        conn = await free.get()
        if conn is None:
            try:
                conn = await Connection.open(base, key)
            except OSError:
                out.record(due, None)
                free.put_nowait(None)
                return
        free.put_nowait(await _send(conn, path, due, out))

    total = int(rate * seconds)
    start = time.perf_counter()
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(due, next(paths)))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    out.elapsed = time.perf_counter() - start
    while not free.empty():
        conn = free.get_nowait()
        if conn is not None:
            conn.close()
    return out


async def batches(base: str, key: str, ids: list[int], rounds: int, in_flight: int) -> tuple[float, int]:
    """`rounds` batches of BATCH_SIZE ids, `in_flight` at a time (each caller sends its next batch when its
    previous answer is in): clients per second and failed batches."""
    chunk = (ids * (BATCH_SIZE // len(ids) + 1))[:BATCH_SIZE]
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
        await client.post("/v1/score/batch", json={"client_ids": chunk[:WARM_UP_IDS]})
        statuses: list[int] = []

        async def caller(share: int) -> None:
            for _ in range(share):
                statuses.append((await client.post("/v1/score/batch", json={"client_ids": chunk})).status_code)

        started = time.perf_counter()
        await asyncio.gather(*(caller(len(range(k, rounds, in_flight))) for k in range(in_flight)))
        return rounds * len(chunk) / (time.perf_counter() - started), sum(s != 200 for s in statuses)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on uvloop when available (the load generator shares the machine: keep it lean)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


class ServiceCpu:
    """CPU time the service process spent (user + system, all its threads) since `start()`: a per-request
    cost that, unlike latency, hardly depends on what else the shared machine is doing."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.started = 0.0

    def _now(self) -> float:
        times = self.process.cpu_times()
        return float(times.user + times.system)

    def start(self) -> None:
        self.started = self._now()

    def per(self, count: float, unit: str = "request") -> str:
        return f"service CPU {(self._now() - self.started) / max(count, 1) * 1e6:,.0f} µs/{unit}"


def scoring(
    rate: Annotated[float, typer.Option(help="Fixed-rate phase: requests per second (0: skip).")] = 1_000.0,
    seconds: Annotated[float, typer.Option(help="Duration of each GET phase.")] = 20.0,
    connections: Annotated[int, typer.Option("--connections", "--concurrency", help="Keep-alive connections.")] = 32,
    saturation: Annotated[bool, typer.Option(help="Also run the closed-loop saturation phase.")] = True,
    batch_rounds: Annotated[int, typer.Option(help="10,000-client batches to send (0: skip).")] = 5,
    batch_in_flight: Annotated[int, typer.Option(
        help="Then again with this many batches in flight at once (several callers; 1: skip).")] = 2,
) -> None:
    """Start the scoring service under uvicorn and measure GET /v1/clients/{id}/score and batch throughput."""
    key, ids = with_database(prepare)
    with scoring_service() as (base, proc):
        service = ServiceCpu(proc.pid)
        run(saturate(base, key, ids, 3, connections))  # warm-up: connections, prepared statements, caches
        typer.echo(f"GET /v1/clients/{{id}}/score, {connections} connections ({load_average()} before)")
        if rate:
            service.start()
            fixed = run(fixed_rate(base, key, ids, rate, seconds, connections))
            typer.echo(f"  fixed rate {rate:,.0f}/s: {fixed.summary()}  {service.per(len(fixed.latencies_ms))}  "
                       f"[{load_average()}]")
        if saturation:
            service.start()
            closed = run(saturate(base, key, ids, seconds, connections))
            typer.echo(f"  saturation:      {closed.summary()}  {service.per(len(closed.latencies_ms))}  "
                       f"[{load_average()}]")
        for in_flight in sorted({1, batch_in_flight}) if batch_rounds else ():
            service.start()
            batch_rate, batch_errors = run(batches(base, key, ids, batch_rounds, in_flight))
            typer.echo(f"POST /v1/score/batch ({BATCH_SIZE:,} ids, {in_flight} in flight): {batch_rate:,.0f} "
                       f"clients/s  errors {batch_errors}  "
                       f"{service.per(batch_rounds * BATCH_SIZE + WARM_UP_IDS, 'client')}  [{load_average()}]")
