"""The printable explanation letter for a client: decision, main reasons, what could change it, in the reader's
language. The decision is the advisor's latest recorded final decision when there is one, else the model's."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from credit_core.orm import AdvisorDecision
from credit_core.service.problems import DATABASE_ERRORS
from credit_web.deps import BackendsDep, ClientParam, DbSessionDep, LangDep, SignedIn
from credit_web.rendering import render
from credit_web.routes._fetch import failed, gather

router = APIRouter(default_response_class=HTMLResponse, dependencies=SignedIn)
log = logging.getLogger("credit.web.letter")

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def long_date(day: datetime, lang: str) -> str:
    """27 novembre 2026 / 27 November 2026."""
    return f"{day.day} {MONTHS['en' if lang == 'en' else 'fr'][day.month - 1]} {day.year}"


async def _advisor_final(session: AsyncSession, client: int) -> str | None:
    """The advisor's latest final decision for this client (None if none, or the database is unreachable)."""
    try:
        result = await session.execute(
            sa.select(AdvisorDecision.final_decision).where(AdvisorDecision.client_id == client)
            .order_by(AdvisorDecision.created_at.desc(), AdvisorDecision.id.desc()).limit(1))
        return result.scalar_one_or_none()
    except DATABASE_ERRORS:
        log.warning("advisor decision unavailable for the letter of client %s", client, exc_info=True)
        return None


@router.get("/letter")
async def letter(request: Request, backends: BackendsDep, session: DbSessionDep, lang: LangDep,
                 client: ClientParam = None) -> HTMLResponse:
    if client is None:
        return render(request, "pages/letter.html", {"client": None})
    scored, explanation, counterfactual, advisor_final = await gather(
        backends.scoring("GET", f"/v1/clients/{client}/score"),
        backends.explain("GET", f"/v1/clients/{client}/explanation", params={"top": 5}),
        backends.explain("GET", f"/v1/clients/{client}/counterfactual"),
        _advisor_final(session, client),
    )
    context: dict[str, Any] = {"client": client, "today": long_date(datetime.now(UTC), lang)}
    if failed(scored):
        return render(request, "pages/letter.html", {**context, "failure": scored})
    changes = [] if failed(counterfactual) else [
        {"name": name, **change} for name, change in counterfactual.get("changes", {}).items()]
    return render(request, "pages/letter.html", {
        **context, "failure": None, "score": scored,
        "decision": advisor_final or scored["decision"], "overridden": bool(advisor_final)
        and advisor_final != scored["decision"],
        "reasons": [] if failed(explanation) else explanation.get("reasons", []),
        "explain_failure": explanation if failed(explanation) else None,
        "cf": None if failed(counterfactual) else counterfactual, "changes": changes,
    })
