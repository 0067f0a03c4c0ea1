"""Issue 13 item 6: one formatter (Babel's locale data) for numbers, percents, money and dates; one thousands
separator and one percent style per language; the gap to the threshold computed from the values shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credit_web import formatting
from credit_web.charts import _format as chart_format
from credit_web.charts._base import finish
from credit_web.i18n.features import display_value
from credit_web.rendering import format_money, format_number, format_percent, format_when


def test_number_formats_follow_the_language() -> None:
    assert format_number(1234567.8, "fr") == "1\u202f234\u202f568"
    assert format_number(1234567.8, "en") == "1,234,568"
    assert format_number(1234.5, "fr", 1) == "1\u202f234,5"
    assert format_percent(0.123, "fr") == "12,3\u00a0%"
    assert format_percent(0.123, "en") == "12.3%"  # not "12.3 %" next to "12.3%"
    assert format_money(202500, "fr") == "202\u202f500\u00a0€"
    assert format_money(202500, "en") == "€202,500"
    assert format_money(-1500.5, "en", 2) == "-€1,500.50"
    for missing in (None, float("nan")):
        assert format_money(missing, "fr") == format_percent(missing, "en") == "—"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_one_thousands_separator_everywhere(lang: str) -> None:
    """Templates, charts and feature values (470 052 €, never "470 052" beside "€470,052")."""
    group = {"fr": "\u202f", "en": ","}[lang]
    shown = [format_number(470052, lang), format_money(470052, lang), chart_format.number(470052, 0, lang),
             display_value("AMT_CREDIT", 470052.0, lang)]
    assert all(f"470{group}052" in text for text in shown), shown
    assert all(" 052" not in text for text in shown)
    percent = {"fr": "35,1\u00a0%", "en": "35.1%"}[lang]
    assert format_percent(0.351, lang) == chart_format.percent(0.351, lang) == percent


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_chart_axes_use_the_same_marks(lang: str) -> None:
    spec = finish([], "alt", lang).spec
    number = spec["config"]["locale"]["number"]
    assert number["thousands"] == {"fr": "\u202f", "en": ","}[lang]
    assert number["decimal"] == {"fr": ",", "en": "."}[lang]
    assert number["percent"] == {"fr": "\u00a0%", "en": "%"}[lang]


def test_gap_to_the_threshold_is_computed_from_the_rounded_values_shown() -> None:
    """11,0 % against a 9,0 % threshold is a 2,0-point gap, never 1,9 (0.1104 − 0.0904 = 0.0200 but 0.10996…)."""
    p, threshold = 0.10996, 0.09004
    assert format_percent(p, "fr") == "11,0\u00a0%" and format_percent(threshold, "fr") == "9,0\u00a0%"
    assert format_number(formatting.rounded_percent_points(p, threshold), "fr", 1) == "2,0"


def test_dates_use_the_locale() -> None:
    moment = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)
    assert format_when(moment, "fr") == "05/12/2026 14:30"
    assert format_when(moment.isoformat(), "en").startswith("12/5/26")
