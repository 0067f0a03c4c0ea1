"""`credit bench scoring`: real HTTP load on a scoring service started for the occasion (loopback only).

Needs a database with client features and an active model (as left by `credit run` or
`credit features build` + `credit train`). Prints latency percentiles, throughput and errors.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from typing import Annotated

import httpx
import numpy as np
import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_cli._common import fail, with_database
from credit_core.settings import Settings

BATCH_SIZE = 10_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _prepare(engine: AsyncEngine, settings: Settings) -> tuple[str, list[int]]:
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


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
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


async def _load(base: str, key: str, ids: list[int], requests: int, seconds: float, concurrency: int
                ) -> tuple[np.ndarray, int, float]:
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits,
                                 timeout=10) as client:

        async def worker() -> None:
            nonlocal sent, errors
            while sent < requests and time.perf_counter() < deadline:
                client_id = ids[sent % len(ids)]
                sent += 1
                started = time.perf_counter()
                try:
                    r = await client.get(f"/v1/clients/{client_id}/score")
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return np.array(latencies) * 1000, errors, elapsed


async def _batch(base: str, key: str, ids: list[int], rounds: int) -> tuple[float, int]:
    chunk = (ids * (BATCH_SIZE // len(ids) + 1))[:BATCH_SIZE]
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
        await client.post("/v1/score/batch", json={"client_ids": chunk[:100]})  # warm-up
        started = time.perf_counter()
        errors = 0
        for _ in range(rounds):
            r = await client.post("/v1/score/batch", json={"client_ids": chunk})
            errors += r.status_code != 200
        return rounds * len(chunk) / (time.perf_counter() - started), errors


def scoring(
    requests: Annotated[int, typer.Option(help="GET score requests to send at most.")] = 20_000,
    seconds: Annotated[float, typer.Option(help="Stop the GET load after this many seconds.")] = 30.0,
    concurrency: Annotated[int, typer.Option(help="Concurrent connections.")] = 32,
    batch_rounds: Annotated[int, typer.Option(help="10,000-client batches to send (0: skip).")] = 5,
) -> None:
    """Start the scoring service under uvicorn and measure GET /v1/clients/{id}/score and batch throughput."""
    key, ids = with_database(_prepare)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "credit_scoring.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=dict(os.environ, CREDIT_ACCESS_LOG="0"))
    try:
        _wait_ready(base, proc)
        asyncio.run(_load(base, key, ids, min(500, requests), 5, concurrency))  # warm-up
        latencies, errors, elapsed = asyncio.run(_load(base, key, ids, requests, seconds, concurrency))
        batch_rate, batch_errors = asyncio.run(_batch(base, key, ids, batch_rounds)) if batch_rounds else (0.0, 0)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
    typer.echo(f"GET /v1/clients/{{id}}/score: {len(latencies):,} requests, {concurrency} connections, "
               f"{elapsed:.1f} s")
    typer.echo(f"  p50 {p50:.2f} ms  p95 {p95:.2f} ms  p99 {p99:.2f} ms  "
               f"{len(latencies) / elapsed:,.0f} req/s  errors {errors}")
    if batch_rounds:
        typer.echo(f"POST /v1/score/batch ({BATCH_SIZE:,} ids): {batch_rate:,.0f} clients/s  errors {batch_errors}")
