"""HTML rendering: one Jinja2 environment, the context every template gets, and locale-aware filters.

Every template sees `lang`, `_`/`pgettext`/`ngettext` (gettext in the reader's language), `words` (run-time words
marked for extraction), `feature_label(name)`, `category(feature, code)`, `feature_value(name, value)`,
`profile_value(field)`, `min_cell` (no rate under it), `user`, `csrf_token`, `csrf_input`, `state` (the dashboard's
URL state: client, a, b, lang), `state_url(path, **changes)`, `static_url(path)`, `gap(a, b)` and the filters
`percent`, `money`, `number`, `datetime`, `date` (credit_web.formatting, Babel's dates).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel import dates as babel_dates
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context
from markupsafe import Markup, escape

from credit_core import ids
from credit_core.service.observability import request_id
from credit_web import formatting, i18n
from credit_web.charts._base import MIN_CELL
from credit_web.deps import LANG_COOKIE, current_user, get_lang
from credit_web.i18n import features as i18n_features
from credit_web.i18n import words
from credit_web.security import CSRF_FIELD, csrf_token

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
MISSING = "—"
LANG_COOKIE_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class UrlState:
    """What the dashboard URL carries, so that a view can be bookmarked, shared and reloaded."""

    client: str | None
    a: str | None
    b: str | None
    lang: str

    def query(self, **changes: Any) -> str:
        state = replace(self, **changes) if changes else self
        pairs = [(k, v) for k in ("client", "a", "b", "lang") if (v := getattr(state, k))]
        return urlencode(pairs)


def url_state(request: Request, lang: str) -> UrlState:
    params = request.query_params
    client = ids.client_id_or_none(params.get("client", "").strip())
    return UrlState(None if client is None else str(client), params.get("a") or None, params.get("b") or None,
                    lang)


# ---- filters (lang-aware through the template context) -------------------------------------------------


def format_number(x: Any, lang: str, decimals: int = 0) -> str:
    """1234567.8 → '1 234 568' (fr, narrow no-break spaces) / '1,234,568' (en)."""
    return formatting.number(x, lang, decimals)


def format_percent(x: Any, lang: str, decimals: int = 1) -> str:
    """0.123 → '12,3 %' (fr) / '12.3%' (en)."""
    return formatting.percent(x, lang, decimals)


def format_money(x: Any, lang: str, decimals: int = 0) -> str:
    """202500 → '202 500 €' (fr) / '€202,500' (en)."""
    return formatting.money(x, lang, decimals)


def _lang_of(ctx: Any) -> str:
    lang = ctx.get("lang")
    return lang if lang in i18n.LANGS else i18n.DEFAULT_LANG


@pass_context
def _percent(ctx: Any, x: Any, decimals: int = 1) -> str:
    return format_percent(x, _lang_of(ctx), decimals)


@pass_context
def _money(ctx: Any, x: Any, decimals: int = 0) -> str:
    return format_money(x, _lang_of(ctx), decimals)


@pass_context
def _number(ctx: Any, x: Any, decimals: int = 0) -> str:
    return format_number(x, _lang_of(ctx), decimals)


def format_when(value: Any, lang: str) -> str:
    """A UTC timestamp (datetime or ISO text) in the reader's short date-and-time form, still in UTC."""
    if value is None or value == "":
        return MISSING
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return str(babel_dates.format_datetime(moment, "short", tzinfo=UTC, locale=lang))


@pass_context
def _datetime(ctx: Any, x: Any) -> str:
    return format_when(x, _lang_of(ctx))


def format_day(value: Any, lang: str) -> str:
    """The UTC day of a timestamp (datetime or ISO text) in the reader's medium date form ('5 déc. 2026')."""
    if value is None or value == "":
        return MISSING
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return str(babel_dates.format_date(moment.date(), "medium", locale=lang))


@pass_context
def _date(ctx: Any, x: Any) -> str:
    return format_day(x, _lang_of(ctx))


@pass_context
def _state_url(ctx: Any, path: str = "/", **changes: Any) -> str:
    state: UrlState = ctx["state"]
    query = state.query(**changes)
    return f"{path}?{query}" if query else path


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """/static/<path>?v=<content hash>: browsers may cache it, a new version changes the URL."""
    file = STATIC_DIR / path
    try:
        version = hashlib.sha256(file.read_bytes()).hexdigest()[:10]
    except OSError:
        return f"/static/{path}"
    return f"/static/{path}?v={version}"


def unique_id(prefix: str) -> str:
    """An element id unique in the page even when fragments rendered by separate requests share it."""
    return f"{prefix}-{secrets.token_hex(5)}"


