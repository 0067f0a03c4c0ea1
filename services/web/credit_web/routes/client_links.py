"""The advisor's "Client view" panel: create a link to the client's own page, see and revoke the links in force.

A link is shown once, when it is created (only its nonce's hash is stored); the panel then lists the client's
links still in force with who created them, when they expire and how often they were opened, each revocable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from credit_core import ids
from credit_web import client_links, i18n
from credit_web.deps import ClientParam, ExplainDep, LangDep, SignedIn, UserDep
from credit_web.rendering import render
from credit_web.routes._fetch import Failure, failed, gather

router = APIRouter(prefix="/fragments", default_response_class=HTMLResponse, dependencies=SignedIn)


@dataclass(frozen=True)
class Created:
    url: str
    expires_at: datetime


def link_url(request: Request, token: str, lang: str) -> str:
    """The absolute URL the client opens: WEB_PUBLIC_URL when set (behind a proxy), else this request's own."""
    base = request.app.state.settings.web_public_url or str(request.base_url)
    return f"{base.rstrip('/')}{client_links.PREFIX}{token}?lang={lang}"


async def _panel(request: Request, client: int, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    links = await client_links.active(request.app.state.pool, client, request.app.state.clock())
    return render(request, "partials/_client_links.html", {
        "client": client, "links": links, "link_days": client_links.LIFETIME.days, "created": None,
        "revoked": False, "failure": None, "link_lang": None, **context}, status_code=status_code)


async def _posted_client(request: Request) -> int | None:
    """The client id the panel's form posted (None when missing or malformed: the "choose a client" fragment)."""
    form = await request.form()  # Starlette keeps the parsed form: the route may read its other fields again
    return ids.client_id_or_none(str(form.get("client", "")).strip())


@router.get("/client-links")
async def links_panel(request: Request, client: ClientParam = None) -> HTMLResponse:
    if client is None:
        return render(request, "partials/_no_client.html", {})
    return await _panel(request, client)


@router.post("/client-links")
async def create_link(request: Request, user: UserDep, lang: LangDep, explain: ExplainDep) -> HTMLResponse:
    """Issue a link (valid 7 days) for a client that exists; the panel shows it once, with its expiry."""
    client = await _posted_client(request)
    if client is None:
        return render(request, "partials/_no_client.html", {})
    link_lang = i18n.normalise(str((await request.form()).get("link_lang", ""))) or lang
    # Only for a client explain knows (no score, so nothing is audited as seen before the client sees it).
    (profile,) = await gather(explain.profile(client))
    if failed(profile):
        failure: Failure = profile
        return await _panel(request, client, failure=failure, link_lang=link_lang,
                            status_code=404 if failure.not_found else 200)
    token, claims = request.app.state.link_signer.issue(client, request.app.state.clock())
    link = await client_links.create(request.app.state.pool, claims, issued_by=user.username, lang=link_lang)
    return await _panel(request, client, created=Created(link_url(request, token, link_lang), link.expires_at),
                        link_lang=link_lang)


@router.post("/client-links/{link_id}/revoke")
async def revoke_link(request: Request, user: UserDep, link_id: int) -> HTMLResponse:
    client = await _posted_client(request)
    if client is None:
        return render(request, "partials/_no_client.html", {})
    done = await client_links.revoke(request.app.state.pool, link_id, client, by=user.username,
                                     now=request.app.state.clock())
    return await _panel(request, client, revoked=done)
