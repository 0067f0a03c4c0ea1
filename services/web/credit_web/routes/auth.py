"""Sign in and sign out, and the admins' user list. The session lives in the session store (credit_web.sessions);
failed sign-ins are throttled per (client address, username) and per address (credit_web.throttle)."""

from __future__ import annotations

import time
from typing import Annotated
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from credit_core import orm
from credit_web import auth, sessions
from credit_web.deps import DbSessionDep, LangDep, SignedInAdmin
from credit_web.errors import safe_next
from credit_web.i18n import N_
from credit_web.rendering import render
from credit_web.throttle import LoginThrottle, retry_after

router = APIRouter()
THROTTLED = N_("Too many attempts: wait a few minutes before trying again.")
WRONG = N_("Wrong username or password.")
admin_router = APIRouter(dependencies=SignedInAdmin)


@router.get("/login")
async def login_page(request: Request, lang: LangDep, next: str = "/", bye: bool = False) -> Response:
    if await sessions.session_user(request) is not None:
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
    throttle: LoginThrottle = request.app.state.throttle
    address = sessions.client_address(request)
    wait = await throttle.reserve(address, username, time.time())
    if wait > 0:
        return render(request, "pages/login.html", {"next": target, "bye": False, "error_key": THROTTLED,
                                                    "username": username}, status_code=429,
                      headers={"Retry-After": retry_after(wait)})
    user = await auth.authenticate(session, username, password)
    if user is None:
        return render(request, "pages/login.html", {"next": target, "bye": False, "error_key": WRONG,
                                                    "username": username}, status_code=401)
    await throttle.succeeded(address, username)
    await sessions.sign_in(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request, lang: LangDep) -> Response:
    await sessions.sign_out(request)
    return RedirectResponse(f"/login?bye=1&lang={quote(lang)}", status_code=303)


@admin_router.get("/admin/users")
async def users_page(request: Request, session: DbSessionDep, lang: LangDep) -> Response:
    """Admins see who can sign in (names, roles, creation dates; never the hashes)."""
    rows = (await session.execute(sa.select(orm.AppUser.username, orm.AppUser.role, orm.AppUser.created_at)
                                  .order_by(orm.AppUser.username))).all()
    return render(request, "shell/users.html", {"users": rows})
