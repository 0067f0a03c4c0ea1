"""The client's own view (`/c/{token}`): their data, the decision, its reasons and what would change it, and
downloads of their data (JSON, CSV). No sign-in: the signed link is the key (credit_web.client_links).

These routes carry no advisor control and nothing about any other client; they neither read nor set the
advisor's session cookie (main.py keeps the session middleware off /c/), answer in the link's language, and each
use is audited twice: a `client_link_use` row, and the score shown as a `view` in the decision audit (both with
the request id).
"""

from __future__ import annotations

from datetime import datetime

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from credit_core.service.observability import request_id
from credit_web import client_file, client_links
from credit_web.api_clients import ExplainClient, ScoringClient
from credit_web.client_file import ClientFile, FileUnavailable
from credit_web.formatting import long_date
from credit_web.rendering import PUBLIC_HEADERS, public_lang, render_public

router = APIRouter(prefix="/c", default_response_class=HTMLResponse)


async def _open(request: Request, token: str, kind: client_links.UseKind) -> tuple[client_links.Link, ClientFile]:
    """The link this token opens, its use recorded, and the client's file in the link's language. A refused link
    raises LinkRefused; a file that cannot be read, HTTPException(404, or 503 when a service is down): both are
    answered with the client's error page (errors.py), so every route below is only its happy path."""
    state = request.app.state
    now = state.clock()
    link = await client_links.check(state.pool, state.link_signer.read(token), now)
    await client_links.record_use(state.pool, link, kind, now, request_id(request.scope))
    backends = state.backends
    try:
        file = await client_file.fetch(ScoringClient(backends), ExplainClient(backends), link.client_id,
                                       public_lang(request))
    except FileUnavailable as exc:
        raise HTTPException(404 if exc.failure.not_found else 503) from exc
    return link, file


@router.get("/{token}")
async def client_view(request: Request, token: str) -> Response:
    link, file = await _open(request, token, "page")
    lang = file.lang
    return render_public(request, "pages/client_view.html", {
        "client": file.client_id, "valid_until": long_date(link.expires_at, lang), "profile": file.profile,
        "score": file.score, "decision": file.told.decision, "advisor": file.told.advisor,
        "reviewed_on": long_date(file.told.reviewed_at, lang) if file.told.reviewed_at else None,
        "overridden": file.told.overridden, "signer": file.told.signer, "reasons": file.reasons,
        "explain_failure": file.explain_failure, "cf": file.counterfactual, "changes": file.changes,
    })


def _now(request: Request) -> datetime:
    return client_links.at(request.app.state.clock())


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        **PUBLIC_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/{token}/data.json")
async def data_json(request: Request, token: str) -> Response:
    _, file = await _open(request, token, "json")
    body = orjson.dumps(client_file.as_json(file, _now(request)), option=orjson.OPT_INDENT_2)
    return _download(body, "application/json", f"pret-a-depenser-{file.client_id}.json")


@router.get("/{token}/data.csv")
async def data_csv(request: Request, token: str) -> Response:
    _, file = await _open(request, token, "csv")
    # A byte order mark: spreadsheet software then reads the accents as UTF-8.
    body = "\ufeff" + client_file.as_csv(file, _now(request))
    return _download(body.encode("utf-8"), "text/csv; charset=utf-8", f"pret-a-depenser-{file.client_id}.csv")
