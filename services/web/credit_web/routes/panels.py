"""Dashboard fragments for one client: score, why, profile, comparison, similar clients, what-if, counterfactual.

Each route renders an HTML fragment that htmx swaps into its container of the dashboard. All numbers come from
the scoring and explain APIs; when one fragment needs several calls they run concurrently, and a backend that
is down or answers a problem turns into a notice inside the fragment (never a traceback).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from credit_core import features
from credit_web import reasons as reasons_text
from credit_web.deps import ClientParam, ExplainDep, LangDep, ScoringDep, SignedIn
from credit_web.i18n import features as i18n_features
from credit_web.rendering import render
from credit_web.routes import _charts, _whatif
from credit_web.routes._fetch import Failure, failed, gather

router = APIRouter(prefix="/fragments", default_response_class=HTMLResponse, dependencies=SignedIn)

FeatureParam = Annotated[str | None, Query(max_length=100)]
TOP_CHOICES = (5, 10, 15, 20)
GLOBAL_TOP = 15


def _no_client(request: Request) -> HTMLResponse:
    return render(request, "partials/_no_client.html", {})


def _notice(request: Request, failure: Failure, **context: Any) -> HTMLResponse:
    if failure.not_found and context.get("client") is not None and request.headers.get("hx-request") == "true" \
            and request.headers.get("hx-target", "").endswith("-panel"):
        # An unknown client: one message for the whole results region rather than one per panel (the first
        # panel to learn it replaces the region; the others' answers then have nowhere to go).
        return render(request, "partials/_unknown_client.html", {"client": context["client"]},
                      headers={"HX-Retarget": "#dashboard-results", "HX-Reswap": "innerHTML"})
    return render(request, "partials/_notice.html", {"failure": failure, **context})


@router.get("/score")
async def score(request: Request, scoring: ScoringDep, explain: ExplainDep, lang: LangDep,
                client: ClientParam = None) -> HTMLResponse:
    """Probability, decision against the threshold, bullet chart and a plain sentence; the main reason from
    explain when it answers (the score shows without it)."""
    if client is None:
        return _no_client(request)
    scored, explanation = await gather(
        # purpose=view: the audit keeps every score shown, marked as a view (not a decision).
        scoring.score(client, "view"),
        explain.explanation(client, top=3),
    )
    if failed(scored):
        return _notice(request, scored, client=client)
    gauge = _charts.build("score_gauge", scored["probability_default"], scored["threshold"], lang)
    reasons = [] if failed(explanation) else reasons_text.sentences(explanation, lang)
    return render(request, "partials/_score.html", {
        "client": client, "score": scored, "gauge": gauge, "main_reason": reasons[0] if reasons else None,
        "explain_failure": explanation if failed(explanation) else None,
    })


@router.get("/why")
async def why(request: Request, explain: ExplainDep, lang: LangDep, client: ClientParam = None,
              top: Annotated[int, Query(ge=1, le=30)] = 10) -> HTMLResponse:
    """Top reasons in plain language and the SHAP waterfall (top N adjustable); the global summary loads lazily."""
    if client is None:
        return _no_client(request)
    (explanation,) = await gather(explain.explanation(client, top=top))
    if failed(explanation):
        return _notice(request, explanation, client=client)
    return render(request, "partials/_why.html", {
        "client": client, "top": top, "top_choices": sorted({*TOP_CHOICES, top}),
        "explanation": explanation, "waterfall": _charts.build("waterfall", explanation, lang, top=top),
        "reasons": reasons_text.sentences(explanation, lang), "reasons_for": explanation.get("reasons_for"),
    })


@router.get("/importance")
async def importance(request: Request, explain: ExplainDep, lang: LangDep) -> HTMLResponse:
    """The model-wide summary: mean |SHAP| bars and the beeswarm."""
    (payload,) = await gather(explain.importance(top=GLOBAL_TOP, beeswarm_features=GLOBAL_TOP))
    if failed(payload):
        return _notice(request, payload)
    return render(request, "partials/_importance.html", {
        "importance_chart": _charts.build("importance", payload, lang, top=GLOBAL_TOP),
        "beeswarm_chart": _charts.build("beeswarm", payload, lang, top=GLOBAL_TOP),
        "meta": payload.get("meta", {}),
    })


@router.get("/profile")
async def profile(request: Request, explain: ExplainDep, client: ClientParam = None
                  ) -> HTMLResponse:
    if client is None:
        return _no_client(request)
    (payload,) = await gather(explain.profile(client))
    if failed(payload):
        return _notice(request, payload, client=client)
    return render(request, "partials/_profile.html", {"client": client, "profile": payload})


def _feature(name: str | None) -> Any | None:
    """The catalogue entry of a requested variable; None when absent or unknown (never sent to a backend)."""
    return features.FEATURES_BY_NAME.get(name) if name else None


@router.get("/compare")
async def compare(request: Request, explain: ExplainDep, lang: LangDep, client: ClientParam = None,
                  a: FeatureParam = None, b: FeatureParam = None) -> HTMLResponse:
    """The client against the population for variables a and b, and the pair view."""
    if client is None:
        return _no_client(request)
    chosen = [f for f in (_feature(a), _feature(b)) if f is not None]
    unknown = [name for name in (a, b) if name and _feature(name) is None]
    if len(chosen) == 2 and chosen[0].name == chosen[1].name:
        chosen = chosen[:1]
    calls = [explain.distribution(f.name, client) for f in chosen]
    if len(chosen) == 2:
        calls.append(explain.joint(chosen[0].name, chosen[1].name, client))
    results = await gather(*calls)
    variables = []
    for feature, payload in zip(chosen, results, strict=False):
        variables.append({
            "feature": feature, "payload": None if failed(payload) else payload,
            "failure": payload if failed(payload) else None,
            "chart": None if failed(payload) else _charts.build("distribution", payload, lang),
        })
    joint = results[2] if len(results) == 3 else None
    return render(request, "partials/_compare.html", {
        "client": client, "variables": variables, "unknown": unknown,
        "same_variable": bool(a and b and a == b),
        "joint_failure": joint if failed(joint) else None,
        "joint_chart": _charts.build("joint", joint, lang) if joint is not None and not failed(joint) else None,
        "pair": chosen if len(chosen) == 2 else None,
    })


@router.get("/similar")
async def similar(request: Request, explain: ExplainDep, lang: LangDep, client: ClientParam = None,
                  k: Annotated[int, Query(ge=5, le=50)] = 30) -> HTMLResponse:
    """The nearest labelled clients with their outcome, and their default rate against everyone's."""
    if client is None:
        return _no_client(request)
    (payload,) = await gather(explain.similar(client, k=k))
    if failed(payload):
        return _notice(request, payload, client=client)
    shown = list(payload.get("client", {}))
    columns = [{"name": n, "label": _label(n, lang)} for n in shown]
    rows = [{"client_id": nb["client_id"], "defaulted": nb["defaulted"], "distance": nb["distance"],
             "values": [_display(n, nb["features"].get(n), lang) for n in shown]}
            for nb in payload.get("neighbours", [])]
    this_client = [_display(n, payload["client"].get(n), lang) for n in shown]
    return render(request, "partials/_similar.html", {
        "client": client, "payload": payload, "columns": columns, "rows": rows, "this_client": this_client,
        "defaults": sum(1 for r in rows if r["defaulted"]),
    })


