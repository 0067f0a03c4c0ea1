"""The served model: version, threshold, metrics and features; its evaluation report and model card."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from credit_core.scoring.model_report import bundle_report
from credit_core.service.problems import ProblemError
from credit_scoring.deps import HolderDep, ScorerDep
from credit_scoring.routes._convert import json_response, problem_docs
from credit_scoring.schemas import ModelOut, ModelReportOut

router = APIRouter()


@router.get("/model", response_model=ModelOut, responses=problem_docs(401, 503))
async def active_model(holder: HolderDep) -> ModelOut:
    scorer, row = holder.bundle, holder.metadata
    if scorer is None or row is None:
        raise ProblemError(503, "model not loaded", "No active model version is loaded yet.")
    bundle = scorer.bundle
    return ModelOut(version=bundle.version, threshold=bundle.threshold,
                    feature_set_version=row.feature_set_version, metrics=dict(row.metrics or {}),
                    features=list(bundle.feature_names), activated_at=row.activated_at)


@router.get("/model/report", response_model=ModelReportOut, responses=problem_docs(401, 404, 503))
async def model_report(scorer: ScorerDep) -> Response:
    """The active model's full evaluation report (curves, calibration, confusion, fairness, threshold, metrics)
    and its model card in Markdown: what the dashboard's model page draws."""
    found = await bundle_report(scorer.bundle)
    if found is None:
        raise ProblemError(404, "report not found", f"Model {scorer.version} has no evaluation report.")
    # Plain JSON: the curves hold thousands of points, pydantic would only copy them.
    return json_response({"version": found.version, "report": found.report, "card_markdown": found.card_markdown})
