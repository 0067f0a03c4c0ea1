"""The dashboard page, its live client suggestions and the filtered variable pickers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from credit_web import catalogue
from credit_web.backends import BackendProblem, BackendUnavailable
from credit_web.deps import ExplainDep, LangDep, SignedIn
from credit_web.rendering import render, url_state

router = APIRouter(dependencies=SignedIn)
SUGGESTIONS = 8
# The PANELS fragments the dashboard loads concurrently once a client is chosen (container id → path).
PANELS = (
    ("score-panel", "/fragments/score"),
    ("why-panel", "/fragments/why"),
    ("profile-panel", "/fragments/profile"),
    ("compare-panel", "/fragments/compare"),
    ("similar-panel", "/fragments/similar"),
    ("whatif-panel", "/fragments/whatif"),
    ("decision-panel", "/fragments/decisions"),
)
ShortText = Annotated[str, Query(max_length=64)]


@router.get("/")
async def dashboard(request: Request, lang: LangDep, explain: ExplainDep,
                    client: ShortText = "", a: ShortText = "", b: ShortText = "") -> Response:
    entries = await catalogue.fetch(request.app, explain)
    a_name, b_name = catalogue.valid_pair(entries, a or None, b or None)
    state = url_state(request, lang)
    state = type(state)(state.client, a_name, b_name, lang)
    invalid_client = bool(client.strip()) and state.client is None
    groups = catalogue.grouped(entries or [], lang)  # both pickers list the same variables
    return render(request, "pages/dashboard.html", {
        "state": state,
        "client_text": client.strip(),
        "invalid_client": invalid_client,
        # The same variable in both pickers: the second is replaced, and the advisor is told which by what.
        "replaced_b": b_name if a and a == b and b_name != b else None,
        "catalogue_down": entries is None,
        "groups_a": groups,
        "groups_b": groups,
        "panels": PANELS,
    })


@router.get("/search/clients")
async def client_suggestions(request: Request, lang: LangDep, explain: ExplainDep,
                             client: ShortText = "", a: ShortText = "", b: ShortText = "") -> Response:
    """Live suggestions while typing an id: links that open the client with the chosen variables."""
    prefix = client.strip()
    context: dict[str, object] = {"prefix": prefix, "clients": [], "invalid": False, "unavailable": False,
                                  "state": type(url_state(request, lang))(None, a or None, b or None, lang)}
    if prefix and not (prefix.isascii() and prefix.isdigit()):
        context["invalid"] = True
    elif prefix:
        try:
            body = await explain.search_clients(prefix[:19], limit=SUGGESTIONS)
            context["clients"] = body.get("clients", [])
        except BackendUnavailable:
            context["unavailable"] = True
        except BackendProblem:
            context["invalid"] = True
    return render(request, "shell/_suggestions.html", context)


@router.get("/search/variables")
async def variable_picker(request: Request, lang: LangDep, explain: ExplainDep,
                          slot: Annotated[str, Query(pattern="^[ab]$")], q: ShortText = "",
                          a: ShortText = "", b: ShortText = "") -> Response:
    """One picker's <select>, narrowed to the variables whose label or name contains `q`."""
    entries = await catalogue.fetch(request.app, explain)
    selected = a if slot == "a" else b
    return render(request, "shell/_picker.html", {
        "slot": slot, "selected": selected, "query": q,
        "groups": catalogue.grouped(entries or [], lang, q, keep=selected or None),
        "catalogue_down": entries is None,
    })
