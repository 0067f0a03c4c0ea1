"""API keys for internal callers: generation, SHA-256 storage, and the `require_api_key` dependency.

Keys are 256-bit random tokens, so a fast hash is enough (no password stretching needed). A small
in-process TTL cache avoids a database round trip per request; a revoked key stops working within the TTL.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import Scope

from credit_core import orm
from credit_core.service.problems import ProblemError

PREFIX = "pad_"
CACHE_SECONDS = 30.0
_CACHE_MAX = 10_000


def generate_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(session: AsyncSession, name: str) -> str:
    """Store a new key for `name` and return the clear key (shown once, never stored)."""
    key = generate_key()
    session.add(orm.ApiKey(name=name, key_hash=hash_key(key)))
    await session.commit()
    return key


class KeyVerifier:
    """Looks keys up in api_key (non-revoked), caching positive and negative answers for `ttl` seconds."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], ttl: float = CACHE_SECONDS) -> None:
        self.sessions, self.ttl = sessions, ttl
        self._cache: dict[str, tuple[str | None, float]] = {}

    async def caller(self, key: str) -> str | None:
        digest = hash_key(key)
        now = time.monotonic()
        hit = self._cache.get(digest)
        if hit is not None and hit[1] > now:
            return hit[0]
        async with self.sessions() as session:
            name = await session.scalar(
                sa.select(orm.ApiKey.name).where(orm.ApiKey.key_hash == digest, orm.ApiKey.revoked_at.is_(None))
            )
        if len(self._cache) >= _CACHE_MAX:  # evict the oldest entry (dicts keep insertion order)
            self._cache.pop(next(iter(self._cache)))
        self._cache[digest] = (name, now + self.ttl)
        return name

    def clear(self) -> None:
        self._cache.clear()


def _unauthorized(detail: str) -> ProblemError:
    error = ProblemError(401, "unauthorized", detail)
    error.headers["WWW-Authenticate"] = "Bearer"
    return error


async def verify_scope(scope: Scope) -> str:
    """The caller's name for the request's `Authorization: Bearer <key>`, else a 401 ProblemError.

    Needs `app.state.key_verifier` (a KeyVerifier), set by the service's lifespan.
    """
    header = b""
    for name, value in scope["headers"]:
        if name == b"authorization":
            header = value
            break
    scheme, _, key = header.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise _unauthorized("Send an API key as 'Authorization: Bearer <key>'.")
    verifier: KeyVerifier = scope["app"].state.key_verifier
    caller = await verifier.caller(key.strip())
    if caller is None:
        raise _unauthorized("Unknown or revoked API key.")
    return caller


async def require_api_key(request: Request) -> str:
    """FastAPI dependency: the caller's name (already checked by guard.ApiGateMiddleware when installed), else
    verified here: 401 problem without a valid key."""
    caller = request.scope.get("state", {}).get("caller")
    if caller is not None:
        return str(caller)
    return await verify_scope(request.scope)


CallerDep = Annotated[str, Depends(require_api_key)]
