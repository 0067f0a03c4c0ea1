"""Browser-facing protections: security headers on every response, and CSRF tokens checked on every POST.

CSRF uses a per-session synchronizer token: htmx sends it in `X-CSRF-Token` (set once on <body> with
hx-headers), plain forms in a `csrf_token` field. A cross-site Origin is refused outright as well.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_SESSION_KEY = "csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Only our own scripts (no inline script, no eval: vega runs with its expression interpreter) and our own
# stylesheet: no inline <style> or style="" (templates use classes; htmx's indicator styles and vega-embed's
# injected styles are turned off, see base.html and app.js). What vega and htmx do to element.style while drawing
# and swapping goes through the CSSOM, which style-src does not restrict.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class CsrfError(Exception):
    """The POST carried no valid CSRF token (or came from another origin)."""


def csrf_token(session: dict[str, Any]) -> str:
    """The session's token, created on first use."""
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def rotate_csrf_token(session: dict[str, Any]) -> str:
    session.pop(CSRF_SESSION_KEY, None)
    return csrf_token(session)


def _same_origin(request: Request) -> bool:
    """No Origin (old browsers, non-browser clients) or one naming this host. Behind a proxy that rewrites Host,
    X-Forwarded-Host names us too (a cross-site page cannot set that header on a browser's request)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # "null" (sandboxed/opaque origin) is never ours
    origin_host = origin.split("://", 1)[-1].rstrip("/")
    ours = {request.headers.get("host", ""), request.headers.get("x-forwarded-host", "").split(",")[0].strip()}
    return origin_host in ours - {""}


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: unsafe methods need the session's token (header or form field)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_SESSION_KEY)
    supplied = request.headers.get(CSRF_HEADER)
    if not supplied and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached on the request: the endpoint reads the same parsed form
        field = form.get(CSRF_FIELD)
        supplied = field if isinstance(field, str) else None
    if not _same_origin(request) or not expected or not supplied:
        raise CsrfError()
    if not hmac.compare_digest(str(expected).encode(), supplied.encode()):
        raise CsrfError()


class SecurityHeadersMiddleware:
    """Adds the headers to every response, errors and static files included; pages are never cached."""

    def __init__(self, app: ASGIApp, *, tls: bool = False) -> None:
        self.app = app
        headers = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if tls:
            headers.append((b"strict-transport-security", b"max-age=31536000"))
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")
        # static_url() puts the content hash in `?v=`: such a URL never changes content, so browsers keep it
        # without revalidating (a new version is a new URL).
        versioned = static and scope.get("query_string", b"").startswith(b"v=")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                if not static and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))  # pages carry personal data
                elif versioned and b"cache-control" not in names and message.get("status") == 200:
                    extra.append((b"cache-control", b"public, max-age=31536000, immutable"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
