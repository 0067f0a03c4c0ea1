"""The feature catalogue: consistent, complete, and labelled in plain English (translated by the web)."""

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
        assert f.label.strip() and f.label != f.name, f  # a plain label (translated by the web's catalogues)


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
