"""Labels and display values of features, from the one feature catalogue (credit_core.features).

Features the catalogue does not describe (should not happen with a matching bundle) fall back to their name.
"""

from __future__ import annotations

import math
from typing import Any

from credit_core import features

LANGS = ("fr", "en")


def feature(name: str) -> Any | None:
    return getattr(features, "FEATURES_BY_NAME", {}).get(name)


def label(name: str, lang: str) -> str:
    spec = feature(name)
    return str(getattr(spec, f"label_{lang}", None) or name) if spec is not None else name


def labels(name: str) -> dict[str, str]:
    return {lang: label(name, lang) for lang in LANGS}


def is_actionable(name: str) -> bool:
    return bool(getattr(feature(name), "actionable", False))


def display(name: str, value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "non renseigné" if lang == "fr" else "not provided"
    spec = feature(name)
    if spec is not None:
        try:
            return str(features.format_value(spec, value, lang))
        except Exception:  # a formatter bug must not break an explanation
            pass
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ") if lang == "fr" else f"{value:,.2f}"
    return str(value)


def displays(name: str, value: Any) -> dict[str, str]:
    return {lang: display(name, value, lang) for lang in LANGS}


def describe(spec: Any) -> dict[str, Any]:
    """The public description of one catalogue entry."""
    return {
        "name": spec.name,
        "group": getattr(spec, "group", None),
        "kind": spec.kind,
        "label": {lang: getattr(spec, f"label_{lang}", spec.name) for lang in LANGS},
        "description": {lang: getattr(spec, f"description_{lang}", None) for lang in LANGS},
        "unit": getattr(spec, "unit", None),
        "actionable": bool(getattr(spec, "actionable", False)),
        "higher_is": getattr(spec, "higher_is", "") or None,
    }
