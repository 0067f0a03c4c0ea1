"""FastAPI dependencies of the web service: backends, language, signed-in user and role, database session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from credit_core.ids import ClientIdParam
from credit_web import i18n
from credit_web.api_clients import ExplainClient, ScoringClient
from credit_web.auth import User
from credit_web.backends import Backends
from credit_web.sessions import session_user

LANG_COOKIE = "lang"

__all__ = ["AdminDep", "BackendsDep", "ClientParam", "DbSessionDep", "ExplainDep", "LangDep", "ScoringDep", "SignedIn",
           "SignedInAdmin", "User", "UserDep"]


class LoginRequired(Exception):
    """No signed-in user: browsers go to the login page (htmx requests through HX-Redirect)."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


def get_backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


def get_scoring(backends: Annotated[Backends, Depends(get_backends)]) -> ScoringClient:
    """The typed scoring client over the app's backends (a per-request wrapper: tests may override get_backends)."""
    return ScoringClient(backends)


def get_explain(backends: Annotated[Backends, Depends(get_backends)]) -> ExplainClient:
    return ExplainClient(backends)


def get_lang(request: Request) -> str:
    """`?lang=` query, else the `lang` cookie, else Accept-Language, else French."""
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                       request.headers.get("accept-language"))


def current_user(request: Request) -> User | None:
    """The user the request's guard found (None before it ran, or when nobody is signed in): for templates."""
    user = getattr(request.state, "user", None)
    return user if isinstance(user, User) else None


async def require_user(request: Request) -> User:
    """The login guard (a router dependency): a live session, else the sign-in page."""
    user = await session_user(request)
    if user is None:
        raise LoginRequired()
    return user


async def require_admin(user: Annotated[User, Depends(require_user)]) -> User:
    if not user.is_admin:
        raise Forbidden()
    return user


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


BackendsDep = Annotated[Backends, Depends(get_backends)]
ScoringDep = Annotated[ScoringClient, Depends(get_scoring)]
ExplainDep = Annotated[ExplainClient, Depends(get_explain)]
LangDep = Annotated[str, Depends(get_lang)]
UserDep = Annotated[User, Depends(require_user)]
AdminDep = Annotated[User, Depends(require_admin)]
# The `?client=` of pages and fragments (absent: no client chosen yet).
ClientParam = Annotated[ClientIdParam | None, Query()]
# Router guards: `APIRouter(dependencies=SignedIn)`.
SignedIn = [Depends(require_user)]
SignedInAdmin = [Depends(require_admin)]
DbSessionDep = Annotated[AsyncSession, Depends(get_db_session)]
