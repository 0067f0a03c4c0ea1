"""The served model: version, threshold, metrics and features; its evaluation report and model card."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as FastPath
from starlette.responses import HTMLResponse, Response

from credit_core.contracts.scoring import ModelOut, ModelReportOut, MonitoringOut
from credit_core.monitoring import challenger, populations
from credit_core.scoring.model_report import bundle_report
from credit_core.service.database import with_retry
from credit_core.service.problems import ProblemError
from credit_scoring.deps import HolderDep, PoolDep, ScorerDep, SettingsDep
from credit_scoring.routes._convert import json_response, problem_docs

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


TOP_FEATURES = 10


@router.get("/model/monitoring", response_model=MonitoringOut, responses=problem_docs(401, 503))
async def monitoring(request: Request, scorer: ScorerDep, pool: PoolDep, settings: SettingsDep,
                     days: Annotated[int, Query(ge=1, le=365, description="Challenger window (days).")] = 30,
                     ) -> Response:
    """The active model's latest drift report (summary) and its challenger's comparison on the same traffic:
    what the dashboard's model page shows."""
    shadow_scorer = request.app.state.challenger.bundle
    since = datetime.now(UTC) - timedelta(days=days)

    async def read(conn: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        reports = await populations.latest(conn, [scorer.version])
        comparison = None if shadow_scorer is None else await challenger.compare(
            conn, shadow_scorer.version, since, cost_false_negative=settings.cost_false_negative,
            cost_false_positive=settings.cost_false_positive)
        return reports, comparison

    reports, comparison = await with_retry(pool, read)
    return json_response({"model_version": scorer.version, "drift": _drift_summary(reports[0]) if reports else None,
                          "challenger": comparison})


def _drift_summary(report: dict[str, Any]) -> dict[str, Any]:
    summary = report["summary"]
    rows = summary.get("features", [])
    # The rows are sorted by score: every drifted feature first (the model page lists them all), then the next
    # most shifted ones up to TOP_FEATURES (those worth watching).
    shown = max(TOP_FEATURES, sum(1 for row in rows if row.get("drifted")))
    return {
        "report_id": report["id"], "created_at": report["created_at"], "source": report["source"],
        "window_start": report["window_start"], "window_end": report["window_end"],
        "n_current": report["n_current"], "n_reference": summary.get("n_reference"),
        "drifted_share": report["drifted_share"], "threshold": summary.get("threshold"),
        "method": summary.get("method"), "drifted_features": summary.get("drifted_features", []),
        "top_features": rows[:shown], "n_features": len(rows), "small_sample": summary.get("small_sample", False),
        "prediction": summary.get("prediction"), "performance": summary.get("performance"),
    }


@router.get("/model/drift/{report_id}", response_class=HTMLResponse, responses=problem_docs(401, 404))
async def drift_report(report_id: Annotated[int, FastPath(ge=1, le=2**63 - 1)], pool: PoolDep) -> HTMLResponse:
    """A stored drift report in full (Evidently's HTML), when its file is still where it was written."""
    path = await with_retry(pool, lambda conn: populations.report_html_path(conn, report_id))
    if path is None or not Path(path).is_file():
        raise ProblemError(404, "report not found", f"No drift report file for report {report_id}.")
    return HTMLResponse(await asyncio.to_thread(Path(path).read_text, encoding="utf-8"))
