"""Feature names, category values and feature values as the reader's language says them.

The one feature catalogue (`credit_core.features`) holds each label and description in English, the source
language; category codes read through `credit_core.features.categories`. Both are extracted into the web's
gettext catalogues (see `credit_web.i18n.catalog`), so French, or any added language, comes from the `.po`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import time
from typing import Any

from babel.dates import format_time

from credit_core import features
from credit_core.features import categories
from credit_web import formatting
from credit_web.i18n import translate, translate_plural


def feature_label(name: str, lang: str) -> str:
    spec = features.FEATURES_BY_NAME.get(name)
    return translate(lang, spec.label) if spec is not None else name


def feature_description(name: str, lang: str) -> str:
    spec = features.FEATURES_BY_NAME.get(name)
    return translate(lang, spec.description) if spec is not None and spec.description else ""


def category(feature: str, code: Any, lang: str) -> str:
    """A category code ("Widow", "M", "XNA") in words ("veuf / veuve", "homme", "non renseigné")."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return translate(lang, categories.SHARED["XNA"])
    return translate(lang, categories.word(feature, str(code)))


def display_value(name: str, value: Any, lang: str) -> str:
    """A feature value as an advisor reads it ("52 ans", "veuf / veuve", "non renseigné")."""
    spec = features.FEATURES_BY_NAME.get(name)
    if spec is None:
        return "—" if value is None else str(value)
    if spec.is_categorical:
        return category(name, value, lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return translate(lang, categories.SHARED["XNA"])
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return _numeric(spec.unit, x, lang)


def profile_value(field: Mapping[str, Any], lang: str) -> str:
    """A field of explain's profile card as the reader reads it: Home Credit's "no current job" (a pensioner, say)
    is an answer, not a gap, so it has its own words."""
    if field.get("status") == "not_employed":
        return translate(lang, "no current job (pensioner, unemployed…)")
    return display_value(str(field["name"]), field.get("value"), lang)


def _numeric(unit: str, x: float, lang: str) -> str:
    """A number by its catalogue unit, through the one formatter (credit_web.formatting)."""
    if unit == "currency":
        return formatting.money(x, lang, 0 if abs(x) >= 100 else 2)
    if unit == "percent":
        return formatting.percent(x, lang, 1 if abs(x) < 0.1 else 0, trim=True)
    if unit == "years":
        shown = math.floor(x) if x >= 10 else round(x, 1)  # an age is "52", not "52.7"; "3,5 ans" below 10
        # The plural form follows the integer part (CLDR's "i"): "1,5 an" in French, "1.5 years" in English.
        count = math.floor(shown) if lang != "en" or float(shown).is_integer() else 2
        return translate_plural(lang, "%(n)s year", "%(n)s years", count, n=formatting.trimmed(shown, lang, 1))
    if unit == "days":
        return translate_plural(lang, "%(n)s day", "%(n)s days", round(x), n=formatting.number(round(x), lang))
    if unit == "months":
        return translate_plural(lang, "%(n)s month", "%(n)s months", round(x), n=formatting.number(round(x), lang))
    if unit == "flag" and x in (0.0, 1.0):
        return translate(lang, categories.SHARED_FLAG["Y" if x else "N"])
    if unit == "hour":
        return str(format_time(time(round(x) % 24, 0), "short", locale=lang))
    decimals = {"ratio": 2, "score": 2, "index": 3}.get(unit)
    return formatting.number(x, lang, decimals) if decimals is not None else formatting.trimmed(x, lang, 2)
