"""Who is signed in: the signed cookie (Starlette's SessionMiddleware) carries a session id and the CSRF token;
the session store (credit_web.session_store) says whether that id is still a live session, and app_user whether
its user still has the password and role it signed in with. Checked on every request that needs a user, so
signing out, a password change, a role change or a deleted account take effect at the next click.
"""

from __future__ import annotations

import time

from fastapi import Request

from credit_web import auth
from credit_web.auth import User
from credit_web.security import rotate_csrf_token
from credit_web.session_store import SessionStore

SESSION_ID_KEY = "sid"
_UNSET = object()


def _store(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.session_store
    return store


def client_address(request: Request) -> str:
    """The peer's address (uvicorn takes it from X-Forwarded-For only when the proxy is trusted:
    FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client is not None else "unknown"


async def session_user(request: Request) -> User | None:
    """The signed-in user, or None; looked up once per request (then read from `request.state.user`)."""
    cached = getattr(request.state, "user", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    user = None
    session_id = request.session.get(SESSION_ID_KEY) if "session" in request.scope else None
    if isinstance(session_id, str) and session_id:
        user = await _live_user(request, session_id)
    request.state.user = user
    return user


async def _live_user(request: Request, session_id: str) -> User | None:
    store = _store(request)
    record = await store.get(session_id, time.time())
    if record is None:
        return None
    user = record.user
    if user is None:  # a store without the users table (Redis): one read of app_user
        user = await auth.load_user(request.app.state.pool, record.user_id)
    if user is None or user.stamp != record.stamp:  # deleted, or password/role changed since sign-in
        await store.delete(session_id)
        return None
    return user


async def sign_in(request: Request, user: User) -> None:
    """A new session for `user` (a fresh id: one set before sign-in is never reused) and a new CSRF token."""
    await sign_out(request)
    session_id = await _store(request).create(user.user_id, user.stamp, time.time())
    request.session[SESSION_ID_KEY] = session_id
    rotate_csrf_token(request.session)
    request.state.user = user


async def sign_out(request: Request) -> None:
    """End the session for every copy of the cookie, and forget the cookie's content."""
    session_id = request.session.get(SESSION_ID_KEY)
    if isinstance(session_id, str) and session_id:
        await _store(request).delete(session_id)
    request.session.clear()
    request.state.user = None
