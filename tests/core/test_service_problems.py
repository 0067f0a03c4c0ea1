from __future__ import annotations

import logging
from typing import Any

import httpx
from fastapi import FastAPI, Request
from pydantic import BaseModel
from starlette.types import Message

from credit_core.service.limits import BodyLimitMiddleware
from credit_core.service.problems import MEDIA_TYPE, ProblemError, install_problem_handlers


class Body(BaseModel):
    AMT_CREDIT: float


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=1_000)

    @app.get("/teapot")
    async def teapot() -> None:
        raise ProblemError(418, "teapot", "short and stout", type_="https://example.test/teapot", spout=1)

    @app.post("/body")
    async def body(payload: Body) -> dict[str, float]:
        return {"AMT_CREDIT": payload.AMT_CREDIT}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/db")
    async def database_down() -> None:
        raise ConnectionRefusedError("connect failed")

    return app


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app()), base_url="http://test")


async def test_problem_error_is_rendered_as_problem_json() -> None:
    async with client() as c:
        r = await c.get("/teapot")
    assert r.status_code == 418
    assert r.headers["content-type"] == MEDIA_TYPE
    assert r.json() == {"type": "https://example.test/teapot", "title": "teapot", "status": 418,
                        "detail": "short and stout", "instance": "/teapot", "spout": 1}


async def test_validation_error_names_the_field() -> None:
    async with client() as c:
        r = await c.post("/body", json={"AMT_CREDIT": "lots"})
    assert r.status_code == 422
    assert r.headers["content-type"] == MEDIA_TYPE
    assert r.json()["errors"][0]["field"] == "body.AMT_CREDIT"


async def test_not_found_and_method_not_allowed() -> None:
    async with client() as c:
        missing = await c.get("/nowhere")
        wrong_method = await c.delete("/teapot")
    assert (missing.status_code, missing.headers["content-type"]) == (404, MEDIA_TYPE)
    assert (wrong_method.status_code, wrong_method.headers["content-type"]) == (405, MEDIA_TYPE)


async def test_unexpected_error_is_a_generic_500_without_internals() -> None:
    async with client() as c:
        r = await c.get("/boom")
    assert r.status_code == 500
    assert r.headers["content-type"] == MEDIA_TYPE
    assert "secret" not in r.text and "Traceback" not in r.text


async def test_connection_error_is_503() -> None:
    async with client() as c:
        r = await c.get("/db")
    assert r.status_code == 503
    assert r.json()["title"] == "database unavailable"


async def test_body_too_large_is_413_by_length_and_when_streamed() -> None:
    big = b'{"AMT_CREDIT": 1' + b" " * 2_000 + b"}"

    async def stream():  # type: ignore[no-untyped-def]
        for i in range(0, len(big), 100):
            yield big[i:i + 100]

    async with client() as c:
        declared = await c.post("/body", content=big, headers={"content-type": "application/json"})
        streamed = await c.post("/body", content=stream(), headers={"content-type": "application/json"})
        small_streamed = await c.post("/body", content=_chunks(b'{"AMT_CREDIT": 2}'),
                                      headers={"content-type": "application/json"})
    assert declared.status_code == 413 and declared.headers["content-type"] == MEDIA_TYPE
    assert streamed.status_code == 413
    assert small_streamed.status_code == 200 and small_streamed.json() == {"AMT_CREDIT": 2.0}


async def _chunks(data: bytes):  # type: ignore[no-untyped-def]
    yield data[:5]
    yield data[5:]


async def test_a_caller_that_leaves_mid_body_is_no_server_error(caplog: Any) -> None:
    """htmx cancels a superseded what-if POST: reading its body raises ClientDisconnect, which is not a 500 and
    logs no traceback (nothing can be sent to a caller that has gone)."""
    app = make_app()

    @app.post("/form")
    async def form(request: Request) -> dict[str, int]:
        return {"fields": len(await request.form())}

    sent: list[Message] = []
    messages: list[Message] = [{"type": "http.request", "body": b"a=1", "more_body": True}]

    async def receive() -> Message:  # part of the body, then the caller is gone
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/form", "raw_path": b"/form", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded"), (b"host", b"test")],
             "client": ("127.0.0.1", 1), "server": ("test", 80)}
    with caplog.at_level(logging.INFO, logger="credit.service"):
        await app(scope, receive, send)
    assert not any(m["type"] == "http.response.start" and m["status"] >= 500 for m in sent)
    assert "client disconnected" in caplog.text and "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
