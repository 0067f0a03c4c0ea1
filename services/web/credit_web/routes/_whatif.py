"""The what-if form: which loan terms an advisor may edit, their current values, and parsing what comes back.

Only the loan itself is editable (the catalogue's actionable raw fields plus the contract type): these are the
raw application fields explain's POST /v1/explain accepts as `changes` for a known client.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from credit_core import ids
from credit_web.i18n import N_
from credit_web.i18n.features import feature_label

AMOUNT_FIELDS = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")
CONTRACT_FIELD = "NAME_CONTRACT_TYPE"
CONTRACT_TYPES = {"Cash loans": N_("Cash loan"), "Revolving loans": N_("Revolving loan")}
MAX_AMOUNT = 1e9  # loose: rejects nonsense (typos with extra zeros), not large loans


@dataclass
class Parsed:
    client: int | None
    baseline: float | None = None  # the client's current probability (display only: "from X to Y")
    changes: dict[str, float | str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message key


def _profile_values(profile: dict[str, Any]) -> dict[str, Any]:
    return {f["name"]: f.get("value") for f in profile.get("fields", []) if isinstance(f, dict) and "name" in f}


def form_fields(profile: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The inputs to render, prefilled from the client's profile (a missing value leaves the input empty)."""
    values = _profile_values(profile)
    out: list[dict[str, Any]] = []
    for name in AMOUNT_FIELDS:
        value = values.get(name)
        out.append({"name": name, "kind": "amount", "label": feature_label(name, lang),
                    "value": _plain_number(value)})
    current = values.get(CONTRACT_FIELD)
    # An unusual current value (e.g. "XNA") shows as an empty "unchanged" choice rather than being sent back.
    out.append({"name": CONTRACT_FIELD, "kind": "choice", "label": feature_label(CONTRACT_FIELD, lang),
                "value": current if current in CONTRACT_TYPES else "", "choices": CONTRACT_TYPES})
    return out


def _plain_number(value: Any) -> str:
    """A value for <input type=number>: no grouping, no trailing .0."""
    if value is None:
        return ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(x):
        return ""
    return str(int(x)) if x.is_integer() else f"{x:.2f}"


def parse_amount(text: str) -> float | None:
    """'450000', '450 000', '450000.5' or '450000,5' → float; None when it is not a number."""
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").strip()
    if "," in cleaned:
        cleaned = cleaned.replace(",", "") if "." in cleaned else cleaned.replace(",", ".")
    try:
        x = float(cleaned)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def parse(form: Mapping[str, Any]) -> Parsed:
    """Validate the posted form; empty amounts mean "unchanged" and are not sent."""
    client_text = str(form.get("client", "")).strip()
    client = ids.client_id_or_none(client_text)
    baseline = parse_amount(str(form.get("baseline", "")))
    parsed = Parsed(client, baseline if baseline is not None and 0 <= baseline <= 1 else None)
    if client is None:
        parsed.errors["client"] = N_("Missing or invalid client.")
    for name in AMOUNT_FIELDS:
        text = str(form.get(name, "")).strip()
        if not text:
            continue
        value = parse_amount(text)
        if value is None:
            parsed.errors[name] = N_("Enter an amount in figures.")
        elif not 0 < value <= MAX_AMOUNT:
            parsed.errors[name] = N_("The amount must be positive and below one billion.")
        else:
            parsed.changes[name] = value
    contract = str(form.get(CONTRACT_FIELD, "")).strip()
    if contract:
        if contract in CONTRACT_TYPES:
            parsed.changes[CONTRACT_FIELD] = contract
        else:
            parsed.errors[CONTRACT_FIELD] = N_("Unknown contract type.")
    return parsed
