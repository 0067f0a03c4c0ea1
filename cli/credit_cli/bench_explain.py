"""`credit bench explain`: real HTTP load on an explain service started for the occasion (loopback only).

Needs a database with client features and an active model (as left by `credit run` or `credit db bootstrap`).
Waits for the model version's SHAP precompute (so explanations are the served, precomputed kind), then loads each
dashboard endpoint in turn and prints latency percentiles, throughput and errors, with the machine's load average.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import numpy as np
import typer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_cli import _processes
from credit_cli._common import fail, with_database
from credit_core.settings import Settings

# (method, path, json body) of the i-th request of one endpoint's load.
RequestFor = Callable[[int], tuple[str, str, dict[str, Any] | None]]


@dataclass
class Figures:
    endpoint: str
    latencies_ms: np.ndarray
    errors: int
    seconds: float


async def _prepare(engine: AsyncEngine, settings: Settings) -> tuple[str, list[int], str]:
    from credit_core import db
    from credit_core.service import auth

    async with engine.connect() as conn:
        ids = [row[0] for row in await conn.exec_driver_sql(
            "SELECT sk_id_curr FROM client_feature ORDER BY random() LIMIT 20000")]
        active = (await conn.exec_driver_sql("SELECT version FROM model_version WHERE is_active")).scalar()
    if not ids or active is None:
        raise fail("no client features or no active model: run `credit run` (or `credit db bootstrap`) first")
    async with db.session_factory(engine)() as session:
        key = await auth.create_api_key(session, f"bench-{auth.generate_key()[-10:]}")
    return key, ids, str(active)


async def _precompute_progress(engine: AsyncEngine, version: str) -> tuple[int, int]:
    async with engine.connect() as conn:
        done = (await conn.execute(text("SELECT count(*) FROM client_shap WHERE model_version = :v"),
                                   {"v": version})).scalar()
        total = (await conn.exec_driver_sql("SELECT count(*) FROM client_feature")).scalar()
    return int(done or 0), int(total or 0)


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Until the service has built the model version's explain context (population, reference, similar index)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise fail("the explain service exited during startup")
        try:
            r = httpx.get(f"{base}/healthz", timeout=1)
            if r.status_code == 200 and r.json().get("explain_ready"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise fail("the explain service did not become ready")


def _wait_precompute(version: str, timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while True:
        done, total = with_database(lambda engine, _: _precompute_progress(engine, version), migrate=False)
        if done >= total or time.monotonic() >= deadline:
            return done, total
        typer.echo(f"  SHAP precompute {done:,}/{total:,}", err=True)
        time.sleep(5)


async def _load(base: str, key: str, name: str, request_for: RequestFor, requests: int, seconds: float,
                concurrency: int) -> Figures:
    latencies: list[float] = []
    errors = sent = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits,
                                 timeout=30) as client:

        async def worker() -> None:
            nonlocal sent, errors
            while sent < requests and time.perf_counter() < deadline:
                method, path, body = request_for(sent)
                sent += 1
                started = time.perf_counter()
                try:
                    r = await client.request(method, path, json=body)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Figures(name, np.array(latencies) * 1000, errors, elapsed)


def _top_features(base: str, key: str, n: int) -> tuple[list[str], list[str]]:
    """The model's most important numeric and categorical features: what advisors pick most."""
    body = httpx.get(f"{base}/v1/importance", params={"top": 1000},
                     headers={"Authorization": f"Bearer {key}"}, timeout=30).json()
    catalogue = httpx.get(f"{base}/v1/features", headers={"Authorization": f"Bearer {key}"}, timeout=30).json()
    kinds = {f["name"]: f["kind"] for f in catalogue["features"]}
    ranked = [x["feature"] for x in body["importance"]]
    numeric = [f for f in ranked if kinds.get(f) == "numeric"][:n]
    categorical = [f for f in ranked if kinds.get(f) == "categorical"][:max(1, n // 2)]
    return numeric, categorical


def _endpoints(ids: list[int], numeric: list[str], categorical: list[str], seed: int) -> dict[str, RequestFor]:
    rng = random.Random(seed)
    picks = numeric + categorical
    pairs = [(a, b) for a in picks for b in picks if a != b]
    client = lambda i: ids[(i * 7919) % len(ids)]  # noqa: E731 - a spread of clients, deterministic

    def whatif(i: int) -> tuple[str, str, dict[str, Any] | None]:
        return "POST", "/v1/explain", {"client_id": client(i), "changes": {"AMT_CREDIT": 100_000 + 1_000 * (i % 400)}}

    return {
        "explanation": lambda i: ("GET", f"/v1/clients/{client(i)}/explanation?top=10", None),
        "distribution": lambda i: ("GET", f"/v1/features/{rng.choice(picks)}/distribution?client_id={client(i)}",
                                   None),
        "joint": lambda i: ("GET", "/v1/features/{}/{}/joint?client_id={}".format(*rng.choice(pairs), client(i)),
                            None),
        "similar": lambda i: ("GET", f"/v1/clients/{client(i)}/similar?k=20", None),
        "what-if": whatif,
        "counterfactual": lambda i: ("GET", f"/v1/clients/{client(i)}/counterfactual", None),
        "search": lambda i: ("GET", f"/v1/clients?prefix={str(client(i))[:3]}&limit=10", None),
        "profile": lambda i: ("GET", f"/v1/clients/{client(i)}/profile", None),
    }


def explain(
    requests: Annotated[int, typer.Option(help="Requests per endpoint at most.")] = 3_000,
    seconds: Annotated[float, typer.Option(help="Stop each endpoint's load after this many seconds.")] = 15.0,
    concurrency: Annotated[int, typer.Option(help="Concurrent connections.")] = 4,
    only: Annotated[list[str] | None, typer.Option(help="Endpoints to load (repeat); default all.")] = None,
    precompute_timeout: Annotated[float, typer.Option(help="Seconds to wait for the SHAP precompute.")] = 900.0,
) -> None:
    """Start the explain service under uvicorn and measure the dashboard's explain endpoints one after another."""
    key, ids, version = with_database(_prepare)
    port = _processes.free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "credit_explain.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=dict(os.environ, CREDIT_ACCESS_LOG="0"))
    results: list[Figures] = []
    try:
        _wait_ready(base, proc, timeout=300)
        done, total = _wait_precompute(version, precompute_timeout)
        numeric, categorical = _top_features(base, key, 6)
        endpoints = _endpoints(ids, numeric, categorical, seed=1)
        chosen = only or list(endpoints)
        unknown = sorted(set(chosen) - set(endpoints))
        if unknown:
            raise fail(f"unknown endpoint(s) {', '.join(unknown)}; choose from {', '.join(endpoints)}")
        load_before = os.getloadavg()
        for name in chosen:
            asyncio.run(_load(base, key, name, endpoints[name], 50, 5, concurrency))  # warm-up
            results.append(asyncio.run(_load(base, key, name, endpoints[name], requests, seconds, concurrency)))
        load_after = os.getloadavg()
    finally:
        _processes.stop([proc])
    typer.echo(f"model {version}: {total:,} clients, SHAP precomputed for {done:,}; {concurrency} connections; "
               f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} CPUs)")
    typer.echo(f"{'endpoint':15} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>7}")
    for f in results:
        p50, p95, p99 = np.percentile(f.latencies_ms, [50, 95, 99]) if len(f.latencies_ms) else (np.nan,) * 3
        typer.echo(f"{f.endpoint:15} {len(f.latencies_ms):9,} {p50:8.2f} {p95:8.2f} {p99:8.2f} "
                   f"{len(f.latencies_ms) / f.seconds:8,.0f} {f.errors:7}")
