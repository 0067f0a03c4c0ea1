"""RFC 9457 problem details (application/problem+json) for every error a service returns."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import asyncpg
import orjson
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("credit.service")

# Errors that mean "the database cannot be reached right now" (503), not "the code is wrong" (500).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.OperatorInterventionError,  # the server terminated the connection (admin, shutdown)
    asyncpg.InternalClientError,  # a connection the server killed mid-operation (see service.database)
    asyncpg.exceptions.QueryCanceledError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
)


class ProblemError(Exception):
    """Raise anywhere in a request to answer with this problem."""

    def __init__(
        self, status: int, title: str, detail: str | None = None, *, type_: str = "about:blank", **extra: Any
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.type_ = status, title, detail, type_
        self.extra = extra
        self.headers: dict[str, str] = {}


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def is_database_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, DATABASE_ERRORS)


def unexpected_error_response(exc: BaseException, path: str) -> Response:
    if is_database_error(exc):
        log.warning("database unavailable: %s", type(exc).__name__)
        return problem_response(503, "database unavailable", "The database cannot be reached; retry shortly.",
                                instance=path, headers={"Retry-After": "1"})
    log.exception("unhandled error", exc_info=exc)
    return problem_response(500, "internal error", "An unexpected error occurred.", instance=path)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(exc.status, exc.title, exc.detail, type_=exc.type_, instance=request.url.path,
                            headers=exc.headers or None, **exc.extra)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors()]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors[:5]))
    return problem_response(422, "invalid request", f"Invalid value(s): {fields}", instance=request.url.path,
                            errors=errors)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = {404: "not found", 405: "method not allowed"}.get(exc.status_code, "http error")
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(exc.status_code, title, detail, instance=request.url.path,
                            headers=dict(exc.headers) if exc.headers else None)


async def _on_database(request: Request, exc: Exception) -> Response:
    return unexpected_error_response(exc, request.url.path)


def _problem_for(exc: Exception, scope: Scope) -> Response:
    return unexpected_error_response(exc, scope.get("path", ""))


class CatchAllMiddleware:
    """Last line: any exception a handler did not map becomes a 500 (or 503) answer, never a traceback.

    `respond(exc, scope)` builds that answer: a problem+json by default; the web service renders a page.
    """

    def __init__(self, app: ASGIApp, respond: Callable[[Exception, Scope], Response] = _problem_for) -> None:
        self.app, self.respond = app, respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except ClientDisconnect:  # the caller left while its body was read (htmx cancels superseded requests)
            log.info("client disconnected before its request was read: %s", scope.get("path", ""))
        except Exception as exc:
            if started:
                raise
            await self.respond(exc, scope)(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(HTTPException, _on_http)
    for error in DATABASE_ERRORS:
        app.add_exception_handler(error, _on_database)
    app.add_exception_handler(sqlalchemy.exc.DBAPIError, _on_database)
    app.add_middleware(CatchAllMiddleware)
