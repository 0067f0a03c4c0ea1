"""Translations are complete, templates only use existing keys, the language is chosen as documented, and
numbers read naturally in each language."""

from __future__ import annotations

import re

import pytest

from credit_web import i18n
from credit_web.rendering import TEMPLATES_DIR, format_days_to_years, format_money, format_number, format_percent

# t("key") / t('key', ...) with a literal key; dynamic keys (t("group." ~ name)) are checked where they are built.
LITERAL_KEY = re.compile(r"""\bt\(\s*(['"])([A-Za-z0-9_.\-]+)\1""")


def test_every_message_has_french_and_english_and_no_key_is_defined_twice() -> None:
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) >= set(i18n.LANGS), key
        assert all(isinstance(texts[lang], str) and texts[lang].strip() for lang in i18n.LANGS), key
    assert i18n.duplicate_keys() == set()


def test_placeholders_are_the_same_in_both_languages() -> None:
    field = re.compile(r"{(\w+)}")
    for key, texts in i18n.MESSAGES.items():
        assert set(field.findall(texts["fr"])) == set(field.findall(texts["en"])), key


def test_every_key_used_in_templates_exists() -> None:
    used: dict[str, str] = {}
    for template in TEMPLATES_DIR.rglob("*.html"):
        for _, key in LITERAL_KEY.findall(template.read_text()):
            used.setdefault(key, str(template.relative_to(TEMPLATES_DIR)))
    assert used, "no t() call found: the pattern is broken"
    # A key ending in "." is the literal prefix of a dynamic key (t("role." ~ user.role)): some key must match it.
    def known(key: str) -> bool:
        return any(k.startswith(key) for k in i18n.MESSAGES) if key.endswith(".") else key in i18n.MESSAGES

    missing = {key: where for key, where in used.items() if not known(key)}
    assert missing == {}


def test_group_labels_exist_for_every_feature_group() -> None:
    from credit_web.catalogue import GROUP_ORDER

    for group in (*GROUP_ORDER, "other"):
        assert f"group.{group}" in i18n.MESSAGES


def test_missing_key_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(KeyError):
        i18n.translate("fr", "no.such.key")


@pytest.mark.parametrize(("query", "cookie", "accept", "expected"), [
    ("en", "fr", "fr-FR", "en"),          # the explicit choice wins
    (None, "en", "fr-FR,fr;q=0.9", "en"),  # then the remembered one
    ("de", None, "en-GB,en;q=0.9", "en"),  # unknown query ignored; browser preference
    (None, None, "de-DE,en;q=0.5,fr;q=0.8", "fr"),  # q-values honoured
    (None, None, "de-DE", "fr"),           # nothing we speak: French
    (None, None, None, "fr"),
    ("EN", None, None, "en"),
    (None, None, "en;q=0, fr;q=0.1", "fr"),  # q=0 means "not this one"
])
def test_language_choice(query: str | None, cookie: str | None, accept: str | None, expected: str) -> None:
    assert i18n.choose(query, cookie, accept) == expected


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
