"""`credit events` commands: relay the decision events outbox to the broker."""

from __future__ import annotations

import asyncio
from typing import Any

import typer

from credit_cli._common import fail, with_database

app = typer.Typer(no_args_is_help=True)


@app.command()
def relay() -> None:
    """Publish every decision event of the outbox to NATS JetStream (EVENTS_URL), until stopped (Ctrl-C).

    At-least-once: an event is marked published only once the broker acknowledged it; while the broker is away
    events wait in the outbox. Each event's id is stable (consumers de-duplicate on it)."""
    from credit_core.settings import get_settings

    if not get_settings().events_url:
        raise fail("EVENTS_URL is not set (e.g. nats://127.0.0.1:4222): events are off")
    try:
        with_database(_relay)
    except KeyboardInterrupt:
        typer.echo("relay stopped")


@app.command()
def status() -> None:
    """How many decision events wait for the broker."""
    pending = with_database(lambda engine, _settings: _pending(engine))
    typer.echo(f"{pending:,} event(s) waiting to be published")


async def _relay(engine: Any, settings: Any) -> None:
    from credit_core import db, events
    from credit_core.service.database import create_raw_pool

    pool = await create_raw_pool(db.resolve_database_url(settings), max_size=2, application_name="credit-relay")
    relay = events.Relay(pool, settings.events_url, settings.events_subject)
    typer.echo(f"relaying decision events to {settings.events_url} ({settings.events_subject}.>)")
    try:
        await relay.run()
    except asyncio.CancelledError:
        pass
    finally:
        await pool.close()


async def _pending(engine: Any) -> int:
    from credit_core import events

    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        return await events.pending_count(raw)
