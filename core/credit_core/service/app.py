"""The wiring every API service shares: errors, body limit, observability, API-key-protected and rate-limited
/v1, health, metrics."""

from __future__ import annotations

import gc
from collections.abc import Mapping

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from credit_core.service import guard, limits, observability, problems, ratelimit
from credit_core.settings import Settings


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
    `app.state.settings` when set); health and /metrics stay open. Bodies are limited to `max_body_bytes`, or to
    `body_limits[pattern]` on paths matching a pattern (regular expression)."""
    problems.install_problem_handlers(app)
    settings = getattr(app.state, "settings", None) or Settings()
    app.add_middleware(guard.ApiGateMiddleware,
                       limiter=ratelimit.from_settings(settings.rate_limit_per_second, settings.rate_limit_burst))
    app.add_middleware(limits.BodyLimitMiddleware, max_bytes=max_body_bytes, overrides=body_limits)
    observability.install_observability(app, metrics)

    for router, tag in v1_routers:  # flat under /v1: each nesting level costs route matching time per request
        app.include_router(router, prefix="/v1", tags=[tag])
    app.include_router(health_router, tags=["health"])

    def refresh_gauge() -> None:
        holder = getattr(app.state, "holder", None)
        metrics.set_model_version(str(holder.bundle.version) if holder and holder.bundle else None)

    app.add_api_route(
        "/metrics", observability.metrics_endpoint(metrics, refresh_gauge), methods=["GET"], include_in_schema=False
    )


def freeze_startup_heap() -> None:
    """Keep the objects alive at startup (libraries, the model: ~170k) out of the garbage collector's full
    passes. A full pass over them takes ~90 ms here, a stall every request in flight would wait for; after this
    it only walks what requests allocate. Call once the service is loaded, before it takes traffic."""
    gc.collect()
    gc.freeze()
