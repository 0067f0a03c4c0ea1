"""Links to a client's own view (`/c/{token}`): the signed token, and the issued links in PostgreSQL.

A token is `itsdangerous`' URL-safe signature (HMAC-SHA256, keyed by the web service's secret with a salt of
its own, so a session cookie can never pass for a link or the reverse) of {client id, issue time, random nonce}.
The signature proves the web service issued it; the `client_link` row, found by the sha256 of the nonce, says
whether it still counts: not revoked, not expired (7 days after issue, checked against both the row and the
token's own issue time). Only the nonce's hash is stored: a copy of the table gives no usable link.

Each use (the page, a download) is a `client_link_use` row, and a link used too often in a short time is
refused for a while: the web has no rate limit for anonymous routes, and every use costs a score and an
explanation.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import asyncpg
from itsdangerous import BadData, URLSafeSerializer

from credit_core import ids
from credit_core.service.database import connection, with_retry

LIFETIME = timedelta(days=7)
SALT = "credit-web.client-link"
MAX_TOKEN_CHARS = 400  # a real token is ~120 characters; longer is refused before any decoding
NONCE_BYTES = 16  # 128 random bits
# A link may be used this many times within the window (a page and two downloads, reloaded a few times).
USES_PER_WINDOW = 30
WINDOW = timedelta(minutes=1)
PREFIX = "/c/"  # the client's pages: outside the advisors' sign-in and session

UseKind = Literal["page", "json", "csv"]


class LinkStatus(enum.Enum):
    INVALID = "invalid"  # not a token we signed, or no such link: 404
    EXPIRED = "expired"  # 410
    REVOKED = "revoked"  # 410
    BUSY = "busy"  # used too often just now: 429


class LinkRefused(Exception):
    """The token does not open a client view (the error handler answers with a plain page)."""

    def __init__(self, status: LinkStatus, retry_after: int | None = None) -> None:
        super().__init__(status.value)
        self.status, self.retry_after = status, retry_after

    @property
    def http_status(self) -> int:
        return {LinkStatus.INVALID: 404, LinkStatus.EXPIRED: 410, LinkStatus.REVOKED: 410,
                LinkStatus.BUSY: 429}[self.status]


@dataclass(frozen=True)
class Claims:
    client_id: int
    issued_at: int  # seconds since the epoch
    nonce: str


@dataclass(frozen=True)
class Link:
    id: int
    client_id: int
    issued_by: str
    issued_at: datetime
    expires_at: datetime
    lang: str
    revoked_at: datetime | None
    revoked_by: str | None
    uses: int = 0
    last_used_at: datetime | None = None


class LinkSigner:
    """Signs and reads tokens; a token that was altered, truncated or signed with another key reads as None."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})

    def issue(self, client_id: int, now: float) -> tuple[str, Claims]:
        claims = Claims(client_id, int(now), secrets.token_urlsafe(NONCE_BYTES))
        token = self._serializer.dumps({"c": claims.client_id, "t": claims.issued_at, "n": claims.nonce})
        return str(token), claims

    def read(self, token: str) -> Claims | None:
        if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
            return None
        try:
            payload = self._serializer.loads(token)
        except (BadData, ValueError, UnicodeDecodeError):
            return None
        return _claims(payload)


def _claims(payload: Any) -> Claims | None:
    """Strict shape: a signed payload we did not write this way is not a link."""
    if not isinstance(payload, dict) or set(payload) != {"c", "t", "n"}:
        return None
    client, issued, nonce = payload["c"], payload["t"], payload["n"]
    if type(client) is not int or not ids.MIN_CLIENT_ID <= client <= ids.MAX_CLIENT_ID:
        return None
    if type(issued) is not int or issued < 0 or not isinstance(nonce, str) or not 16 <= len(nonce) <= 64:
        return None
    return Claims(client, issued, nonce)


def nonce_hash(nonce: str) -> bytes:
    return hashlib.sha256(nonce.encode()).digest()


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


