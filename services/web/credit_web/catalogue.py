"""The feature catalogue as the dashboard's variable pickers see it: fetched from explain, cached, grouped."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from credit_web.api_clients import ExplainClient
from credit_web.backends import BackendProblem, BackendUnavailable
from credit_web.i18n.features import feature_label

CACHE_SECONDS = 300.0  # the catalogue changes only with a new feature set (a redeploy)
GROUP_ORDER = ("application", "bureau", "previous", "installments", "pos", "card")
DEFAULT_PAIR = ("EXT_SOURCE_MEAN", "CREDIT_TO_INCOME")


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    group: str
    kind: str


@dataclass(frozen=True)
class Group:
    name: str
    variables: list[Variable]


async def fetch(app: FastAPI, explain: ExplainClient) -> list[dict[str, Any]] | None:
    """The catalogue entries (explain GET /v1/features), or None while explain cannot give them."""
    cache: dict[str, Any] = app.state.catalogue_cache
    now = time.monotonic()
    if cache.get("features") is not None and cache.get("until", 0.0) > now:
        features: list[dict[str, Any]] = cache["features"]
        return features
    try:
        body = await explain.features()
    except (BackendUnavailable, BackendProblem):
        return cache.get("features")  # a stale catalogue beats none
    entries: list[dict[str, Any]] = body["features"]  # a list of objects: the contract was checked
    cache.update(features=entries, until=now + CACHE_SECONDS)
    return entries


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for filtering ('Âge' matches 'age')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def variables(entries: list[dict[str, Any]], lang: str) -> list[Variable]:
    found = []
    for entry in entries:
        group = str(entry.get("group") or "")
        found.append(Variable(str(entry["name"]), feature_label(str(entry["name"]), lang),
                              group if group in GROUP_ORDER else "other", str(entry.get("kind") or "numeric")))
    return found


def grouped(entries: list[dict[str, Any]], lang: str, query: str = "", keep: str | None = None) -> list[Group]:
    """Variables grouped in GROUP_ORDER, sorted by label; `query` filters on label or name (`keep` always stays)."""
    wanted = _fold(query.strip())
    by_group: dict[str, list[Variable]] = {}
    for variable in variables(entries, lang):
        if wanted and variable.name != keep and wanted not in _fold(variable.label) and wanted not in _fold(
                variable.name):
            continue
        by_group.setdefault(variable.group, []).append(variable)
    order = {name: i for i, name in enumerate(GROUP_ORDER)}
    return [Group(name, sorted(items, key=lambda v: _fold(v.label)))
            for name, items in sorted(by_group.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]


def valid_pair(entries: list[dict[str, Any]] | None, a: str | None, b: str | None) -> tuple[str | None, str | None]:
    """Keep known names; fill missing ones with the default pair (distinct from each other)."""
    names = {str(e["name"]) for e in entries or []}
    if not names:
        return a, b
    a = a if a in names else None
    b = b if b in names and b != a else None
    for default in DEFAULT_PAIR:
        if a is None and default in names and default != b:
            a = default
        elif b is None and default in names and default != a:
            b = default
    return a, b
