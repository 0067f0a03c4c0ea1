"""Readable display of a feature value in French or English ("52 ans", "450 000", "18 %", "non renseigné").

Amounts carry no currency symbol: the loan currency is shown by the page, the number stays neutral.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credit_core.features.catalogue import Feature

LANGS = ("fr", "en")
_MISSING = {"fr": "non renseigné", "en": "missing"}
_CATEGORY_WORDS = {
    "Y": {"fr": "oui", "en": "yes"},
    "N": {"fr": "non", "en": "no"},
    "XNA": _MISSING,  # Home Credit's "not available"
    "XAP": {"fr": "sans objet", "en": "not applicable"},
}


def number(x: float, decimals: int, lang: str) -> str:
    """Fixed decimals, a space between thousands, a decimal comma in French."""
    text = f"{x:,.{decimals}f}".replace(",", " ")
    return text.replace(".", ",") if lang == "fr" else text


def _trimmed(x: float, decimals: int, lang: str) -> str:
    """Like `number` but without a trailing ",0" / ".00" when the value is whole at that precision."""
    text = number(x, decimals, lang)
    if decimals and float(f"{x:.{decimals}f}").is_integer():
        text = text.rsplit("," if lang == "fr" else ".", 1)[0]
    return text


_UNITS = {
    "years": {"fr": ("an", "ans"), "en": ("year", "years")},
    "days": {"fr": ("jour", "jours"), "en": ("day", "days")},
    "months": {"fr": ("mois", "mois"), "en": ("month", "months")},
}


def _with_unit(shown_value: float, shown: str, unit: str, lang: str) -> str:
    one, many = _UNITS[unit][lang]
    # French keeps the singular below 2 ("1,5 an", "0 jour"); English only for exactly one.
    singular = abs(shown_value) < 2 if lang == "fr" else abs(shown_value) == 1
    return f"{shown} {one if singular else many}"


def _years(x: float, lang: str) -> str:
    # Whole years from 10 on (an age is "52", not "52.7"); one decimal below ("3,5 ans").
    shown_value = math.floor(x) if x >= 10 else round(x, 1)
    return _with_unit(shown_value, _trimmed(shown_value, 1, lang), "years", lang)


def _days(x: float, lang: str) -> str:
    n = round(x)
    return _with_unit(n, number(n, 0, lang), "days", lang)


def _months(x: float, lang: str) -> str:
    n = round(x)
    return _with_unit(n, number(n, 0, lang), "months", lang)


def _percent(x: float, lang: str) -> str:
    p = x * 100
    shown = _trimmed(p, 1 if abs(p) < 10 else 0, lang)
    return f"{shown} %" if lang == "fr" else f"{shown}%"


def _flag(x: float, lang: str) -> str:
    if x in (0.0, 1.0):
        return _CATEGORY_WORDS["Y" if x else "N"][lang]
    return _trimmed(x, 2, lang)


def _hour(x: float, lang: str) -> str:
    h = round(x)
    return f"{h} h" if lang == "fr" else f"{h:02d}:00"


_FORMATTERS: dict[str, Callable[[float, str], str]] = {
    "currency": lambda x, lang: number(x, 0 if abs(x) >= 100 else 2, lang),
    "days": _days,
    "years": _years,
    "months": _months,
    "percent": _percent,
    "ratio": lambda x, lang: number(x, 2, lang),
    "count": lambda x, lang: _trimmed(x, 1, lang),
    "score": lambda x, lang: number(x, 2, lang),
    "index": lambda x, lang: number(x, 3, lang),
    "flag": _flag,
    "hour": _hour,
}


def format_value(feature: Feature, value: Any, lang: str = "fr") -> str:
    """The value as an advisor reads it, in `lang` ("fr" or "en"); null/NaN reads "non renseigné"/"missing"."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _MISSING[lang]
    if feature.is_categorical:
        text = str(value)
        return _CATEGORY_WORDS.get(text, {}).get(lang, text)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    formatter = _FORMATTERS.get(feature.unit)
    return formatter(x, lang) if formatter else _trimmed(x, 2, lang)
