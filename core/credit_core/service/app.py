"""The wiring every API service shares: errors, the API-key gate, body limits, observability, health, metrics and
documentation exposure.

Middleware order, outermost first: observability (request id, metrics, access line) → the API-key gate and rate
limit → body limits → catch-all errors → routes. The gate comes before the body limit, so that a request without
a valid key is refused before a single byte of its body is read; only callers with a key reach the body limits.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from credit_core.service import exposure, guard, limits, observability, problems, ratelimit
from credit_core.settings import Settings

NOSNIFF = (b"x-content-type-options", b"nosniff")


def unique_id(route: APIRoute) -> str:
    """Clean OpenAPI operation ids: `<tag>-<function name>`."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def install(
    app: FastAPI,
    *,
    metrics: observability.Metrics,
    max_body_bytes: int,
    v1_routers: list[tuple[APIRouter, str]],
    health_router: APIRouter,
    body_limits: Mapping[str, int] | None = None,
) -> None:
    """Mount `v1_routers` (router, tag) under /v1 behind API keys and the per-key rate limit (guard.py, sized by
    `app.state.settings` when set); health stays open, /metrics and the docs as the settings say (exposure.py).
    Bodies are limited to `max_body_bytes`, or to `body_limits[pattern]` on paths matching a pattern (regular
    expression)."""
    settings = getattr(app.state, "settings", None) or Settings()
    problems.install_problem_handlers(app)
    app.add_middleware(limits.BodyLimitMiddleware, max_bytes=max_body_bytes, overrides=body_limits)
    app.add_middleware(guard.ApiGateMiddleware,
                       limiter=ratelimit.from_settings(settings.rate_limit_per_second, settings.rate_limit_burst),
                       protected_paths=exposure.docs_need_key(settings.api_docs))
    app.add_middleware(observability.ObservabilityMiddleware, metrics=metrics, response_headers=[NOSNIFF])

    for router, tag in v1_routers:  # flat under /v1: each nesting level costs route matching time per request
        app.include_router(router, prefix="/v1", tags=[tag])
    app.include_router(health_router, tags=["health"])

    def served_version() -> str | None:
        holder = getattr(app.state, "holder", None)
        bundle = holder.bundle if holder is not None else None
        return str(bundle.version) if bundle is not None else None

    metrics.report_model(served_version)
    exposure.expose_metrics(app, metrics, settings.metrics_port)


def freeze_startup_heap() -> None:
    """Keep the objects alive at startup (libraries, the model: ~170k) out of the garbage collector's full
    passes. A full pass over them takes ~90 ms here, a stall every request in flight would wait for; after this
    it only walks what requests allocate. Call once the service is loaded, before it takes traffic."""
    gc.collect()
    gc.freeze()
