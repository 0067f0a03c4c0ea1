"""An exception no handler maps still gets an answer without internals: an HTML error page for browsers, a
problem+json for API clients, 503 when the cause is the database (the shared catch-all with the web's page)."""

from __future__ import annotations

import secrets

import httpx

from credit_web.config import WebSettings
from credit_web.main import create_app

HTML = {"accept": "text/html"}


def client() -> httpx.AsyncClient:
    # The lifespan is not run (ASGITransport): these routes need neither the database nor the backends.
    app = create_app(WebSettings(session_secret=secrets.token_urlsafe(32), service_api_key="unused"))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/db-down")
    async def db_down() -> None:
        raise ConnectionRefusedError("connect failed")

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                             base_url="http://testserver")


async def test_unexpected_error_is_an_html_page_without_internals() -> None:
    async with client() as web:
        response = await web.get("/boom", headers=HTML)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert "<html" in response.text


async def test_unexpected_error_is_problem_json_for_api_clients() -> None:
    async with client() as web:
        response = await web.get("/boom", headers={"accept": "application/json"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text


async def test_database_failure_is_503() -> None:
    async with client() as web:
        response = await web.get("/db-down", headers=HTML)
    assert response.status_code == 503
    assert "connect failed" not in response.text