_COLUMNS = "l.id, l.client_id, l.issued_by, l.issued_at, l.expires_at, l.lang, l.revoked_at, l.revoked_by"
_CREATE = f"""INSERT INTO client_link AS l (nonce_hash, client_id, issued_by, issued_at, expires_at, lang)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_COLUMNS}"""
_FIND = f"SELECT {_COLUMNS} FROM client_link l WHERE l.nonce_hash = $1"
# A use is recorded only while the link is under its allowance (a concurrent burst may pass it by a few).
_USE = """INSERT INTO client_link_use (link_id, used_at, kind, request_id)
SELECT $1, $2, $3, $4
WHERE (SELECT count(*) FROM client_link_use WHERE link_id = $1 AND used_at > $5) < $6
RETURNING id"""
_ACTIVE = f"""SELECT {_COLUMNS}, count(u.id) AS uses, max(u.used_at) AS last_used_at
FROM client_link l LEFT JOIN client_link_use u ON u.link_id = l.id
WHERE l.client_id = $1 AND l.revoked_at IS NULL AND l.expires_at > $2
GROUP BY l.id ORDER BY l.issued_at DESC, l.id DESC LIMIT $3"""
_REVOKE = """UPDATE client_link SET revoked_at = $3, revoked_by = $4
WHERE id = $1 AND client_id = $2 AND revoked_at IS NULL"""


def _link(row: asyncpg.Record) -> Link:
    return Link(row["id"], row["client_id"], row["issued_by"], row["issued_at"], row["expires_at"], row["lang"],
                row["revoked_at"], row["revoked_by"], row.get("uses") or 0, row.get("last_used_at"))


async def create(pool: asyncpg.Pool, claims: Claims, *, issued_by: str, lang: str) -> Link:
    issued = at(claims.issued_at)
    async with connection(pool) as conn:
        row = await conn.fetchrow(_CREATE, nonce_hash(claims.nonce), claims.client_id, issued_by, issued,
                                  issued + LIFETIME, lang)
    assert row is not None
    return _link(row)


async def check(pool: asyncpg.Pool, claims: Claims | None, now: float) -> Link:
    """The link these claims open (LinkRefused otherwise): known, for the same client, not revoked, not expired."""
    if claims is None:
        raise LinkRefused(LinkStatus.INVALID)
    key = nonce_hash(claims.nonce)
    row = await with_retry(pool, lambda conn: conn.fetchrow(_FIND, key))
    if row is None or row["client_id"] != claims.client_id:
        raise LinkRefused(LinkStatus.INVALID)
    link = _link(row)
    if link.revoked_at is not None:
        raise LinkRefused(LinkStatus.REVOKED)
    moment = at(now)
    if moment >= link.expires_at or moment >= at(claims.issued_at) + LIFETIME:
        raise LinkRefused(LinkStatus.EXPIRED)
    return link


async def record_use(pool: asyncpg.Pool, link: Link, kind: UseKind, now: float, request_id: str | None) -> None:
    """Audit one use of the link; LinkRefused(BUSY) when it was used too often within the window."""
    moment = at(now)
    async with connection(pool) as conn:
        stored = await conn.fetchval(_USE, link.id, moment, kind, request_id, moment - WINDOW, USES_PER_WINDOW)
    if stored is None:
        raise LinkRefused(LinkStatus.BUSY, retry_after=int(WINDOW.total_seconds()))


async def active(pool: asyncpg.Pool, client_id: int, now: float, limit: int = 20) -> list[Link]:
    """The client's links still valid, newest first, with their number of uses."""
    rows = await with_retry(pool, lambda conn: conn.fetch(_ACTIVE, client_id, at(now), limit))
    return [_link(r) for r in rows]


async def revoke(pool: asyncpg.Pool, link_id: int, client_id: int, *, by: str, now: float) -> bool:
    """Revoke one of the client's links; False when there was none to revoke (unknown, other client, done)."""
    async with connection(pool) as conn:
        status = await conn.execute(_REVOKE, link_id, client_id, at(now), by)
    return status.endswith(" 1")


# ---- keeping tokens out of logs -------------------------------------------------------------------------

_TOKEN_PATH = re.compile(r"^/c/[^/?#]+")


def redact(path: str) -> str:
    """'/c/eyJj…/data.csv?lang=fr' → '/c/{token}/data.csv?lang=fr' (the route template, as our metrics use)."""
    return _TOKEN_PATH.sub("/c/{token}", path)


class RedactTokensFilter(logging.Filter):
    """uvicorn's own access log writes the full path: a link's token would land in the logs. This filter
    rewrites it to the route template. Our JSON access log only ever writes route templates."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and args[2].startswith(PREFIX):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def redact_uvicorn_access_log() -> None:
    """Install the filter once on uvicorn's access logger (a no-op when uvicorn runs with --no-access-log)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokensFilter) for f in logger.filters):
        logger.addFilter(RedactTokensFilter())
