"""Helpers shared by CLI commands: running coroutines, opening the database, failing cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db
from credit_core.settings import Settings, get_settings

T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def with_database(work: Callable[[AsyncEngine, Settings], Awaitable[T]], *, migrate: bool = True) -> T:
    """Resolve the database (embedded or DATABASE_URL), apply migrations, run `work` with an engine."""
    settings = get_settings()
    url = db.resolve_database_url(settings)
    if migrate:
        db.upgrade(url)

    async def main() -> T:
        engine = db.create_engine(url, pool_size=2)
        try:
            return await work(engine, settings)
        finally:
            await engine.dispose()

    return asyncio.run(main())
