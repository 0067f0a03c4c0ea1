"""The feature catalogue: consistent, complete, and readable in French and English."""

from __future__ import annotations

import re

import pytest

from credit_core import features
from credit_core.features import catalogue
from credit_core.features.catalogue import FEATURES_BY_NAME as F

# What an advisor must never be nudged to "change": who the client is.
PERSONAL = re.compile(r"AGE|BIRTH|GENDER|FAM|CHILD|EDUCATION|OCCUPATION")


def test_names_are_unique_and_lists_agree() -> None:
    names = [f.name for f in features.CATALOGUE]
    assert len(names) == len(set(names))
    assert names == features.FEATURE_NAMES
    assert set(features.FEATURES_BY_NAME) == set(names)
    assert sorted(features.CATEGORICAL_FEATURES + features.NUMERIC_FEATURES) == sorted(names)
    assert all(F[n].kind == "categorical" for n in features.CATEGORICAL_FEATURES)
    assert all(F[n].kind == "numeric" for n in features.NUMERIC_FEATURES)


def test_every_field_is_valid() -> None:
    for f in features.CATALOGUE:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", f.name), f.name
        assert f.group in catalogue.GROUPS, f
        assert f.kind in ("numeric", "categorical"), f
        assert f.unit in catalogue.UNITS, f
        assert (f.unit == "category") == (f.kind == "categorical"), f
        assert f.higher_is in ("", "risk", "safety"), f
        assert f.label_fr.strip() and f.label_en.strip(), f
        assert f.label_fr != f.label_en or f.label_fr == f.name, f
        assert bool(f.description_fr) == bool(f.description_en), f


def test_size_and_groups() -> None:
    groups = {g: sum(f.group == g for f in features.CATALOGUE) for g in catalogue.GROUPS}
    assert 150 <= len(features.CATALOGUE) <= 300
    assert all(n >= 10 for n in groups.values()), groups


def test_actionable_features_are_loan_terms_never_personal() -> None:
    actionable = {f.name for f in features.CATALOGUE if f.actionable}
    assert {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "CREDIT_TERM", "ANNUITY_TO_INCOME"} <= actionable
    assert not [n for n in actionable if PERSONAL.search(n)]
    assert not [n for n in actionable if F[n].kind == "categorical"]
    assert not F["AGE_YEARS"].actionable and not F["CODE_GENDER"].actionable
    assert not F["NAME_FAMILY_STATUS"].actionable and not F["CNT_CHILDREN"].actionable


def test_target_and_identifiers_are_not_features() -> None:
    assert not {"TARGET", "SK_ID_CURR", "SK_ID_PREV", "SK_ID_BUREAU"} & set(features.FEATURE_NAMES)


def test_version_is_stable_and_tracks_the_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    assert catalogue._version() == features.FEATURE_SET_VERSION
    assert features.FEATURE_SET_VERSION.startswith(f"fs{catalogue.FORMULA_VERSION}-")
    monkeypatch.setattr(catalogue, "CATALOGUE", catalogue.CATALOGUE[::-1])
    assert catalogue._version() != features.FEATURE_SET_VERSION
    monkeypatch.undo()
    monkeypatch.setattr(catalogue, "FORMULA_VERSION", "999")
    assert catalogue._version() != features.FEATURE_SET_VERSION


@pytest.mark.parametrize(
    ("name", "value", "fr", "en"),
    [
        ("AGE_YEARS", 52.7, "52 ans", "52 years"),
        ("YEARS_EMPLOYED", 3.46, "3,5 ans", "3.5 years"),
        ("YEARS_EMPLOYED", 1.0, "1 an", "1 year"),
        ("AMT_CREDIT", 450000.0, "450 000", "450 000"),
        ("AMT_CREDIT", 1234567.4, "1 234 567", "1 234 567"),
        ("AMT_CREDIT", 12.5, "12,50", "12.50"),
        ("ANNUITY_TO_INCOME", 0.1834, "18 %", "18%"),
        ("ANNUITY_TO_INCOME", 0.055, "5,5 %", "5.5%"),
        ("CREDIT_TO_INCOME", 3.2, "3,20", "3.20"),
        ("EXT_SOURCE_2", 0.5123, "0,51", "0.51"),
        ("INST_DELAY_MAX", 1234.0, "1 234 jours", "1 234 days"),
        ("INST_DELAY_MEAN", 1.0, "1 jour", "1 day"),
        ("CC_OVER_LIMIT_MONTHS", 3.0, "3 mois", "3 months"),
        ("CNT_CHILDREN", 2.0, "2", "2"),
        ("FLAG_EMAIL", 1.0, "oui", "yes"),
        ("FLAG_EMAIL", 0.0, "non", "no"),
        ("HOUR_APPR_PROCESS_START", 9.0, "9 h", "09:00"),
        ("FLAG_OWN_CAR", "Y", "oui", "yes"),
        ("NAME_INCOME_TYPE", "Working", "Working", "Working"),
        ("ORGANIZATION_TYPE", "XNA", "non renseigné", "missing"),
        ("AMT_CREDIT", None, "non renseigné", "missing"),
        ("AMT_CREDIT", float("nan"), "non renseigné", "missing"),
        ("OCCUPATION_TYPE", None, "non renseigné", "missing"),
    ],
)
def test_format_value(name: str, value: object, fr: str, en: str) -> None:
    assert features.format_value(F[name], value, "fr") == fr
    assert features.format_value(F[name], value, "en") == en


def test_format_value_covers_every_feature_and_rejects_unknown_languages() -> None:
    for f in features.CATALOGUE:
        sample = "Y" if f.kind == "categorical" else 1.5
        assert features.format_value(f, sample, "fr") and features.format_value(f, sample, "en")
    with pytest.raises(ValueError, match="lang"):
        features.format_value(F["AMT_CREDIT"], 1.0, "de")
