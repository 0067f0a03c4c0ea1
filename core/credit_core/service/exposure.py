"""What a service exposes besides its API: Prometheus metrics and the API documentation.

- `METRICS_PORT` set: /metrics is served on its own port (0.0.0.0:METRICS_PORT, meant to stay inside the
  cluster: compose and k8s never publish it) and not on the main port. Unset (local runs): /metrics is a route
  of the main port.
- `API_DOCS=key` (production): /docs, /redoc and /openapi.json need the API key like /v1; `public` (default,
  local) leaves them open.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from wsgiref.simple_server import WSGIServer

from fastapi import FastAPI
from prometheus_client import start_wsgi_server

from credit_core.service.observability import Metrics, metrics_route

METRICS_HOST = "0.0.0.0"  # inside the container network; the port is not published
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")


class MetricsServer:
    """Prometheus text exposition of one app's registry on a port of its own (a thread of the process)."""

    def __init__(self, metrics: Metrics, port: int, host: str = METRICS_HOST) -> None:
        self.metrics, self.host, self.requested_port = metrics, host, port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (differs from the requested one when that was 0)."""
        assert self._server is not None, "not started"
        return int(self._server.server_port)

    def start(self) -> None:
        self._server, self._thread = start_wsgi_server(self.requested_port, self.host, self.metrics.registry)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None


def expose_metrics(app: FastAPI, metrics: Metrics, port: int | None) -> None:
    """/metrics on the main port (`port` None), or a MetricsServer on `port` for the app's lifetime
    (`app.state.metrics_server`)."""
    if port is None:
        app.add_api_route("/metrics", metrics_route(metrics), methods=["GET"], include_in_schema=False)
        return
    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        server = MetricsServer(metrics, port)
        server.start()
        app.state.metrics_server = server
        try:
            async with service_lifespan(application) as state:
                yield state
        finally:
            server.stop()

    app.router.lifespan_context = lifespan


def docs_need_key(api_docs: str) -> tuple[str, ...]:
    """The documentation paths the API key guards under the API_DOCS setting."""
    return DOCS_PATHS if api_docs == "key" else ()
