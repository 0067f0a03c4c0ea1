"""The services' database access: a SQLAlchemy engine for ORM work and a raw asyncpg pool for hot paths.

The raw pool never pings a connection before use (that would be a round trip per request): asyncpg
replaces a pooled connection it has seen closed, and `with_retry` reruns an idempotent read once on a fresh
connection when the one it got turns out to be dead. The engine pre-pings by default (cheap where it is used:
cached key lookups, registry polls). Connecting and statements fail fast: an outage answers 503, never hangs.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

CONNECT_TIMEOUT_SECONDS = 2.0
STATEMENT_TIMEOUT_MS = 5_000
_SERVER_SETTINGS = {"statement_timeout": str(STATEMENT_TIMEOUT_MS)}

T = TypeVar("T")

# The connection itself failed (not the statement): drop it; a read may be retried on another connection.
# A connection the server terminated may first show up as an InternalClientError ("cannot switch to state…":
# the server's unsolicited FATAL message left the protocol mid-operation) or an OperatorInterventionError
# (57P01 admin shutdown).
DEAD_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    ConnectionError,
)


def create_service_engine(url: str, *, pool_size: int = 10, pre_ping: bool = True) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        pool_timeout=CONNECT_TIMEOUT_SECONDS * 2,
        connect_args={
            "timeout": CONNECT_TIMEOUT_SECONDS,
            "command_timeout": STATEMENT_TIMEOUT_MS / 1000 + 1,
            "server_settings": _SERVER_SETTINGS,
        },
    )


def asyncpg_dsn(url: str) -> str:
    """postgresql+asyncpg://… (SQLAlchemy form) → postgresql://… (asyncpg form); query (?host=socket dir) kept."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _no_reset(conn: asyncpg.Connection) -> None:
    """Our hot paths leave no session state behind: skip asyncpg's reset round trip on release."""


async def create_raw_pool(
    url: str, *, max_size: int = 10, synchronous_commit: bool = True, application_name: str = "credit-service"
) -> asyncpg.Pool:
    """A lazily-filled asyncpg pool (min_size 0: the service starts even while the database is down).

    `synchronous_commit=False` makes a commit return before its WAL reaches the disk: the row is committed and
    visible at once, but a crash of the database server (not of the service) can lose the last fraction of a
    second of commits. It saves the disk's flush time (ms) per commit; the default keeps every commit durable.
    """
    settings = {**_SERVER_SETTINGS, "application_name": application_name}  # tells the service apart in pg_stat_activity
    if not synchronous_commit:
        settings["synchronous_commit"] = "off"
    return await asyncpg.create_pool(
        asyncpg_dsn(url),
        min_size=0,
        max_size=max_size,
        timeout=CONNECT_TIMEOUT_SECONDS,
        command_timeout=STATEMENT_TIMEOUT_MS / 1000 + 1,
        server_settings=settings,
        reset=_no_reset,
    )


@contextlib.asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection; one that fails as dead is closed, never handed out again."""
    async with pool.acquire(timeout=CONNECT_TIMEOUT_SECONDS * 2) as conn:
        try:
            yield conn
        except DEAD_CONNECTION_ERRORS:
            conn.terminate()
            raise


async def with_retry(pool: asyncpg.Pool, read: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run an idempotent `read` on a pooled connection, once more on a fresh one if the first was dead.
    (Writes use `connection` and are not retried: a commit may have happened before the connection died.)"""
    try:
        async with connection(pool) as conn:
            return await read(conn)
    except DEAD_CONNECTION_ERRORS:
        async with connection(pool) as conn:
            return await read(conn)
