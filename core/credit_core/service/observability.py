"""Request ids, JSON access logs (no personal data: ids only) and Prometheus metrics, for the three services.

One middleware, outermost, does all three for every request:
- the request id: a client's X-Request-ID is kept only in a strict format (`REQUEST_ID`), otherwise one is
  generated; it is echoed in the response, logged, forwarded by the web service to the APIs and stored in the
  audit (which keys its rows by their own id: request ids may repeat);
- metrics labelled by the route *template* (or the fixed `unmatched`), never by the raw path, so the number of
  series is bounded by the routes; a request refused before routing (401, 429, 413) is counted under the route
  it was sent to;
- one JSON access line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any

import fastapi.routing
import orjson
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")  # a UUID (with or without dashes) fits; quotes and markup do not
UNMATCHED = "unmatched"
access_log = logging.getLogger("credit.access")
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
_LATENCY_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_MAX_LOGGED_ID = 20


def valid_request_id(value: str) -> bool:
    return REQUEST_ID.fullmatch(value) is not None


class _ModelInfo(Collector):
    """`model_active_info{service, version} 1` for the bundle served at scrape time (read through `version`)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.version: Callable[[], str | None] = lambda: None

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily("model_active_info", "1 for the model version being served.",
                                   labels=["service", "version"])
        version = self.version()
        if version is not None:
            family.add_metric([self.service, version], 1.0)
        yield family


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
        self._model = _ModelInfo(service)
        self.registry.register(self._model)
        self.service = service

    def report_model(self, version: Callable[[], str | None]) -> None:
        """Read the served model version from `version()` at every scrape."""
        self._model.version = version

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def render(self) -> Response:
        return Response(self.exposition(), media_type=CONTENT_TYPE_LATEST)


class RouteTemplates:
    """The template of the route a request is for (/v1/clients/{client_id}/score), else `unmatched`.

    Built once from the app's routes as FastAPI resolves them (included routers' prefixes applied): a routed
    request is one dictionary lookup; a request answered before routing (API key, rate or body limit) is matched
    against the routes here, without running anything."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        iterate = getattr(fastapi.routing, "iter_route_contexts", None)
        if iterate is None:  # FastAPI versions that flatten included routers: the routes carry full paths
            entries: list[tuple[Any, Any]] = [(route, route) for route in routes]
        else:
            entries = [(context.original_route, context) for context in iterate(routes)]
        self._by_route = {id(original): _template(effective) for original, effective in entries}
        self._candidates = [(effective, _template(effective)) for _, effective in entries]

    def __call__(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is not None:
            return self._by_route.get(id(route), UNMATCHED)
        for candidate, template in self._candidates:
            match, _ = candidate.matches(scope)
            if match is not Match.NONE:
                return template
        return UNMATCHED


def _template(route: Any) -> str:
    return str(getattr(route, "path_format", None) or getattr(route, "path", None) or UNMATCHED)


def route_template(scope: Scope) -> str:
    """The request's route template (see RouteTemplates), for the app in `scope["app"]`."""
    app = scope.get("app")
    router = getattr(app, "router", None)
    if router is None:
        return UNMATCHED
    templates = getattr(router, "_credit_route_templates", None)
    if templates is None:  # routes are all added before the first request
        templates = RouteTemplates(router.routes)
        router._credit_route_templates = templates
    return templates(scope)


def request_id(scope: Scope) -> str | None:
    value = scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def _request_id_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            incoming = value.decode("latin-1")
            return incoming if valid_request_id(incoming) else uuid.uuid4().hex
    return uuid.uuid4().hex


class ObservabilityMiddleware:
    """Request id, metrics and the access line; `response_headers` are added to every response."""

    def __init__(self, app: ASGIApp, metrics: Metrics, response_headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
        self.app, self.metrics = app, metrics
        self.response_headers = list(response_headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = _request_id_of(scope)  # read it with request_id(scope), never from the headers
        scope.setdefault("state", {})["request_id"] = rid
        token = current_request_id.set(rid)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, rid.encode()),
                                      *self.response_headers]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(token)
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
                    entry["client_id"] = str(client_id)[:_MAX_LOGGED_ID]
                access_log.info(orjson.dumps(entry).decode())


def configure_access_log(level: int = logging.INFO) -> None:
    """Send the JSON access lines to stderr, one per request (for the uvicorn entry points)."""
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(level)
        access_log.propagate = False


def metrics_route(metrics: Metrics) -> Callable[[Request], object]:
    """The /metrics handler on the main port (when no METRICS_PORT is set)."""

    async def handler(request: Request) -> Response:
        return metrics.render()

    return handler
