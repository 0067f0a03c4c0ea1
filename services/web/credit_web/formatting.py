"""The one number formatter of the dashboard: Babel's locale data for every number, percent, amount and date,
in templates, charts (labels, tooltips, axes) and sentences. One decimal mark and one thousands separator per
language (French: "1 234 567,8" with narrow no-break spaces, "12,3 %", "202 500 €"; English: "1,234,567.8",
"12.3%", "€202,500"); a new language gets its own from Babel, with no code.
"""

from __future__ import annotations

import math
from datetime import datetime
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent, get_decimal_symbol, get_group_symbol

MISSING = "—"
CURRENCY = "EUR"


def is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x)))


@cache
def _patterns(lang: str) -> tuple[str, str]:
    """The locale's percent and currency patterns, with their number part as a placeholder."""
    locale = Locale.parse(lang)
    percent = str(locale.percent_formats[None].pattern).split(";")[0]
    currency = str(locale.currency_formats["standard"].pattern).split(";")[0]
    return percent, currency


def _with_decimals(pattern: str, decimals: int, digit: str = "0") -> str:
    """'#,##0 %' with 1 decimal -> '#,##0.0 %' (the number part of a CLDR pattern; decimals replaced; digit
    "#" drops trailing zeros)."""
    start = pattern.index("#")
    end = start
    while end < len(pattern) and pattern[end] in "#,0.":
        end += 1
    integer = pattern[start:end].split(".")[0]
    return pattern[:start] + integer + ("." + digit * decimals if decimals else "") + pattern[end:]


def number(x: Any, lang: str, decimals: int = 0) -> str:
    """1234567.8 -> '1 234 568' (fr) / '1,234,568' (en); `decimals` fixed."""
    if is_missing(x):
        return MISSING
    return str(format_decimal(float(x), format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=lang))


def trimmed(x: Any, lang: str, decimals: int) -> str:
    """Like `number`, but no trailing zeros ('2' rather than '2,0')."""
    if is_missing(x):
        return MISSING
    return str(format_decimal(float(x), format="#,##0" + ("." + "#" * decimals if decimals else ""), locale=lang))


def percent(fraction: Any, lang: str, decimals: int = 1, *, trim: bool = False) -> str:
    """0.123 -> '12,3 %' (fr) / '12.3%' (en); `trim`: no trailing zeros ('18 %' rather than '18,0 %')."""
    if is_missing(fraction):
        return MISSING
    pattern = _with_decimals(_patterns(lang)[0], decimals, "#" if trim else "0")
    return str(format_percent(float(fraction), format=pattern, locale=lang))


def money(x: Any, lang: str, decimals: int = 0) -> str:
    """202500 -> '202 500 €' (fr) / '€202,500' (en)."""
    if is_missing(x):
        return MISSING
    pattern = _with_decimals(_patterns(lang)[1], decimals)
    return str(format_currency(float(x), CURRENCY, format=pattern, locale=lang, currency_digits=False))


def points(value: Any, lang: str) -> str:
    """Probability points, unsigned: 1.234 -> '1,2' (fr) / '1.2' (en); two decimals below 0.05."""
    if is_missing(value):
        return MISSING
    p = abs(float(value))
    return number(p, lang, 1 if p >= 0.05 or p == 0 else 2)


def rounded_percent_points(a: float, b: float, decimals: int = 1) -> float:
    """The gap between two probabilities as shown: each rounded to `decimals` in percent first, so that
    '11,0 %' against a '9,0 %' threshold reads a 2,0-point gap (never 1,9)."""
    return abs(round(100 * a, decimals) - round(100 * b, decimals))


@cache
def d3_locale(lang: str) -> dict[str, Any]:
    """The d3-format locale Vega-Lite uses for axes and tooltips: the same marks as the text around them."""
    percent_pattern, currency_pattern = _patterns(lang)
    suffix = percent_pattern[percent_pattern.rindex("0") + 1:].replace("%", "") + "%"
    number_at = currency_pattern.index("#")
    before = currency_pattern[:number_at].replace("¤", "€")
    after = currency_pattern[currency_pattern.rindex("0") + 1:].replace("¤", "€")
    return {"decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang), "grouping": [3],
            "currency": [before, after], "percent": suffix, "minus": "\u2212"}


def long_date(day: datetime, lang: str) -> str:
    """27 novembre 2026 / 27 November 2026 (Babel's long date of the reader's locale)."""
    return str(format_date(day, "long", locale=lang))
