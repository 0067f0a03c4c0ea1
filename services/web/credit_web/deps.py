"""FastAPI dependencies of the web service: backends, language, signed-in user and role, database session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from credit_web import i18n
from credit_web.auth import User
from credit_web.backends import Backends

SESSION_USER_KEY = "user"
LANG_COOKIE = "lang"

__all__ = ["AdminDep", "BackendsDep", "DbSessionDep", "LangDep", "User", "UserDep"]


class LoginRequired(Exception):
    """No signed-in user: browsers go to the login page (htmx requests through HX-Redirect)."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


def get_backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


def get_lang(request: Request) -> str:
    """`?lang=` query, else the `lang` cookie, else Accept-Language, else French."""
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                       request.headers.get("accept-language"))


def current_user(request: Request) -> User | None:
    """The signed-in user from the session, or None (pages that work either way, like the layout)."""
    if "session" not in request.scope:
        return None
    data = request.session.get(SESSION_USER_KEY)
    if not isinstance(data, dict):
        return None
    username, role = data.get("username"), data.get("role")
    if not isinstance(username, str) or role not in ("advisor", "admin"):
        return None
    return User(username, role)


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    return user


def require_admin(user: Annotated[User, Depends(require_user)]) -> User:
    if not user.is_admin:
        raise Forbidden()
    return user


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


BackendsDep = Annotated[Backends, Depends(get_backends)]
LangDep = Annotated[str, Depends(get_lang)]
UserDep = Annotated[User, Depends(require_user)]
AdminDep = Annotated[User, Depends(require_admin)]
DbSessionDep = Annotated[AsyncSession, Depends(get_db_session)]
