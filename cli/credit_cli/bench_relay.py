"""`credit bench relay`: how fast the events relay drains the outbox into NATS JetStream.

Publishes every pending outbox row (e.g. those left by `EVENTS_URL=... credit bench scoring`, with no relay
running) to a NATS server started for the occasion (its own port and store: never the machine's :4222 server),
and prints events per second and the load average. Marks them published, as the real relay does.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from typing import Annotated, Any

import typer

from credit_cli._common import fail, with_database
from credit_cli._processes import free_port, load_average


def relay(
    batch: Annotated[int, typer.Option("--batch", help="Outbox rows published per step.")] = 500,
) -> None:
    """Drain the decision-events outbox into a private NATS JetStream server; print events per second."""
    binary = shutil.which("nats-server")
    if binary is None:
        raise fail("nats-server is missing (apt-get install -y nats-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as store:
        server = subprocess.Popen([binary, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", store],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_listening(port, server)
            published, seconds = with_database(lambda engine, _s: _drain(engine, f"nats://127.0.0.1:{port}", batch))
        finally:
            server.terminate()
            server.wait()
    if not published:
        raise fail("no pending event: run `EVENTS_URL=nats://127.0.0.1:4222 credit bench scoring` first")
    typer.echo(f"relayed {published:,} events in {seconds:.2f} s: {published / seconds:,.0f} events/s "
               f"(batch {batch}; {load_average()})")


def _wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise fail(f"nats-server exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise fail("nats-server did not start")


async def _drain(engine: Any, url: str, batch: int) -> tuple[int, float]:
    from credit_core import db, events
    from credit_core.service.database import create_raw_pool
    from credit_core.settings import get_settings

    pool = await create_raw_pool(db.resolve_database_url(get_settings()), max_size=2,
                                 application_name="credit-bench-relay")
    relay = events.Relay(pool, url, "bench.decisions", batch=batch)
    try:
        first = await relay.step()  # connects and creates the stream: not timed
        started = time.perf_counter()
        while await relay.step():
            pass
        seconds = time.perf_counter() - started
    finally:
        await relay.close()
        await pool.close()
    return relay.stats.published - first, max(seconds, 1e-9)
