"""TrainingData: labelled rows only, stable order, fairness groups and truth aligned, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from credit_pipeline.train import bundle_writer, data
from credit_pipeline.train.config import TrainConfig

NAMES = ["AGE_YEARS", "CODE_GENDER", "EXT_SOURCE_2"]


def frame() -> pl.DataFrame:
    return pl.DataFrame({
        "SK_ID_CURR": [5, 3, 4, 1, 2],
        "TARGET": [1, 0, None, 0, 1],
        "AGE_YEARS": [30.0, 50.0, 41.0, None, 22.0],
        "CODE_GENDER": ["F", "M", "F", None, "M"],
        "EXT_SOURCE_2": [0.1, 0.7, 0.5, 0.4, 0.2],
    })


def test_labelled_rows_sorted_with_groups_from_features() -> None:
    d = data.from_frame(frame(), feature_names=NAMES, categorical_features=["CODE_GENDER"])
    assert d.frame["SK_ID_CURR"].to_list() == [1, 2, 3, 5]
    assert d.target.tolist() == [0, 1, 0, 1]
    assert d.gender.tolist() == [None, "M", "M", "F"]
    np.testing.assert_array_equal(d.age_years, [np.nan, 22.0, 50.0, 30.0])
    assert d.truth is None and d.frame.columns == ["SK_ID_CURR", "TARGET", *NAMES]


def test_raw_columns_and_truth_are_aligned_by_client() -> None:
    raw = pl.DataFrame({"SK_ID_CURR": [2, 1, 5, 3], "CODE_GENDER": ["F", "M", "XNA", "F"],
                        "DAYS_BIRTH": [-365.25 * 20, -365.25 * 60, -365.25 * 33, -365.25 * 44]})
    truth = pl.DataFrame({"SK_ID_CURR": [1, 2, 3, 4, 5], "PD": [0.1, 0.2, 0.3, 0.4, 0.5]})
    d = data.from_frame(frame(), raw=raw, truth=truth, feature_names=NAMES, categorical_features=["CODE_GENDER"])
    assert d.gender.tolist() == ["M", "F", "F", "XNA"]
    np.testing.assert_allclose(d.age_years, [60, 20, 44, 33])
    np.testing.assert_allclose(d.truth, [0.1, 0.2, 0.3, 0.5])


def test_errors_are_explicit() -> None:
    with pytest.raises(ValueError, match="EXT_SOURCE_2"):
        data.from_frame(frame().drop("EXT_SOURCE_2"), feature_names=NAMES)
    with pytest.raises(ValueError, match="both outcomes"):
        data.from_frame(frame().with_columns(TARGET=pl.lit(0)), feature_names=NAMES)
    with pytest.raises(FileNotFoundError, match="credit features build"):
        data.from_parquet(Path("/nonexistent/features.parquet"))


def test_fingerprint_and_version() -> None:
    d = data.from_frame(frame(), feature_names=NAMES, categorical_features=["CODE_GENDER"])
    same = data.from_frame(frame().reverse(), feature_names=NAMES, categorical_features=["CODE_GENDER"])
    changed = data.from_frame(frame().with_columns(pl.col("EXT_SOURCE_2") + 1e-9), feature_names=NAMES)
    fp = bundle_writer.fingerprint(d.frame)
    assert fp == bundle_writer.fingerprint(same.frame)  # input order does not matter
    assert fp != bundle_writer.fingerprint(changed.frame)
    version = bundle_writer.make_version(datetime(2026, 11, 27, 19, 30, 12, tzinfo=UTC), fp)
    assert version == f"20261127-193012-{fp[:6]}"


def test_a_second_training_in_the_same_second_gets_its_own_version(tmp_path: Path) -> None:
    at, fp = datetime(2026, 11, 27, 19, 30, 12, tzinfo=UTC), "ab12cd" * 10
    first = bundle_writer.make_version(at, fp, tmp_path)
    (tmp_path / first).mkdir()
    second = bundle_writer.make_version(at, fp, tmp_path)
    (tmp_path / second).mkdir()
    assert (first, second) == ("20261127-193012-ab12cd", "20261127-193012-ab12cd-2")
    assert bundle_writer.make_version(at, fp, tmp_path) == "20261127-193012-ab12cd-3"


def test_learning_rate_is_settled_by_data_size_unless_given() -> None:
    auto = TrainConfig()
    assert auto.for_rows(40_000).learning_rate == 0.05
    assert auto.for_rows(300_000).learning_rate == 0.1
    assert TrainConfig(learning_rate=0.2).for_rows(40_000).learning_rate == 0.2
    with pytest.raises(ValueError, match="for_rows"):
        auto.catboost_params()
