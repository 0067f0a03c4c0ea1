"""The wiring every API service shares: errors, body limit, observability, API-key-protected /v1, health, metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute

from credit_core.service import auth, limits, observability, problems


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
) -> None:
    """Mount `v1_routers` (router, tag) under /v1 behind API keys; health and /metrics stay open."""
    problems.install_problem_handlers(app)
    app.add_middleware(limits.BodyLimitMiddleware, max_bytes=max_body_bytes)
    observability.install_observability(app, metrics)

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(auth.require_api_key)])
    for router, tag in v1_routers:
        v1.include_router(router, tags=[tag])
    app.include_router(v1)
    app.include_router(health_router, tags=["health"])

    def refresh_gauge() -> None:
        holder = getattr(app.state, "holder", None)
        metrics.set_model_version(str(holder.bundle.version) if holder and holder.bundle else None)

    app.add_api_route(
        "/metrics", observability.metrics_endpoint(metrics, refresh_gauge), methods=["GET"], include_in_schema=False
    )
