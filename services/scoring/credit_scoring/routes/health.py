"""Open endpoints: liveness, readiness (database + model) and Prometheus metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from pydantic import BaseModel

from credit_core.service.database import with_retry
from credit_core.service.problems import ProblemError
from credit_scoring.routes._convert import problem_docs

router = APIRouter()


class Health(BaseModel):
    status: str
    model_version: str | None = None


class Ready(Health):
    # What scores the served model: "compiled" (the tree evaluator), "compiling" (CatBoost until it is ready) or
    # "catboost" for good, with the reason (e.g. CTR splits): that path costs ~0.5 ms of CPU a client.
    evaluator: str | None = None
    evaluator_fallback: str | None = None


@router.get("/healthz", response_model=Health)
async def healthz(request: Request) -> Health:
    """The process is alive (no dependency checked); the model version served, if one is loaded (as /readyz)."""
    bundle = request.app.state.holder.bundle
    return Health(status="ok", model_version=None if bundle is None else str(bundle.version))


@router.get("/readyz", response_model=Ready, responses=problem_docs(503))
async def readyz(request: Request) -> Ready:
    """200 only when the database answers and a model is loaded."""
    holder = request.app.state.holder
    try:
        async with asyncio.timeout(2.0):
            await with_retry(request.app.state.pool, lambda conn: conn.fetchval("SELECT 1"))
    except Exception as exc:
        raise ProblemError(503, "not ready", "The database is unreachable.") from exc
    if holder.bundle is None:
        raise ProblemError(503, "not ready", "No model is loaded.")
    scorer = holder.bundle
    return Ready(status="ready", model_version=scorer.version, evaluator=scorer.evaluator,
                 evaluator_fallback=scorer.evaluator_fallback)