_label = i18n_features.feature_label
_display = i18n_features.display_value


@router.get("/whatif")
async def whatif_form(request: Request, explain: ExplainDep, lang: LangDep,
                      client: ClientParam = None) -> HTMLResponse:
    """The editable loan terms, prefilled with the client's application; results appear below on each change."""
    if client is None:
        return _no_client(request)
    payload, explanation = await gather(
        explain.profile(client),
        explain.explanation(client, top=1),
    )
    if failed(payload):
        return _notice(request, payload, client=client)
    # The current probability travels with the form only to say "from X to Y" next to each simulation.
    baseline = None if failed(explanation) else explanation["prediction"]["probability"]
    return render(request, "partials/_whatif.html", {
        "client": client, "fields": _whatif.form_fields(payload, lang), "errors": {}, "baseline": baseline,
    })


@router.post("/whatif")
async def whatif_recompute(request: Request, explain: ExplainDep, lang: LangDep) -> HTMLResponse:
    """New score and waterfall for the edited terms (explain POST /v1/explain with the client's changes)."""
    form = await request.form()
    parsed = _whatif.parse(form)
    if parsed.errors or parsed.client is None:
        # 422 (htmx swaps it too: see base.html's responseHandling) so the message shows where the result would.
        return render(request, "partials/_whatif_result.html", {"errors": parsed.errors, "client": parsed.client},
                      status_code=422)
    (payload,) = await gather(explain.what_if(parsed.client, parsed.changes, top=10))
    if failed(payload):
        return _notice(request, payload, client=parsed.client)
    decision = payload["decision"]
    return render(request, "partials/_whatif_result.html", {
        "client": parsed.client, "errors": {}, "result": payload, "decision": decision, "baseline": parsed.baseline,
        "changes": [{"name": n, "label": _label(n, lang), "value": _display(n, v, lang),
                     "amount": v if n in _whatif.AMOUNT_FIELDS else None,
                     "value_key": _whatif.CONTRACT_TYPES.get(str(v)) if n == _whatif.CONTRACT_FIELD else None}
                    for n, v in parsed.changes.items()],
        "gauge": _charts.build("score_gauge", decision["probability"], decision["threshold"], lang),
        "waterfall": _charts.build("waterfall", payload, lang, top=10),
    })


@router.get("/counterfactual")
async def counterfactual(request: Request, explain: ExplainDep, lang: LangDep,
                         client: ClientParam = None) -> HTMLResponse:
    """The cheapest change of the loan that would turn a refusal into a grant, as a sentence."""
    if client is None:
        return _no_client(request)
    (payload,) = await gather(explain.counterfactual(client))
    if failed(payload):
        return _notice(request, payload, client=client)
    return render(request, "partials/_counterfactual.html", {
        "client": client, "cf": payload,
        "changes": [{"name": n, "label": _label(n, lang), **change}
                    for n, change in (payload.get("changes") or {}).items()],
    })
