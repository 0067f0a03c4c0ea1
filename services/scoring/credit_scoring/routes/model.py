"""The served model: version, threshold, metrics and features."""

from __future__ import annotations

from fastapi import APIRouter

from credit_core.service.problems import ProblemError
from credit_scoring.deps import HolderDep
from credit_scoring.routes._convert import problem_docs
from credit_scoring.schemas import ModelOut

router = APIRouter()


@router.get("/model", response_model=ModelOut, responses=problem_docs(401, 503))
async def active_model(holder: HolderDep) -> ModelOut:
    bundle, row = holder.bundle, holder.metadata
    if bundle is None or row is None:
        raise ProblemError(503, "model not loaded", "No active model version is loaded yet.")
    return ModelOut(version=str(bundle.version), threshold=float(bundle.threshold),
                    feature_set_version=row.feature_set_version, metrics=dict(row.metrics or {}),
                    features=list(bundle.feature_names), activated_at=row.activated_at)
