"""The model page: how good the active model is, where its threshold sits, how fair it is, and its card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from credit_web.deps import BackendsDep, LangDep, SignedIn
from credit_web.rendering import render
from credit_web.routes import _charts
from credit_web.routes._fetch import failed, gather

router = APIRouter(default_response_class=HTMLResponse, dependencies=SignedIn)

METRICS = ("auc", "pr_auc", "brier", "log_loss", "ks", "calibration_error", "approval_rate",
           "business_cost_per_client", "n_evaluated")
FAIRNESS_GROUPS = ("CODE_GENDER", "age_band")


def _charts_of(report: dict[str, Any], lang: str) -> dict[str, Any]:
    names = ("roc_curve", "pr_curve", "cost_curve", "calibration", "confusion_matrix")
    return {name: _charts.build(name, report, lang) for name in names}


@router.get("/model")
async def model_page(request: Request, backends: BackendsDep, lang: LangDep) -> HTMLResponse:
    (payload,) = await gather(backends.scoring("GET", "/v1/model/report"))
    if failed(payload):
        return render(request, "pages/model.html", {"failure": payload})
    report = payload.get("report") or {}
    metrics = [(name, report[name]) for name in METRICS if isinstance(report.get(name), int | float)]
    fairness = report.get("fairness") or {}
    return render(request, "pages/model.html", {
        "failure": None, "version": payload.get("version"), "report": report, "metrics": metrics,
        "charts": _charts_of(report, lang),
        "fairness": [(group, fairness[group]) for group in FAIRNESS_GROUPS if fairness.get(group)],
    })
