"""Liveness / readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter()


@router.get("/healthz")
async def health(request: Request) -> dict[str, Any]:
    """Liveness (open): the same path as the scoring service, so `credit run` and compose probe both alike."""
    holder = request.app.state.holder
    state = getattr(request.app.state, "explain", None)
    ctx = state.context if state is not None else None
    return {
        "status": "ok" if holder.bundle is not None else "starting",
        "model_version": getattr(holder.bundle, "version", None),
        "explain_ready": ctx is not None and ctx.bundle is holder.bundle,
        "similar_indexed": len(ctx.similar) if ctx is not None and ctx.similar is not None else 0,
    }
