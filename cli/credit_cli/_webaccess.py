"""What the web dashboard needs to start under `credit run`: a session secret, a service API key, a demo login.

Secrets come from the environment when set; otherwise they are generated once and kept in files of the
data directory readable only by the owner (the same place as the embedded database), so later runs reuse them.
A SERVICE_API_KEY given by the environment (docker compose) is registered (hashed) when the database lacks it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from credit_core import db, orm
from credit_core.service import auth as api_keys
from credit_core.settings import Settings

WEB_KEY_NAME = "web"
DEMO_USERNAME = "advisor"


@dataclass(frozen=True)
class WebAccess:
    session_secret: str
    service_api_key: str
    demo_username: str
    demo_password: str | None  # None when the account exists but its password is not ours to show


def _private_file(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def _write_private(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")


def session_secret(settings: Settings) -> str:
    if settings.session_secret:
        return settings.session_secret
    path = settings.data_dir / "secrets" / "session_secret"
    secret = _private_file(path)
    if secret is None:
        secret = secrets.token_urlsafe(48)
        _write_private(path, secret)
    return secret


async def _key_is_valid(session: AsyncSession, key: str) -> bool:
    found = await session.scalar(sa.select(orm.ApiKey.id).where(orm.ApiKey.key_hash == api_keys.hash_key(key),
                                                                orm.ApiKey.revoked_at.is_(None)))
    return found is not None


# Only a fast SHA-256 of a key is stored, which is safe for long random keys only (see credit_core.service.auth).
MIN_SERVICE_KEY_LENGTH = 32


class UnusableServiceKey(RuntimeError):
    """SERVICE_API_KEY cannot be registered: revoked by an administrator, or too short to be stored as a bare hash."""


async def _free_key_name(session: AsyncSession) -> str:
    taken = set((await session.scalars(sa.select(orm.ApiKey.name))).all())
    name = WEB_KEY_NAME
    while name in taken:
        name = f"{WEB_KEY_NAME}-{secrets.token_hex(3)}"
    return name


async def _register_given_key(session: AsyncSession, key: str) -> bool:
    """Store the SHA-256 of a key chosen by the operator unless it is already there; True when added."""
    if await _key_is_valid(session, key):
        return False
    revoked = await session.scalar(sa.select(orm.ApiKey.id).where(orm.ApiKey.key_hash == api_keys.hash_key(key)))
    if revoked is not None:  # a revoked key must not come back to life by itself
        raise UnusableServiceKey("SERVICE_API_KEY was revoked: set a new key")
    if len(key) < MIN_SERVICE_KEY_LENGTH:
        raise UnusableServiceKey(f"SERVICE_API_KEY is shorter than {MIN_SERVICE_KEY_LENGTH} characters: use a long "
                                 "random key, e.g. python -c \"import secrets; print(secrets.token_urlsafe(32))\"")
    session.add(orm.ApiKey(name=await _free_key_name(session), key_hash=api_keys.hash_key(key)))
    await session.commit()
    return True


async def _register_service_key(settings: Settings, url: str) -> bool:
    engine = db.create_engine(url, pool_size=1)
    try:
        async with db.session_factory(engine)() as session:
            return await _register_given_key(session, settings.service_api_key)
    finally:
        await engine.dispose()


def register_service_key(settings: Settings, url: str) -> bool:
    """Register `settings.service_api_key` (from the environment) when set and unknown; True when added."""
    if not settings.service_api_key:
        return False
    return asyncio.run(_register_service_key(settings, url))


async def _demo_user_exists(session: AsyncSession) -> bool:
    # A plain query rather than credit_web.auth.user_exists: importing that module costs an argon2 hash (its
    # timing dummy), ~0.2 s of CPU that later runs of `credit run` need not pay.
    found = await session.scalar(sa.select(orm.AppUser.id).where(orm.AppUser.username == DEMO_USERNAME))
    return found is not None


async def _ensure(settings: Settings, url: str) -> tuple[str, str | None]:
    engine = db.create_engine(url, pool_size=1)
    try:
        async with db.session_factory(engine)() as session:
            key = settings.service_api_key
            if key:
                await _register_given_key(session, key)
            else:
                key_path = settings.data_dir / "secrets" / "service_api_key"
                key = _private_file(key_path) or ""
                if not key or not await _key_is_valid(session, key):
                    key = await api_keys.create_api_key(session, await _free_key_name(session))
                    _write_private(key_path, key)
            password_path = settings.data_dir / "secrets" / "demo_advisor_password"
            if not await _demo_user_exists(session):
                from credit_web import auth as users

                password = secrets.token_urlsafe(12)
                await users.create_user(session, DEMO_USERNAME, password, "advisor")
                _write_private(password_path, password)
                return key, password
            return key, _private_file(password_path)
    finally:
        await engine.dispose()


def ensure(settings: Settings, url: str) -> WebAccess:
    key, password = asyncio.run(_ensure(settings, url))
    return WebAccess(session_secret(settings), key, DEMO_USERNAME, password)
