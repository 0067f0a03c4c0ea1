"""Error answers of the web service: an HTML page for browsers (a small notice for htmx swaps), RFC 9457
problem+json for API clients; never a stack trace. Sign-in redirects live here too.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from credit_core.service.observability import request_id
from credit_core.service.problems import ProblemError, is_database_error, problem_response
from credit_web import i18n
from credit_web.backends import BackendProblem, BackendUnavailable
from credit_web.client_links import PREFIX as CLIENT_PREFIX
from credit_web.client_links import LinkRefused, LinkStatus, redact
from credit_web.deps import Forbidden, LoginRequired, get_lang
from credit_web.i18n import N_, words
from credit_web.security import CsrfError

log = logging.getLogger("credit.web")
_MESSAGE_KEYS = {
    400: N_("Invalid request."),
    403: N_("You do not have access to this page."),
    404: N_("This page does not exist."),
    405: N_("Action not allowed."),
    413: N_("The data sent is too large."),
    422: N_("Some values are invalid."),
    503: N_("A service is unavailable right now. Try again in a moment."),
}
_UNEXPECTED = N_("An unexpected error occurred. The technical team can trace it with the reference below.")
# What a client reads when their link does not open (no mention of signing in or of the dashboard).
_LINK_MESSAGES = {
    LinkStatus.INVALID: N_("This link is not valid. Check that it was copied in full, or ask your advisor for a new "
                           "one."),
    LinkStatus.EXPIRED: N_("This link has expired. Ask your advisor for a new one."),
    LinkStatus.REVOKED: N_("This link has been withdrawn. Ask your advisor for a new one."),
    LinkStatus.BUSY: N_("This link was opened many times in a short time. Try again in a minute."),
}
_LINK_TITLES = {LinkStatus.INVALID: "not found", LinkStatus.EXPIRED: "link expired",
                LinkStatus.REVOKED: "link revoked", LinkStatus.BUSY: "too many requests"}


def wants_html(request: Request) -> bool:
    if request.headers.get("hx-request") == "true":
        return True
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/xhtml" in accept


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no '//' or backslash tricks); else the dashboard."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def error_page(request: Request, status: int, *, message_key: str | None = None, title: str | None = None,
               headers: dict[str, str] | None = None) -> Response:
    """HTML for browsers, problem+json for the rest."""
    rid = request_id(request.scope) or ""
    public = is_client_page(request)
    if not wants_html(request):
        return problem_response(status, title or _default_title(status),
                                instance=redact(request.url.path) if public else request.url.path, headers=headers,
                                request_id=rid or None)
    from credit_web.rendering import render, render_public  # late: rendering imports deps, which must not import us

    key = message_key or _MESSAGE_KEYS.get(status, _UNEXPECTED)
    if public:  # a client's page: their own plain layout, in the link's language, nothing of the dashboard
        return render_public(request, "pages/client_error.html", {"status": status, "message_key": key},
                             status_code=status, headers=headers)
    return render(request, "pages/error.html", {"status": status, "message_key": key, "request_id": rid},
                  status_code=status, headers=headers)


def is_client_page(request: Request) -> bool:
    return request.url.path.startswith(CLIENT_PREFIX)


def _default_title(status: int) -> str:
    return {400: "bad request", 401: "unauthorized", 403: "forbidden", 404: "not found", 405: "method not allowed",
            413: "request body too large", 422: "invalid request", 503: "service unavailable"}.get(status,
                                                                                                  "internal error")


def login_redirect(request: Request) -> Response:
    if request.headers.get("hx-request") == "true":
        # htmx follows HX-Redirect with a full navigation; come back to the page the fragment belongs to.
        current = request.headers.get("hx-current-url", "")
        parts = urlsplit(current)
        back = safe_next(parts.path + (f"?{parts.query}" if parts.query else "")) if parts.path else "/"
        lang = i18n.normalise(parse_qs(parts.query).get("lang", [""])[0]) or get_lang(request)
        return Response(status_code=200, headers={"HX-Redirect": f"/login?next={quote(back, safe='')}&lang={lang}"})
    if not wants_html(request):
        return problem_response(401, "unauthorized", "Sign in first.", instance=request.url.path)
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    # The language chosen on the page asked for (?lang=, cookie, browser) carries over to the sign-in page.
    return RedirectResponse(f"/login?next={quote(safe_next(back), safe='')}&lang={get_lang(request)}",
                            status_code=303)


async def _on_login_required(request: Request, exc: Exception) -> Response:
    return login_redirect(request)


async def _on_forbidden(request: Request, exc: Exception) -> Response:
    return error_page(request, 403)


async def _on_csrf(request: Request, exc: Exception) -> Response:
    log.warning("csrf check failed on %s", request.url.path)
    return error_page(request, 403, message_key=N_("The page expired: reload it and try again."),
                      title="invalid CSRF token")


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_page(request, exc.status_code, headers=dict(exc.headers) if exc.headers else None)


async def _on_validation(request: Request, exc: Exception) -> Response:
    return error_page(request, 422)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return error_page(request, exc.status, title=exc.title, headers=exc.headers or None)


async def _on_link_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LinkRefused)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return error_page(request, exc.http_status, message_key=_LINK_MESSAGES[exc.status],
                      title=_LINK_TITLES[exc.status], headers=headers)


async def _on_backend_unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BackendUnavailable)
    log.warning("%s unavailable: %s", exc.service, exc.reason)
    return error_page(request, 503, message_key=words.BACKEND_DOWN.get(exc.service, words.BACKEND_DOWN["scoring"]))


async def _on_backend_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BackendProblem)
    status = exc.status if exc.status in _MESSAGE_KEYS else 400
    return error_page(request, status, title=str(exc.problem.get("title") or _default_title(status)))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _on_login_required)
    app.add_exception_handler(Forbidden, _on_forbidden)
    app.add_exception_handler(CsrfError, _on_csrf)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(BackendUnavailable, _on_backend_unavailable)
    app.add_exception_handler(BackendProblem, _on_backend_problem)
    app.add_exception_handler(LinkRefused, _on_link_refused)


def unexpected_error_page(exc: Exception, scope: Scope) -> Response:
    """What the shared CatchAllMiddleware answers for an unmapped exception: a 500 (503 for the database) page."""
    request = Request(scope)
    status = 503 if is_database_error(exc) else 500
    if status == 500:
        log.exception("unhandled error (request %s)", request_id(request.scope), exc_info=exc)
    else:
        log.warning("database unavailable: %s", type(exc).__name__)
    try:
        return error_page(request, status)
    except Exception:  # the error page itself failed: plain problem+json, still no traceback
        log.exception("error page failed")
        return problem_response(status, _default_title(status))
