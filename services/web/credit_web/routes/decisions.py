"""Decision record: the model's audited decisions for a client and the advisor's final decisions.

The advisor follows the model or overrides it (a reason is then mandatory). The scoring service records it
(POST /v1/clients/{id}/advisor-decisions): it scores the client at that moment and stores the model decision
(audit row) and the advisor's decision in one transaction, so one is never stored without the other. The model
decision is never a value sent by the browser.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from credit_core import ids
from credit_core.orm import AdvisorDecision
from credit_core.service.problems import DATABASE_ERRORS
from credit_web.deps import BackendsDep, ClientParam, DbSessionDep, SignedIn, UserDep
from credit_web.i18n import N_
from credit_web.rendering import render
from credit_web.routes._fetch import Failure, failed, gather

router = APIRouter(prefix="/fragments", default_response_class=HTMLResponse, dependencies=SignedIn)
log = logging.getLogger("credit.web.decisions")

HISTORY_LIMIT = 20
MIN_REASON = 3
MAX_REASON = 2000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and line breaks are fine


async def _advisor_rows(session: AsyncSession, client: int) -> list[AdvisorDecision] | Failure:
    try:
        result = await session.execute(
            sa.select(AdvisorDecision).where(AdvisorDecision.client_id == client)
            .order_by(AdvisorDecision.created_at.desc(), AdvisorDecision.id.desc()).limit(HISTORY_LIMIT))
        return list(result.scalars())
    except DATABASE_ERRORS:
        log.warning("advisor decisions unavailable for client %s", client, exc_info=True)
        return Failure("database", None)


def _model_rows(payload: Any) -> list[dict[str, Any]]:
    """Scoring answers {"decisions": [...]} (newest first); tolerate a bare list."""
    rows = payload.get("decisions", []) if isinstance(payload, dict) else payload
    return [r for r in rows or [] if isinstance(r, dict)]


async def _panel(request: Request, backends: BackendsDep, session: AsyncSession, client: int, *,
                 form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                 recorded: dict[str, str] | None = None, record_failure: Failure | None = None,
                 status_code: int = 200) -> HTMLResponse:
    history, advisor = await gather(
        backends.scoring("GET", f"/v1/clients/{client}/decisions", params={"limit": HISTORY_LIMIT}),
        _advisor_rows(session, client),  # answers a Failure itself when the database is down
    )
    model_rows = [] if failed(history) else _model_rows(history)
    return render(request, "partials/_decisions.html", {
        "client": client,
        "model_rows": model_rows, "history_failure": history if failed(history) else None,
        "advisor_rows": [] if failed(advisor) else advisor, "advisor_failure": advisor if failed(advisor) else None,
        "latest": model_rows[0] if model_rows else None,
        "form": form or {"choice": "", "reason": ""}, "errors": errors or {},
        "recorded": recorded, "record_failure": record_failure,
    }, status_code=status_code)


@router.get("/decisions")
async def decisions(request: Request, backends: BackendsDep, session: DbSessionDep,
                    client: ClientParam = None) -> HTMLResponse:
    if client is None:
        return render(request, "partials/_no_client.html", {})
    return await _panel(request, backends, session, client)


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
async def record_decision(request: Request, backends: BackendsDep, session: DbSessionDep, user: UserDep
                          ) -> HTMLResponse:
    """Validate, have scoring store the model's current decision with the advisor's (one transaction), re-render."""
    posted = await request.form()
    client = ids.client_id_or_none(str(posted.get("client", "")).strip())
    if client is None:
        return render(request, "partials/_no_client.html", {})
    form = {"choice": str(posted.get("choice", "")).strip(), "reason": str(posted.get("reason", "")).strip()}
    errors = _validate(form)
    if errors:
        return await _panel(request, backends, session, client, form=form, errors=errors, status_code=422)
    (stored,) = await gather(backends.scoring("POST", f"/v1/clients/{client}/advisor-decisions", json={
        "choice": form["choice"], "reason": form["reason"] or None, "username": user.username}))
    if failed(stored):
        return await _panel(request, backends, session, client, form=form, record_failure=stored)
    log.info("advisor decision recorded for client %s (%s)", client, form["choice"])
    recorded = {"choice": form["choice"], "final_decision": str(stored["final_decision"]),
                "model_decision": str(stored["model_decision"])}
    return await _panel(request, backends, session, client, recorded=recorded)
