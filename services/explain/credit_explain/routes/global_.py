"""Model-wide views: importance (mean |SHAP| over the reference sample) and beeswarm points."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from credit_core.contracts.explain import ImportanceOut
from credit_explain.deps import ContextDep

router = APIRouter()


@router.get("/importance", responses={200: {"model": ImportanceOut}})
async def importance(
    ctx: ContextDep, top: Annotated[int, Query(ge=1, le=1000)] = 30,
    beeswarm_features: Annotated[int, Query(ge=0, le=50)] = 15,
) -> dict[str, Any]:
    return {
        "meta": {"model_version": ctx.version, "method": "tree_shap", "output": "log_odds",
                 "sample_size": len(ctx.reference)},
        "importance": ctx.importance[:top],
        "beeswarm": ctx.beeswarm[:beeswarm_features],
    }
