"""`credit bench soak`: minutes of steady load on GET /v1/clients/{id}/score against a real service process.

Same service and load generator as `credit bench scoring` (fixed-rate, open-loop phase). Reports errors,
latency percentiles for the whole run and per minute, and the service's RSS after a warm-up and at the
end: steady traffic must not grow memory (goal: < 10 %) nor produce errors.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

import numpy as np
import psutil
import typer

from credit_cli._common import with_database
from credit_cli._processes import load_average
from credit_cli.bench_scoring import LoadResult, fixed_rate, prepare, run, scoring_service

WARM_UP_SECONDS = 15.0


async def _soak(base: str, key: str, ids: list[int], rate: float, seconds: float, connections: int,
                process: psutil.Process) -> tuple[LoadResult, list[tuple[float, float]]]:
    """The load, with the service's RSS (MiB) sampled every 5 s alongside: (elapsed seconds, MiB)."""
    samples: list[tuple[float, float]] = []
    started = time.perf_counter()

    async def sample() -> None:
        while True:
            samples.append((time.perf_counter() - started, process.memory_info().rss / 2**20))
            await asyncio.sleep(5)

    sampler = asyncio.create_task(sample())
    try:
        result = await fixed_rate(base, key, ids, rate, seconds, connections)
    finally:
        sampler.cancel()
    samples.append((time.perf_counter() - started, process.memory_info().rss / 2**20))
    return result, samples


def soak(
    minutes: Annotated[float, typer.Option(help="Duration of the steady load.")] = 5.0,
    rate: Annotated[float, typer.Option(help="Requests per second.")] = 300.0,
    connections: Annotated[int, typer.Option(help="Keep-alive connections.")] = 32,
) -> None:
    """Steady load on the score endpoint: errors, p50/p95/p99 (overall and per minute), service RSS growth."""
    key, ids = with_database(prepare)
    with scoring_service() as (base, proc):
        process = psutil.Process(proc.pid)
        rss_started = process.memory_info().rss / 2**20
        run(fixed_rate(base, key, ids, rate, WARM_UP_SECONDS, connections))
        typer.echo(f"soak: {minutes:g} min at {rate:,.0f} req/s on GET /v1/clients/{{id}}/score, {connections} "
                   f"connections ({load_average()} before)")
        result, samples = run(_soak(base, key, ids, rate, minutes * 60, connections, process))
    # Per-minute percentiles: requests were scheduled evenly, so index order is time order.
    per_minute = max(1, int(rate * 60))
    for minute, start in enumerate(range(0, len(result.latencies_ms), per_minute), start=1):
        chunk = result.latencies_ms[start:start + per_minute]
        p50, p99 = np.percentile(chunk, [50, 99])
        typer.echo(f"  minute {minute}: p50 {p50:.2f} ms  p99 {p99:.2f} ms  ({len(chunk):,} requests)")
    typer.echo(f"  overall: {result.summary()}")
    rss_start, rss_end = samples[0][1], samples[-1][1]
    growth = (rss_end - rss_start) / rss_start * 100
    typer.echo(f"  service RSS: {rss_started:.0f} MiB at startup, {rss_start:.0f} MiB after warm-up, "
               f"{rss_end:.0f} MiB at the end ({growth:+.1f} %), peak {max(m for _, m in samples):.0f} MiB")
    typer.echo(f"  [{load_average()}]")
