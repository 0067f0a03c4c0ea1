"""The model page: how good the active model is, where its threshold sits, how fair it is, and its card."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from credit_web.deps import LangDep, ScoringDep, SignedIn
from credit_web.rendering import render
from credit_web.routes import _charts, _monitoring
from credit_web.routes._fetch import failed, gather

router = APIRouter(default_response_class=HTMLResponse, dependencies=SignedIn)

METRICS = ("auc", "pr_auc", "brier", "log_loss", "ks", "calibration_error", "approval_rate",
           "business_cost_per_client", "n_evaluated")
FAIRNESS_GROUPS = ("CODE_GENDER", "age_band")


def _charts_of(report: dict[str, Any], lang: str) -> dict[str, Any]:
    names = ("roc_curve", "pr_curve", "cost_curve", "calibration", "confusion_matrix")
    return {name: _charts.build(name, report, lang) for name in names}


@router.get("/model")
async def model_page(request: Request, scoring: ScoringDep, lang: LangDep) -> HTMLResponse:
    payload, monitoring = await gather(scoring.model_report(), scoring.monitoring())
    if failed(payload):
        return render(request, "pages/model.html", {"failure": payload})
    report = payload.get("report") or {}
    metrics = [(name, report[name]) for name in METRICS if isinstance(report.get(name), int | float)]
    fairness = report.get("fairness") or {}
    return render(request, "pages/model.html", {
        "failure": None, "version": payload.get("version"), "report": report, "metrics": metrics,
        "charts": _charts_of(report, lang),
        "fairness": [(group, fairness[group]) for group in FAIRNESS_GROUPS if fairness.get(group)],
        **_monitoring.sections(monitoring, lang),
    })


@router.get("/model/drift/{report_id}")
async def drift_report(report_id: Annotated[int, Path(ge=1, le=2**63 - 1)], scoring: ScoringDep) -> Response:
    """The full drift report (Evidently's HTML, with its own scripts) as a download: opened from the advisor's
    disk, never rendered inside the dashboard's origin and its content security policy."""
    (document,) = await gather(scoring.drift_report(report_id))
    if failed(document):
        return Response(status_code=404 if document.not_found else 503)
    return Response(document, media_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="drift-report-{report_id}.html"'})
