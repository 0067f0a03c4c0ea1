"""The printable letter to a client: the decision, the factors behind it, what could change it, their rights.

It states only what the system computed and recorded: the decision is the advisor's latest recorded one when
there is one (then named, with the date), else the assessment tool's, said to be automated; what could change
it is the counterfactual's result (a change found, none within our limits, or not checked); the signature is a
display name, never a login. Plain words for a consumer (GDPR art. 22: the right to a human review, to give
one's view and to contest).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from credit_web import reasons as reasons_text
from credit_web.deps import ClientParam, ExplainDep, LangDep, ScoringDep, SignedIn, UserDep
from credit_web.formatting import long_date
from credit_web.i18n.features import feature_label
from credit_web.outcome import outcome
from credit_web.rendering import render
from credit_web.routes._fetch import failed, gather

router = APIRouter(default_response_class=HTMLResponse, dependencies=SignedIn)


@router.get("/letter")
async def letter(request: Request, scoring: ScoringDep, explain: ExplainDep, user: UserDep, lang: LangDep,
                 client: ClientParam = None) -> HTMLResponse:
    if client is None:
        return render(request, "pages/letter.html", {"client": None})
    scored, explanation, counterfactual, history = await gather(
        scoring.score(client, "letter"),
        explain.explanation(client, top=4),
        explain.counterfactual(client),
        scoring.history(client, limit=20),
    )
    context: dict[str, Any] = {"client": client, "today": long_date(datetime.now(UTC), lang)}
    # Without the score or the review history the letter could not say who decided: it is not produced.
    if failed(scored) or failed(history):
        return render(request, "pages/letter.html", {**context, "failure": scored if failed(scored) else history})
    told = outcome(scored, history, user)
    changes = [] if failed(counterfactual) else [
        {"name": name, "label": feature_label(name, lang), **change}
        for name, change in (counterfactual.get("changes") or {}).items()]
    return render(request, "pages/letter.html", {
        **context, "failure": None, "score": scored, "decision": told.decision, "advisor": told.advisor,
        "reviewed_on": long_date(told.reviewed_at, lang) if told.reviewed_at else None,
        "overridden": told.overridden, "signer": told.signer,
        "reasons": [] if failed(explanation) else reasons_text.sentences(explanation, lang),
        "explain_failure": explanation if failed(explanation) else None,
        "cf": None if failed(counterfactual) else counterfactual, "changes": changes,
    })
