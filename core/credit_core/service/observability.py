"""Request ids, JSON access logs (no personal data: ids only) and Prometheus metrics."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable

import orjson
from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
access_log = logging.getLogger("credit.access")
_LATENCY_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """One registry per app, so several apps (tests) never collide on metric names."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "http_request_duration_seconds", "Request latency per route template.",
            ["method", "route", "status"], buckets=_LATENCY_BUCKETS, registry=self.registry,
        )
        self.errors = Counter("http_errors_total", "Responses with status >= 400.", ["route", "status"],
                              registry=self.registry)
        self.model = Gauge("model_active_info", "1 for the model version being served.", ["service", "version"],
                           registry=self.registry)
        self.service = service
        self._version: str | None = None

    def set_model_version(self, version: str | None) -> None:
        if version == self._version:
            return
        if self._version is not None:
            self.model.remove(self.service, self._version)
        if version is not None:
            self.model.labels(self.service, version).set(1)
        self._version = version

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope) -> str:
    """The matched route as a template (/v1/clients/{client_id}/score): bounded metric labels, no ids."""
    if scope.get("route") is None:
        return "unmatched"
    values = {str(v): k for k, v in scope.get("path_params", {}).items()}
    segments = []
    for segment in scope["path"].split("/"):
        head, colon, tail = segment.partition(":")
        segments.append("{" + values[head] + "}" + colon + tail if head in values else segment)
    return "/".join(segments)


def request_id(scope: Scope) -> str | None:
    rid: str | None = scope.get("state", {}).get("request_id")
    return rid


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        rid = incoming[:128] if incoming else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (REQUEST_ID_HEADER.encode(), rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            self.metrics.latency.labels(scope["method"], route, str(status)).observe(elapsed)
            if status >= 400:
                self.metrics.errors.labels(route, str(status)).inc()
            if access_log.isEnabledFor(logging.INFO):
                entry = {"request_id": rid, "method": scope["method"], "route": route, "status": status,
                         "ms": round(elapsed * 1000, 3)}
                client_id = scope.get("path_params", {}).get("client_id")
                if client_id is not None:
                    entry["client_id"] = client_id
                access_log.info(orjson.dumps(entry).decode())


def configure_access_log(level: int = logging.INFO) -> None:
    """Send the JSON access lines to stderr, one per request (for the uvicorn entry points)."""
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(level)
        access_log.propagate = False


def install_observability(app: FastAPI, metrics: Metrics) -> None:
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)


def metrics_endpoint(
    metrics: Metrics, before: Callable[[], None] | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """A route handler rendering `metrics` (call `before` first, e.g. to refresh the model gauge)."""

    async def handler(request: Request) -> Response:
        if before is not None:
            before()
        return metrics.render()

    return handler
