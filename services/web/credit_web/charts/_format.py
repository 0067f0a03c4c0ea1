"""The charts' numbers: the dashboard's one formatter (credit_web.formatting), probability points, rounding."""

from __future__ import annotations

import math
from typing import Any

from credit_web import formatting
from credit_web.i18n import translate


def number(x: float, decimals: int, lang: str) -> str:
    return formatting.number(x, lang, decimals)


def percent(fraction: float, lang: str, decimals: int = 1) -> str:
    return formatting.percent(fraction, lang, decimals)


def points(delta_fraction: float, lang: str) -> str:
    """A change of probability in percentage points, signed: "+3,2 pts", "−0,04 pts"."""
    p = 100 * delta_fraction
    return translate(lang, "%(sign)s%(value)s pts", sign="+" if p >= 0 else "−", value=formatting.points(p, lang))


def rounded(x: Any, digits: int = 4) -> float | None:
    """A float kept to `digits` significant digits (small specs), None for missing."""
    if x is None:
        return None
    value = float(x)
    if math.isnan(value) or math.isinf(value):
        return None
    return float(f"{value:.{digits}g}")


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
