"""Numbers as the reader expects them: "12,3 %" / "12.3%", thousands separated, ordinals, probability points."""

from __future__ import annotations

import math
from typing import Any


def number(x: float, decimals: int, lang: str) -> str:
    text = f"{x:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", " ").replace(".", ",")


def percent(fraction: float, lang: str, decimals: int = 1) -> str:
    shown = number(100 * fraction, decimals, lang)
    return f"{shown}%" if lang == "en" else f"{shown} %"


def points(delta_fraction: float, lang: str) -> str:
    """A change of probability in percentage points, signed: "+3,2 pts", "−0,04 pt"."""
    p = 100 * delta_fraction
    decimals = 1 if abs(p) >= 0.05 or p == 0 else 2
    sign = "+" if p >= 0 else "−"
    shown = number(abs(p), decimals, lang)
    unit = "pt" if lang == "fr" and abs(p) < 2 else "pts"
    return f"{sign}{shown} {unit}"


def ordinal(n: int, lang: str) -> str:
    if lang != "en":
        return "1er" if n == 1 else f"{n}e"
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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
