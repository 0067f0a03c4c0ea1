"""Database access: which server to use, the async engine, sessions, and migrations."""

from __future__ import annotations

import os
from typing import cast

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from credit_core import pgembed
from credit_core.settings import PROJECT_ROOT, Settings

MIGRATIONS_DIR = PROJECT_ROOT / "db"
_embedded: pgembed.EmbeddedPostgres | None = None


def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL when set; otherwise start (or join) the embedded server and return its URL.

    The embedded URL is exported as DATABASE_URL so that child processes (the services started by
    `credit run`, alembic) connect to the same server without trying to own it.
    """
    global _embedded
    if settings.database_url:
        return settings.database_url
    if _embedded is None:
        _embedded = pgembed.start(settings.pgdata)
        os.environ["DATABASE_URL"] = _embedded.url
    return _embedded.url


def stop_embedded() -> None:
    """Stop the embedded server if this process started it (otherwise nothing)."""
    global _embedded
    if _embedded is not None:
        _embedded.stop()
        _embedded = None
        os.environ.pop("DATABASE_URL", None)


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    # pool_pre_ping lets a service recover by itself after the database restarts.
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def driver_connection(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy one (for COPY, prepared statements, advisory locks)."""
    return cast(asyncpg.Connection, (await conn.get_raw_connection()).driver_connection)


def upgrade(url: str, revision: str = "head") -> None:
    """Apply Alembic migrations (synchronous: call it outside a running event loop or in a thread)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, revision)

