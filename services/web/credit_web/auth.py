"""Dashboard users: argon2 password hashes in app_user, creation, sign-in checks, password and role changes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import anyio
import asyncpg
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from credit_core import orm
from credit_core.service.database import with_retry

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
    user_id: int
    username: str
    role: str
    stamp: str = field(default="", repr=False)  # credentials_stamp at the time the row was read
    display_name: str | None = None  # the name letters are signed with; None: the user never set one

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def credentials_stamp(password_hash: str, role: str) -> str:
    """A fingerprint of what a session was granted on: any change of password or role changes it."""
    return hashlib.sha256(f"{role}\0{password_hash}".encode()).hexdigest()[:32]


def _user(row: orm.AppUser) -> User:
    return User(row.id, row.username, row.role, credentials_stamp(row.password_hash, row.role), row.display_name)


# What a session check reads of app_user (raw asyncpg: the check runs on every request).
USER_COLUMNS_SQL = "u.id AS user_id, u.username, u.role, u.password_hash, u.display_name"


def user_of(record: Mapping[str, Any] | asyncpg.Record) -> User:
    """A User from a record of USER_COLUMNS_SQL."""
    return User(record["user_id"], record["username"], record["role"],
                credentials_stamp(record["password_hash"], record["role"]), record.get("display_name"))


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
    row = orm.AppUser(username=username, password_hash=hash_password(password), role=role)
    session.add(row)
    await session.commit()
    return _user(row)


async def user_exists(session: AsyncSession, username: str) -> bool:
    found = await session.scalar(sa.select(orm.AppUser.id).where(orm.AppUser.username == username))
    return found is not None


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def authenticate(session: AsyncSession, username: str, password: str) -> User | None:
    """The user when the password matches, else None. Every call runs argon2 once, whether or not the username
    exists and whatever the password (empty included): the answer's cost says nothing about the account."""
    row = await session.scalar(sa.select(orm.AppUser).where(orm.AppUser.username == username))
    stored = row.password_hash if row is not None else None
    # argon2 is deliberately slow (tens of ms): keep it (and the first dummy hash) off the event loop.
    if not await anyio.to_thread.run_sync(lambda: _verify(stored or _dummy_hash(), password)) or row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = hash_password(password)
        await session.commit()
    return _user(row)


async def load_user(pool: asyncpg.Pool, user_id: int) -> User | None:
    """The user as stored now (None if deleted): one indexed read."""
    record = await with_retry(pool, lambda conn: conn.fetchrow(
        f"SELECT {USER_COLUMNS_SQL} FROM app_user u WHERE u.id = $1", user_id))
    return None if record is None else user_of(record)


async def _row_of(session: AsyncSession, username: str) -> orm.AppUser:
    row = await session.scalar(sa.select(orm.AppUser).where(orm.AppUser.username == username))
    if row is None:
        raise LookupError(f"no user named {username!r}")
    return row


async def set_password(session: AsyncSession, username: str, password: str) -> User:
    """Store a new password (LookupError for an unknown user, ValueError for a short password). The caller ends
    the user's sessions (the changed stamp already refuses them)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    row = await _row_of(session, username)
    row.password_hash = hash_password(password)
    await session.commit()
    return _user(row)


async def set_role(session: AsyncSession, username: str, role: str) -> User:
    """Change a user's role (LookupError, ValueError as set_password)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    row = await _row_of(session, username)
    row.role = role
    await session.commit()
    return _user(row)


def check_display_name(display_name: str) -> str:
    """A display name as stored: trimmed, 1-100 printable characters."""
    name = " ".join(display_name.split())
    if not name or len(name) > 100 or not name.isprintable():
        raise ValueError("display name: 1-100 printable characters")
    return name


async def set_display_name(session: AsyncSession, username: str, display_name: str | None) -> User:
    """Set (or clear, with None) the name a user signs letters with (LookupError if the user does not exist)."""
    name = None if display_name is None else check_display_name(display_name)
    row = await _row_of(session, username)
    row.display_name = name
    await session.commit()
    return _user(row)
