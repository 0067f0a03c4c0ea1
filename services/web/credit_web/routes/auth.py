"""Sign in and sign out. The session keeps only the username and role; the CSRF token is renewed at sign-in."""

from __future__ import annotations

import time
from typing import Annotated
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from credit_core import orm
from credit_web import auth
from credit_web.deps import SESSION_USER_KEY, AdminDep, DbSessionDep, LangDep, current_user
from credit_web.errors import safe_next
from credit_web.rendering import render
from credit_web.security import rotate_csrf_token

router = APIRouter()
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 300.0
MAX_TRACKED_USERNAMES = 10_000
_failures: dict[str, list[float]] = {}  # username → recent failure times (per process: a brake, not a vault)


def _recent_failures(username: str) -> list[float]:
    cutoff = time.monotonic() - FAILURE_WINDOW_SECONDS
    recent = [t for t in _failures.get(username, []) if t > cutoff]
    if recent:
        _failures[username] = recent
    else:
        _failures.pop(username, None)
    return recent


@router.get("/login")
async def login_page(request: Request, lang: LangDep, next: str = "/", bye: bool = False) -> Response:
    if current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "pages/login.html", {"next": safe_next(next), "bye": bye, "error_key": None,
                                                "username": ""})


@router.post("/login")
async def login(
    request: Request,
    session: DbSessionDep,
    lang: LangDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    target = safe_next(next)
    username = username.strip()
    if len(_recent_failures(username)) >= MAX_FAILURES:
        return render(request, "pages/login.html", {"next": target, "bye": False, "error_key": "login.throttled",
                                                    "username": username}, status_code=429,
                      headers={"Retry-After": str(int(FAILURE_WINDOW_SECONDS))})
    user = await auth.authenticate(session, username, password) if username and password else None
    if user is None:
        if len(_failures) > MAX_TRACKED_USERNAMES:  # random usernames must not grow memory without bound
            _failures.clear()
        _failures.setdefault(username, []).append(time.monotonic())
        return render(request, "pages/login.html", {"next": target, "bye": False, "error_key": "login.failed",
                                                    "username": username}, status_code=401)
    _failures.pop(username, None)
    request.session.clear()
    request.session[SESSION_USER_KEY] = {"username": user.username, "role": user.role}
    rotate_csrf_token(request.session)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request, lang: LangDep) -> Response:
    request.session.clear()
    return RedirectResponse(f"/login?bye=1&lang={quote(lang)}", status_code=303)


@router.get("/admin/users")
async def users_page(request: Request, admin: AdminDep, session: DbSessionDep, lang: LangDep) -> Response:
    """Admins see who can sign in (names, roles, creation dates; never the hashes)."""
    rows = (await session.execute(sa.select(orm.AppUser.username, orm.AppUser.role, orm.AppUser.created_at)
                                  .order_by(orm.AppUser.username))).all()
    return render(request, "shell/users.html", {"users": rows})
