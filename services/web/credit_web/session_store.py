"""Where dashboard sessions and sign-in throttle counters live: PostgreSQL by default, Redis when REDIS_URL is set.

A session is a random id (256 bits) the browser holds in its signed cookie; the store keeps only its sha256,
with the user's id, a stamp of the user's credentials at sign-in, and its lifetimes: `absolute` seconds after
sign-in at the latest, or `idle` seconds after the last request. Deleting it (sign-out, `credit user …`) ends it
for every copy of the cookie at once. Both stores serve every web worker and every CLI command alike.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import asyncpg

from credit_core.service.database import connection, with_retry
from credit_web.auth import USER_COLUMNS_SQL, User, user_of
from credit_web.throttle import Attempts, Policy

TOUCH_SECONDS = 60.0  # last-seen times are refreshed at most this often (not one write per request)


@dataclass(frozen=True)
class Lifetimes:
    absolute: float  # seconds from sign-in
    idle: float  # seconds from the last request

    def expires_at(self, created_at: float, last_seen_at: float) -> float:
        return min(created_at + self.absolute, last_seen_at + self.idle)


@dataclass(frozen=True)
class SessionRecord:
    user_id: int
    stamp: str
    created_at: float
    last_seen_at: float
    user: User | None = None  # the user as stored now, when the store could read it in the same query


class SessionStore(Protocol):
    lifetimes: Lifetimes

    async def create(self, user_id: int, stamp: str, now: float) -> str:
        """A new session; returns its id (the only copy: the store keeps a hash)."""

    async def get(self, session_id: str, now: float) -> SessionRecord | None:
        """The live session with this id, else None (unknown, ended or expired)."""

    async def delete(self, session_id: str) -> None: ...

    async def delete_user(self, user_id: int) -> int:
        """End every session of a user; how many there were."""

    async def delete_all(self) -> int:
        """End every session (e.g. after a leak of the session secret)."""

    async def count_user(self, user_id: int, now: float) -> int: ...

    async def reserve(self, keys: list[tuple[bytes, Policy]], now: float) -> float: ...

    async def forgive(self, cleared: bytes, decremented: bytes) -> None: ...

    async def purge(self, now: float) -> int:
        """Drop expired sessions and forgotten throttle counters (Redis expires them by itself)."""

    async def close(self) -> None: ...


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def hash_id(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


_CREATE = """INSERT INTO web_session (id_hash, user_id, stamp, created_at, last_seen_at, expires_at)
VALUES ($1, $2, $3, $4, $4, $5)"""
_GET = f"""SELECT s.stamp, s.created_at, s.last_seen_at, {USER_COLUMNS_SQL}
FROM web_session s JOIN app_user u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2"""
_TOUCH = "UPDATE web_session SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1"
_ENSURE = ("INSERT INTO login_throttle (key, failures, last_failure_at) "
           "SELECT k, 0, 'epoch' FROM unnest($1::bytea[]) AS k ON CONFLICT DO NOTHING")
_LOCK = "SELECT key, failures, last_failure_at FROM login_throttle WHERE key = ANY($1) ORDER BY key FOR UPDATE"
_COUNT = "UPDATE login_throttle SET failures = $2, last_failure_at = $3 WHERE key = $1"


def _affected(status: str) -> int:
    """Rows an asyncpg command touched ('DELETE 3' -> 3)."""
    return int(status.rsplit(" ", 1)[-1])


class PostgresSessionStore:
    """Tables web_session and login_throttle (migration 0007), on a raw asyncpg pool: the session check runs on
    every request, and a raw read costs ~0.15 ms where an ORM/Core read with a pre-ping costs ~0.8 ms."""

    def __init__(self, pool: asyncpg.Pool, lifetimes: Lifetimes, *, forget: float) -> None:
        self.pool, self.lifetimes, self.forget = pool, lifetimes, forget

    async def create(self, user_id: int, stamp: str, now: float) -> str:
        session_id = new_session_id()
        async with connection(self.pool) as conn:
            await conn.execute(_CREATE, hash_id(session_id), user_id, stamp, _at(now),
                               _at(self.lifetimes.expires_at(now, now)))
        return session_id

    async def get(self, session_id: str, now: float) -> SessionRecord | None:
        """The session and its user, in one query (a deleted user's sessions went with it: ON DELETE CASCADE)."""
        key = hash_id(session_id)
        row = await with_retry(self.pool, lambda conn: conn.fetchrow(_GET, key, _at(now)))
        if row is None:
            return None
        created, seen = row["created_at"].timestamp(), row["last_seen_at"].timestamp()
        if now - seen >= TOUCH_SECONDS:
            async with connection(self.pool) as conn:
                await conn.execute(_TOUCH, key, _at(now), _at(self.lifetimes.expires_at(created, now)))
        return SessionRecord(row["user_id"], row["stamp"], created, seen, user_of(row))

    async def delete(self, session_id: str) -> None:
        async with connection(self.pool) as conn:
            await conn.execute("DELETE FROM web_session WHERE id_hash = $1", hash_id(session_id))

    async def delete_user(self, user_id: int) -> int:
        async with connection(self.pool) as conn:
            return _affected(await conn.execute("DELETE FROM web_session WHERE user_id = $1", user_id))

    async def delete_all(self) -> int:
        async with connection(self.pool) as conn:
            return _affected(await conn.execute("DELETE FROM web_session"))

    async def count_user(self, user_id: int, now: float) -> int:
        return int(await with_retry(self.pool, lambda conn: conn.fetchval(
            "SELECT count(*) FROM web_session WHERE user_id = $1 AND expires_at > $2", user_id, _at(now))))

    async def reserve(self, keys: list[tuple[bytes, Policy]], now: float) -> float:
        wanted = sorted(key for key, _ in keys)  # one lock order for every attempt: no deadlock
        async with connection(self.pool) as conn, conn.transaction():
            await conn.execute(_ENSURE, wanted)
            rows = await conn.fetch(_LOCK, wanted)
            current = {bytes(r["key"]): Attempts(r["failures"], r["last_failure_at"].timestamp()) if r["failures"]
                       else None for r in rows}
            wait = max(policy.wait(current.get(key), now) for key, policy in keys)
            if wait > 0:
                return wait
            for key, policy in keys:
                counted = policy.counted(current.get(key), now)
                await conn.execute(_COUNT, key, counted.failures, _at(counted.last_failure_at))
        return 0.0

    async def forgive(self, cleared: bytes, decremented: bytes) -> None:
        async with connection(self.pool) as conn, conn.transaction():
            await conn.execute("DELETE FROM login_throttle WHERE key = $1", cleared)
            await conn.execute("UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
                               decremented)

    async def purge(self, now: float) -> int:
        async with connection(self.pool) as conn, conn.transaction():
            sessions = await conn.execute("DELETE FROM web_session WHERE expires_at <= $1", _at(now))
            counters = await conn.execute("DELETE FROM login_throttle WHERE last_failure_at < $1",
                                          _at(now - self.forget))
        return _affected(sessions) + _affected(counters)

    async def close(self) -> None:
        """The pool belongs to the caller."""


def open_store(pool: asyncpg.Pool, lifetimes: Lifetimes, *, redis_url: str, redis_prefix: str,
               policies: Sequence[Policy]) -> SessionStore:
    """Redis when `redis_url` is set, else PostgreSQL through `pool` (a raw asyncpg pool)."""
    forget = max(p.forget for p in policies)
    if redis_url:
        from credit_web.session_store_redis import RedisSessionStore

        return RedisSessionStore(redis_url, lifetimes, prefix=redis_prefix, forget=forget)
    return PostgresSessionStore(pool, lifetimes, forget=forget)
