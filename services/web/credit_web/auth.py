"""Dashboard users: argon2 password hashes in app_user, creation and sign-in checks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import anyio
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from credit_core import orm

ROLES = ("advisor", "admin")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so that a wrong username costs as much time as a wrong password.

    Made on first use, not at import: hashing costs ~0.2 s of CPU at every web start and `credit user` command.
    """
    return _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class User:
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_user(username: str, password: str, role: str) -> None:
    """Raise ValueError with a readable reason when the new account would be invalid."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ValueError("username: 1-64 letters, digits, '.', '-' or '_'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: at least {MIN_PASSWORD_LENGTH} characters")


async def create_user(session: AsyncSession, username: str, password: str, role: str) -> User:
    """Store a new user (IntegrityError if the username exists)."""
    check_new_user(username, password, role)
    session.add(orm.AppUser(username=username, password_hash=hash_password(password), role=role))
    await session.commit()
    return User(username, role)


async def user_exists(session: AsyncSession, username: str) -> bool:
    found = await session.scalar(sa.select(orm.AppUser.id).where(orm.AppUser.username == username))
    return found is not None


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def authenticate(session: AsyncSession, username: str, password: str) -> User | None:
    """The user when the password matches, else None (same cost whether or not the username exists)."""
    row = await session.scalar(sa.select(orm.AppUser).where(orm.AppUser.username == username))
    stored = row.password_hash if row is not None else None
    # argon2 is deliberately slow (tens of ms): keep it (and the first dummy hash) off the event loop.
    if not await anyio.to_thread.run_sync(lambda: _verify(stored or _dummy_hash(), password)) or row is None:
        return None
    if stored is not None and _hasher.check_needs_rehash(stored):
        row.password_hash = hash_password(password)
        await session.commit()
    return User(row.username, row.role)
