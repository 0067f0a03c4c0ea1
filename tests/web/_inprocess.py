"""A web app run in-process against the stack's database and services, with its backends swapped by the test
(unreachable, failing or rewriting answers), and an advisor signed in to it."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import Request

from credit_web.config import WebSettings
from credit_web.deps import get_backends
from credit_web.main import create_app
from tests.web._panels import HX, no_traceback
from tests.web._stack import Stack

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@asynccontextmanager
async def signed_in_web(stack: Stack, backends: Callable[[Any], Any] | None = None,
                        **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """`backends(real)` wraps the app's backends (None keeps them); `settings` override the web's settings."""
    options: dict[str, Any] = {"scoring_url": stack.scoring_url, "explain_url": stack.explain_url, **settings}
    app = create_app(WebSettings(database_url=stack.database_url, service_api_key=stack.api_key,
                                 session_secret=secrets.token_urlsafe(32), **options))
    if backends is not None:
        def wrapped(request: Request) -> Any:
            return backends(request.app.state.backends)

        app.dependency_overrides[get_backends] = wrapped
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                       base_url="http://testserver", timeout=30) as client:
        token = CSRF.search((await client.get("/login")).text).group(1)  # type: ignore[union-attr]
        signed = await client.post("/login", data={"username": stack.advisor.username,
                                                    "password": stack.advisor.password, "csrf_token": token})
        assert signed.status_code == 303
        yield client


async def get_ok(web: httpx.AsyncClient, path: str, **params: object) -> str:
    """An htmx GET in English that must answer 200 without a traceback; its HTML."""
    response = await web.get(path, params={**params, "lang": "en"}, headers=HX)
    assert response.status_code == 200, response.text
    assert no_traceback(response.text)
    return response.text
