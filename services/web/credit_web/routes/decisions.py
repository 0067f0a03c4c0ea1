"""Decision record: the model's audited decisions for a client and the advisor's final decisions.

The advisor follows the model or overrides it (a reason is then mandatory). The scoring service records it
(POST /v1/clients/{id}/advisor-decisions): it scores the client at that moment and stores the model decision
(audit row) and the advisor's decision in one transaction, so one is never stored without the other. The model
decision is never a value sent by the browser.
"""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from credit_core import ids
from credit_web.api_clients import Choice, ScoringClient
from credit_web.deps import ClientParam, ScoringDep, SignedIn, UserDep
from credit_web.i18n import N_
from credit_web.rendering import render
from credit_web.routes._fetch import Failure, failed, gather

router = APIRouter(prefix="/fragments", default_response_class=HTMLResponse, dependencies=SignedIn)
log = logging.getLogger("credit.web.decisions")

HISTORY_LIMIT = 20
MIN_REASON = 3
MAX_REASON = 2000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and line breaks are fine


async def _panel(request: Request, scoring: ScoringClient, client: int, *,
                 form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                 recorded: dict[str, str] | None = None, record_failure: Failure | None = None,
                 status_code: int = 200) -> HTMLResponse:
    """The form and the compact history: distinct model decisions (views of the same score folded into one
    entry with their count) and advisor decisions, newest first (scoring's /history)."""
    (history,) = await gather(
        scoring.history(client, limit=HISTORY_LIMIT))
    entries = [] if failed(history) else [e for e in history.get("entries") or [] if isinstance(e, dict)]
    return render(request, "partials/_decisions.html", {
        "client": client, "entries": entries, "history_failure": history if failed(history) else None,
        "latest": next((e for e in entries if e.get("kind") == "model"), None),
        "form": form or {"choice": "", "reason": ""}, "errors": errors or {},
        "recorded": recorded, "record_failure": record_failure,
    }, status_code=status_code)


@router.get("/decisions")
async def decisions(request: Request, scoring: ScoringDep,
                    client: ClientParam = None) -> HTMLResponse:
    if client is None:
        return render(request, "partials/_no_client.html", {})
    return await _panel(request, scoring, client)


def _validate(form: dict[str, str]) -> dict[str, str]:
    """Field name -> message key of each problem of the posted form."""
    errors: dict[str, str] = {}
    if form["choice"] not in ("follow", "override"):
        errors["choice"] = N_("Choose whether to follow the model.")
    reason = form["reason"]
    if form["choice"] == "override" and len(reason) < MIN_REASON:
        errors["reason"] = N_("Give the reason why you override the model.")
    if len(reason) > MAX_REASON:
        errors["reason"] = N_("The reason is too long (2,000 characters at most).")
    elif CONTROL_CHARACTERS.search(reason):
        errors["reason"] = N_("The reason contains control characters that are not allowed.")
    return errors


@router.post("/decisions")
async def record_decision(request: Request, scoring: ScoringDep, user: UserDep
                          ) -> HTMLResponse:
    """Validate, have scoring store the model's current decision with the advisor's (one transaction), re-render."""
    posted = await request.form()
    client = ids.client_id_or_none(str(posted.get("client", "")).strip())
    if client is None:
        return render(request, "partials/_no_client.html", {})
    form = {"choice": str(posted.get("choice", "")).strip(), "reason": str(posted.get("reason", "")).strip()}
    errors = _validate(form)
    if errors:
        return await _panel(request, scoring, client, form=form, errors=errors, status_code=422)
    choice: Choice = "override" if form["choice"] == "override" else "follow"  # _validate allowed only these
    (stored,) = await gather(scoring.record_advisor_decision(
        client, choice=choice, reason=form["reason"] or None, username=user.username,
        display_name=user.display_name))
    if failed(stored):
        return await _panel(request, scoring, client, form=form, record_failure=stored)
    log.info("advisor decision recorded for client %s (%s)", client, form["choice"])
    recorded = {"choice": form["choice"], "final_decision": str(stored["final_decision"]),
                "model_decision": str(stored["model_decision"])}
    return await _panel(request, scoring, client, recorded=recorded)
