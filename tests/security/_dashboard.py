"""The running dashboard under test, with its session store: PostgreSQL (the shared stack's web service) or Redis
(another web process of the same stack with REDIS_URL set and a key prefix of its own)."""

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import redis
from sqlalchemy.engine import make_url

from credit_web import auth
from tests.web._stack import Stack, credit, extra_web

# The machine's Redis; every key these tests write has a prefix of their own, and only those keys are deleted.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


@dataclass
class Dashboard:
    store: str  # "postgres" | "redis"
    url: str
    env: dict[str, str]
    database_url: str
    _users: list[str] = field(default_factory=list)

    def cli(self, *args: str) -> str:
        """`credit ARGS` as an operator would run it next to this dashboard (same database, same store)."""
        return credit(self.env, *args)


@dataclass(frozen=True)
class Account:
    user_id: int
    username: str
    password: str
    role: str


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def sql(database_url: str, statement: str, *args: Any) -> list[asyncpg.Record]:
    """Run one statement on the dashboard's database (in a worker thread: tests may be inside an event loop)."""

    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(_dsn(database_url))
        try:
            return list(await conn.fetch(statement, *args))
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def new_account(dashboard: Dashboard, role: str = "advisor") -> Account:
    """A fresh user stored as `credit user create` stores one (argon2 hash), without a CLI round trip."""
    username, password = f"sec-{role}-{uuid.uuid4().hex[:10]}", secrets.token_urlsafe(16)
    (row,) = sql(dashboard.database_url, "INSERT INTO app_user (username, password_hash, role) VALUES ($1, $2, $3) "
                 "RETURNING id", username, auth.hash_password(password), role)
    return Account(int(row["id"]), username, password, role)


def redis_keys(prefix: str) -> list[bytes]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return list(client.scan_iter(match=f"{prefix}*", count=500))
    finally:
        client.close()


def delete_redis_keys(prefix: str) -> None:
    """Remove what a test wrote (its prefix only: the machine's Redis is shared)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start:start + 500])
    finally:
        client.close()


@contextmanager
def dashboard_on(stack: Stack, store: str) -> Iterator[Dashboard]:
    if store == "postgres":
        yield Dashboard(store, stack.web_url, stack.env, stack.database_url)
        return
    prefix = f"pad-test-{uuid.uuid4().hex[:12]}:"
    env = {"REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix}
    try:
        with extra_web(stack, f"web-redis-{prefix[9:-1]}", **env) as url:
            yield Dashboard(store, url, {**stack.env, **env}, stack.database_url)
    finally:
        delete_redis_keys(prefix)
