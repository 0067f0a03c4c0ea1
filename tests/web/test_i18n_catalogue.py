"""The dashboard's words live in gettext catalogues (Babel): every string a template, chart or route shows is
extracted and translated in every language, templates hold no text outside gettext, category values and feature
labels come from the catalogue, and a new language is one new `.po` file."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from credit_core import features
from credit_core.features import categories
from credit_web import i18n
from credit_web.i18n import catalog
from credit_web.i18n import features as i18n_features
from credit_web.rendering import TEMPLATES_DIR

OTHER_LANGS = [lang for lang in i18n.LANGS if lang != i18n.SOURCE_LANG]


@pytest.fixture(scope="module")
def template() -> object:
    return catalog.extract()


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_every_shown_string_is_in_the_catalogue_and_translated(lang: str, template: object) -> None:
    """Extract (templates, code, the core's labels and category words) and compare with the `.po`: a string
    missing, untranslated, fuzzy or no longer used, or a placeholder mismatch, fails here."""
    assert catalog.problems(lang, template) == []  # type: ignore[arg-type]


def test_extraction_finds_templates_code_and_core_data(template: object) -> None:
    ids = {m.id for m in template}  # type: ignore[attr-defined]
    assert "Probability of default" in ids  # template and chart
    assert "Wrong username or password." in ids  # route (N_)
    assert "Credit amount" in ids  # the feature catalogue
    assert "widowed" in ids and "house / flat" in ids and "male" in ids  # category words


# Jinja syntax, HTML comments/tags, entities: what is left is text a reader sees, and it must be none.
_JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
_MARKUP = re.compile(r"<!--.*?-->|<script.*?</script>|<style.*?</style>|<[^>]+>|&[a-z]+;|&#\d+;", re.S)


def test_templates_hold_no_text_outside_gettext() -> None:
    found = {}
    for path in TEMPLATES_DIR.rglob("*.html"):
        text = _MARKUP.sub(" ", _JINJA.sub(" ", path.read_text()))
        words = re.findall(r"[^\W\d_]{2,}", text)
        if words:
            found[str(path.relative_to(TEMPLATES_DIR))] = words[:8]
    assert found == {}


@pytest.mark.parametrize(("feature", "code", "fr", "en"), [
    ("NAME_FAMILY_STATUS", "Widow", "veuf / veuve", "widowed"),
    ("NAME_HOUSING_TYPE", "House / apartment", "maison / appartement", "house / flat"),
    ("CODE_GENDER", "M", "homme", "male"),
    ("FLAG_OWN_CAR", "Y", "oui", "yes"),
    ("ORGANIZATION_TYPE", "XNA", "non renseigné", "missing"),
    ("ORGANIZATION_TYPE", "Industry: type 3", "industrie (type 3)", "industry (type 3)"),
])
def test_category_values_read_in_the_readers_language(feature: str, code: str, fr: str, en: str) -> None:
    assert i18n_features.category(feature, code, "fr") == fr
    assert i18n_features.category(feature, code, "en") == en
    assert i18n_features.display_value(feature, code, "fr") == fr


NNBSP, NBSP = "\u202f", "\xa0"  # Babel's thousands separator and the space before € and % in French


@pytest.mark.parametrize(("feature", "value", "fr", "en"), [
    ("AGE_YEARS", 52.7, "52 ans", "52 years"),  # whole years from 10 on
    ("YEARS_EMPLOYED", 3.46, "3,5 ans", "3.5 years"),
    ("YEARS_EMPLOYED", 1.0, "1 an", "1 year"),
    ("AMT_CREDIT", 1234567.4, f"1{NNBSP}234{NNBSP}567{NBSP}€", "€1,234,567"),
    ("AMT_CREDIT", 12.5, f"12,50{NBSP}€", "€12.50"),  # cents only below 100
    ("ANNUITY_TO_INCOME", 0.1834, f"18{NBSP}%", "18%"),
    ("ANNUITY_TO_INCOME", 0.055, f"5,5{NBSP}%", "5.5%"),
    ("CREDIT_TO_INCOME", 3.2, "3,20", "3.20"),
    ("INST_DELAY_MAX", 1234.0, f"1{NNBSP}234 jours", "1,234 days"),
    ("INST_DELAY_MEAN", 1.0, "1 jour", "1 day"),
    ("CC_OVER_LIMIT_MONTHS", 3.0, "3 mois", "3 months"),
    ("FLAG_EMAIL", 0.0, "non", "no"),
    ("HOUR_APPR_PROCESS_START", 9.0, "09:00", f"9:00{NNBSP}AM"),
    ("AMT_CREDIT", float("nan"), "non renseigné", "missing"),
])
def test_feature_values_read_in_the_readers_language(feature: str, value: float, fr: str, en: str) -> None:
    """One formatter (Babel's locale data) for every value shown, whatever its unit."""
    assert i18n_features.display_value(feature, value, "fr") == fr
    assert i18n_features.display_value(feature, value, "en") == en


def test_every_feature_has_a_reading_in_every_language() -> None:
    for f in features.CATALOGUE:
        sample = "Y" if f.is_categorical else 1.5
        for lang in i18n.LANGS:
            assert i18n_features.display_value(f.name, sample, lang), (f.name, lang)


def test_every_known_category_code_of_every_categorical_feature_has_words() -> None:
    assert set(categories.WORDS) == set(features.CATEGORICAL_FEATURES)


def test_feature_labels_come_from_the_one_catalogue() -> None:
    assert i18n_features.feature_label("AMT_CREDIT", "en") == features.FEATURES_BY_NAME["AMT_CREDIT"].label
    assert i18n_features.feature_label("AMT_CREDIT", "fr") == "Montant du crédit"
    assert i18n_features.feature_label("NOT_A_FEATURE", "fr") == "NOT_A_FEATURE"


def test_placeholders_are_filled_and_percent_signs_survive() -> None:
    assert i18n.translate("fr", "Client no. %(client)s", client=7) == "Client n° 7"
    assert "%" in i18n.translate("en", "Client's value: %(value)s, higher than for %(pct)s%% of clients.",
                                 value="1", pct="3")


def test_the_language_list_is_english_plus_the_locale_folders() -> None:
    folders = sorted(p.name for p in i18n.LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / "messages.po").is_file())
    assert set(i18n.LANGS) == {"en", *folders}
    assert i18n.LANGS[0] == i18n.DEFAULT_LANG


def test_a_new_language_is_one_new_po_file_and_nothing_else() -> None:
    """Drop a German `.po` (here a copy of the French one, relabelled) in the locale folder: a fresh process
    offers German, chooses it from ?lang= / Accept-Language, translates with it and links to it."""
    folder = i18n.LOCALE_DIR / "de" / "LC_MESSAGES"
    assert not folder.exists()
    try:
        folder.mkdir(parents=True)
        po = i18n.po_path("fr").read_text().replace('"Language: fr\\n"', '"Language: de\\n"')
        (folder / "messages.po").write_text(po.replace('msgstr "Connexion"', 'msgstr "Anmeldung"'))
        script = textwrap.dedent("""
            from credit_web import i18n
            from credit_web.rendering import templates
            assert "de" in i18n.LANGS, i18n.LANGS
            assert i18n.choose("de", None, None) == "de"
            assert i18n.choose(None, None, "de-DE,en;q=0.5") == "de"
            assert i18n.translate("de", "Sign in") == "Anmeldung"
            html = templates.env.from_string('{{ _("Sign in") }}|{% for c in langs %}{{ lang_name(c) }} {% endfor %}')
            print(html.render(lang="de"))
        """)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Anmeldung|") and "Deutsch" in result.stdout
    finally:
        shutil.rmtree(i18n.LOCALE_DIR / "de", ignore_errors=True)


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