@pass_context
def _gettext(ctx: Any, message: str) -> str:
    return str(i18n.translations(_lang_of(ctx)).gettext(message))


@pass_context
def _ngettext(ctx: Any, singular: str, plural: str, n: int) -> str:
    return str(i18n.translations(_lang_of(ctx)).ngettext(singular, plural, n))


@pass_context
def _pgettext(ctx: Any, context: str, message: str) -> str:
    return str(i18n.translations(_lang_of(ctx)).pgettext(context, message))


@pass_context
def _npgettext(ctx: Any, context: str, singular: str, plural: str, n: int) -> str:
    return str(i18n.translations(_lang_of(ctx)).npgettext(context, singular, plural, n))


@pass_context
def _feature_label(ctx: Any, name: str) -> str:
    return i18n_features.feature_label(name, _lang_of(ctx))


@pass_context
def _feature_value(ctx: Any, name: str, value: Any) -> str:
    return i18n_features.display_value(name, value, _lang_of(ctx))


@pass_context
def _profile_value(ctx: Any, field: Any) -> str:
    return i18n_features.profile_value(field, _lang_of(ctx))


@pass_context
def _category(ctx: Any, feature: str, code: Any) -> str:
    return i18n_features.category(feature, code, _lang_of(ctx))


def _build_templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, extensions=["jinja2.ext.i18n"])
    templates = Jinja2Templates(env=env)
    # The reader's language is in each template's context (`lang`): the gettext callables read it there, so one
    # environment serves every language. "newstyle": `_("%(n)s clients", n=3)`, variables escaped.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True, pgettext=_pgettext,  # type: ignore[attr-defined]
                                  npgettext=_npgettext)
    env.globals.update(words=words, feature_label=_feature_label, category=_category, feature_value=_feature_value,
                       profile_value=_profile_value,
                       lang_name=lambda code: Locale.parse(code).get_display_name(code) or code)
    env.filters.update(percent=_percent, money=_money, number=_number, datetime=_datetime, date=_date)
    env.globals.update(gap=formatting.rounded_percent_points, state_url=_state_url, static_url=static_url,
                       unique_id=unique_id, langs=i18n.LANGS, min_cell=MIN_CELL)
    env.trim_blocks, env.lstrip_blocks = True, True
    return templates


templates = _build_templates()


def base_context(request: Request, lang: str | None = None) -> dict[str, Any]:
    """The context every template gets (also used by the error pages)."""
    lang = lang or get_lang(request)
    has_session = "session" in request.scope
    token = csrf_token(request.session) if has_session else ""
    return {
        "request": request,
        "lang": lang,
        "user": current_user(request),
        "csrf_token": token,
        "csrf_input": Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'),
        "state": url_state(request, lang),
        "request_id": request_id(request.scope) or "",
        "is_htmx": request.headers.get("hx-request") == "true",
    }


def render(
    request: Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render `template_name` with the base context plus `context` (which wins on conflicts)."""
    full = base_context(request)
    if context:
        full.update(context)
    response = templates.TemplateResponse(request, template_name, full, status_code=status_code, headers=headers)
    chosen = i18n.normalise(request.query_params.get("lang"))
    if chosen and chosen != request.cookies.get(LANG_COOKIE):  # remember an explicit choice
        secure = bool(getattr(request.app.state, "tls", False))
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_COOKIE_SECONDS, samesite="lax", secure=secure,
                            httponly=True)
    return response


# The client's own pages (/c/…) are fetched by someone who is not signed in, possibly in the advisor's browser:
# they carry no session, no CSRF token and no user, set no cookie, and send no Referer with their link in it.
PUBLIC_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


def public_lang(request: Request) -> str:
    """The client's pages: `?lang=` (the link carries it), else French; no cookie, no browser guess."""
    return i18n.normalise(request.query_params.get("lang")) or i18n.DEFAULT_LANG


def render_public(request: Request, template_name: str, context: dict[str, Any], *, status_code: int = 200,
                  headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a client-facing page: nothing of the session (it is not even loaded on these paths)."""
    lang = public_lang(request)
    full: dict[str, Any] = {
        "request": request, "lang": lang, "user": None, "csrf_token": "", "csrf_input": Markup(""),
        "state": UrlState(None, None, None, lang), "request_id": request_id(request.scope) or "",
        "is_htmx": False, "public": True,
    }
    full.update(context)
    return templates.TemplateResponse(request, template_name, full, status_code=status_code,
                                      headers={**PUBLIC_HEADERS, **(headers or {})})
