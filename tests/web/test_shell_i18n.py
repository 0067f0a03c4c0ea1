"""Numbers read naturally in each language (translations: test_i18n_catalogue.py)."""

from __future__ import annotations

from credit_web.rendering import format_days_to_years, format_money, format_number, format_percent


def test_number_formats_follow_the_language() -> None:
    assert format_number(1234567.8, "fr") == "1\u202f234\u202f568"
    assert format_number(1234567.8, "en") == "1,234,568"
    assert format_number(1234.5, "fr", 1) == "1\u202f234,5"
    assert format_percent(0.123, "fr") == "12,3\u00a0%"
    assert format_percent(0.123, "en") == "12.3\u00a0%"
    assert format_money(202500, "fr") == "202\u202f500\u00a0€"
    assert format_money(202500, "en") == "€202,500"
    assert format_money(-1500.5, "en", 2) == "-€1,500.50"
    assert format_days_to_years(-18993, "fr")  # 18993 / 365.25 = 52.0 == "52\u00a0ans"
    assert format_days_to_years(-18993, "en") == "52\u00a0years"
    assert format_days_to_years(-400, "fr") == "1\u00a0an"
    for missing in (None, float("nan")):
        assert format_money(missing, "fr") == format_percent(missing, "en") == "—"
