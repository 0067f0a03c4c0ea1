"""The services' database access: a SQLAlchemy engine for ORM work and a raw asyncpg pool for hot paths.

Why two pools: the engine serves the ORM (registry polls, API-key lookups: rare, cached, pre-pinged), the raw pool
the hot paths (a score's feature read and audit write), where SQLAlchemy's per-statement machinery and a pre-ping
round trip would cost more than the statement.

The raw pool never pings a connection before use (that would be a round trip per request): asyncpg replaces a
pooled connection it has seen closed, and when one connection turns out dead every pooled one is replaced (the
server was restarted, failed over or killed its sessions: the others are dead too). One retry policy
(`once_more_if_dead`) serves every raw-pool user: a read that meets a dead connection runs once more on a fresh
one, a write never (its commit may have happened). Use it through `with_retry` (a pooled connection per call) or
`HeldConnection` (one connection kept between calls).
Connecting and statements fail fast: an outage answers 503, never hangs.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar, cast

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
            yield cast(asyncpg.Connection, conn)  # a proxy that forwards every Connection method
        except DEAD_CONNECTION_ERRORS:
            conn.terminate()
            await pool.expire_connections()
            raise


async def once_more_if_dead(attempt: Callable[[], Awaitable[T]], *, idempotent: bool) -> T:
    """The retry policy: run `attempt`; if its connection turned out dead and the operation is idempotent (a
    read), run it once more (the attempt takes a fresh connection). A write is never retried: its commit may have
    happened before the connection died."""
    try:
        return await attempt()
    except DEAD_CONNECTION_ERRORS:
        if not idempotent:
            raise
        return await attempt()


async def with_retry(pool: asyncpg.Pool, read: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run an idempotent `read` on a pooled connection, under the retry policy (writes use `connection`)."""

    async def attempt() -> T:
        async with connection(pool) as conn:
            return await read(conn)

    return await once_more_if_dead(attempt, idempotent=True)


class HeldConnection:
    """One pooled connection kept between operations, for a worker that runs statement after statement (a pool
    acquire + release per statement costs ~80 µs of CPU and several event-loop turns). Operations follow the
    retry policy; a connection that fails in any way is closed (its state is unknown) and replaced on next use."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._conn: asyncpg.pool.PoolConnectionProxy | None = None

    async def read(self, operation: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        return await once_more_if_dead(lambda: self._run(operation), idempotent=True)

    async def write(self, operation: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        return await once_more_if_dead(lambda: self._run(operation), idempotent=False)

    async def _run(self, operation: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        if self._conn is None:
            self._conn = await self.pool.acquire(timeout=CONNECT_TIMEOUT_SECONDS * 2)
        try:
            return await operation(cast(asyncpg.Connection, self._conn))
        except DEAD_CONNECTION_ERRORS:
            await self.discard()
            await self.pool.expire_connections()
            raise
        except BaseException:
            await self.discard()
            raise

    async def discard(self) -> None:
        """Close the held connection, if any (after a failure, or when the worker stops)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(asyncpg.InterfaceError):  # asyncpg already gave back one the server closed
                conn.terminate()
            await self.pool.release(conn)
