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

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core.orm import LoginThrottle, WebSession
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


class PostgresSessionStore:
    """Tables web_session and login_throttle (migration 0007), through the web service's engine."""

    def __init__(self, engine: AsyncEngine, lifetimes: Lifetimes, *, forget: float) -> None:
        self.engine, self.lifetimes, self.forget = engine, lifetimes, forget

    async def create(self, user_id: int, stamp: str, now: float) -> str:
        session_id = new_session_id()
        async with self.engine.begin() as conn:
            await conn.execute(sa.insert(WebSession).values(
                id_hash=hash_id(session_id), user_id=user_id, stamp=stamp, created_at=_at(now),
                last_seen_at=_at(now), expires_at=_at(self.lifetimes.expires_at(now, now))))
        return session_id

    async def get(self, session_id: str, now: float) -> SessionRecord | None:
        key = hash_id(session_id)
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(WebSession.user_id, WebSession.stamp, WebSession.created_at,
                                                WebSession.last_seen_at)
                                      .where(WebSession.id_hash == key, WebSession.expires_at > _at(now)))).first()
            if row is None:
                return None
            created, seen = row.created_at.timestamp(), row.last_seen_at.timestamp()
            if now - seen >= TOUCH_SECONDS:
                await conn.execute(sa.update(WebSession).where(WebSession.id_hash == key).values(
                    last_seen_at=_at(now), expires_at=_at(self.lifetimes.expires_at(created, now))))
                await conn.commit()
        return SessionRecord(row.user_id, row.stamp, created, seen)

    async def delete(self, session_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(sa.delete(WebSession).where(WebSession.id_hash == hash_id(session_id)))

    async def delete_user(self, user_id: int) -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(sa.delete(WebSession).where(WebSession.user_id == user_id))
        return int(result.rowcount)

    async def delete_all(self) -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(sa.delete(WebSession))
        return int(result.rowcount)

    async def count_user(self, user_id: int, now: float) -> int:
        async with self.engine.connect() as conn:
            found = await conn.scalar(sa.select(sa.func.count()).select_from(WebSession).where(
                WebSession.user_id == user_id, WebSession.expires_at > _at(now)))
        return int(found or 0)

    async def reserve(self, keys: list[tuple[bytes, Policy]], now: float) -> float:
        wanted = sorted(key for key, _ in keys)  # one lock order for every attempt: no deadlock
        async with self.engine.begin() as conn:
            await conn.execute(insert(LoginThrottle).values(
                [{"key": k, "failures": 0, "last_failure_at": _at(0)} for k in wanted]).on_conflict_do_nothing())
            rows = (await conn.execute(sa.select(LoginThrottle.key, LoginThrottle.failures,
                                                 LoginThrottle.last_failure_at)
                                       .where(LoginThrottle.key.in_(wanted)).order_by(LoginThrottle.key)
                                       .with_for_update())).all()
            current = {r.key: Attempts(r.failures, r.last_failure_at.timestamp()) if r.failures else None
                       for r in rows}
            wait = max(policy.wait(current.get(key), now) for key, policy in keys)
            if wait > 0:
                return wait
            for key, policy in keys:
                counted = policy.counted(current.get(key), now)
                await conn.execute(sa.update(LoginThrottle).where(LoginThrottle.key == key).values(
                    failures=counted.failures, last_failure_at=_at(counted.last_failure_at)))
        return 0.0

    async def forgive(self, cleared: bytes, decremented: bytes) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == cleared))
            await conn.execute(sa.update(LoginThrottle).where(LoginThrottle.key == decremented,
                                                              LoginThrottle.failures > 0)
                               .values(failures=LoginThrottle.failures - 1))

    async def purge(self, now: float) -> int:
        async with self.engine.begin() as conn:
            sessions = await conn.execute(sa.delete(WebSession).where(WebSession.expires_at <= _at(now)))
            counters = await conn.execute(sa.delete(LoginThrottle).where(
                LoginThrottle.last_failure_at < _at(now - self.forget)))
        return int(sessions.rowcount) + int(counters.rowcount)

    async def close(self) -> None:
        """The engine belongs to the caller."""


def open_store(engine: AsyncEngine, lifetimes: Lifetimes, *, redis_url: str, redis_prefix: str,
               policies: Sequence[Policy]) -> SessionStore:
    """Redis when `redis_url` is set, else PostgreSQL through `engine`."""
    forget = max(p.forget for p in policies)
    if redis_url:
        from credit_web.session_store_redis import RedisSessionStore

        return RedisSessionStore(redis_url, lifetimes, prefix=redis_prefix, forget=forget)
    return PostgresSessionStore(engine, lifetimes, forget=forget)
