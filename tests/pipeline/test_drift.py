"""The drift report flags the features a population shift moved, and only those (Evidently, PSI)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from credit_core import features
from credit_core.monitoring import drift
from credit_pipeline import featurize, synth
from credit_pipeline.synth import shift

CURRENT_CLIENTS = 1_500
CURRENT_SEED = 8


def _changed(before: pl.DataFrame, after: pl.DataFrame) -> set[str]:
    """Features whose values differ anywhere between two builds of the same clients."""
    return {name for name in features.FEATURE_NAMES
            if not before[name].equals(after[name], check_names=True)}


@pytest.mark.slow
def test_report_flags_the_shifted_features_and_not_the_others(synth_dir: Path, tmp_path: Path) -> None:
    shifts = tuple(shift.SHIFTS)
    synth.generate(CURRENT_CLIENTS, CURRENT_SEED, tmp_path / "plain", progress=False)
    synth.generate(CURRENT_CLIENTS, CURRENT_SEED, tmp_path / "shifted", progress=False, shifts=shifts)
    reference = featurize.compute(synth_dir)
    plain, shifted = featurize.compute(tmp_path / "plain"), featurize.compute(tmp_path / "shifted")
    moved = _changed(plain, shifted)  # what the shifts touched, through the feature pipeline
    assert {"AGE_YEARS", "AMT_CREDIT", "NAME_INCOME_TYPE"} <= moved

    rng = np.random.default_rng(0)
    result = drift.compare(drift.Population(reference, rng.beta(2, 12, reference.height)),
                           drift.Population(shifted, rng.beta(2, 12, shifted.height)), model_version="synthetic")
    summary = result.summary
    flagged = set(summary["drifted_features"])
    assert flagged <= moved, flagged - moved  # nothing the shift did not touch
    # the shifted columns themselves, and the ratios built on the amounts
    assert {"AGE_YEARS", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "NAME_INCOME_TYPE",
            "CREDIT_TO_INCOME"} <= flagged
    assert summary["drifted_share"] == len(flagged) / len(summary["features"])
    assert not summary["prediction"]["drifted"]  # same score distribution on both sides
    scores = {row["feature"]: row for row in summary["features"]}
    assert scores["NAME_INCOME_TYPE"]["kind"] == "categorical" and scores["AGE_YEARS"]["kind"] == "numeric"
    assert scores["CNT_CHILDREN"]["kind"] == "categorical"  # a count with few values: tested as categories

    html = tmp_path / "report.html"
    result.save_html(html)
    assert html.stat().st_size > 0 and "AGE_YEARS" in html.read_text(errors="replace")


def test_unknown_shift_is_named() -> None:
    with pytest.raises(ValueError, match="older"):
        shift.parse("younger,older")
    assert shift.parse(" younger , category") == ("younger", "category")


def test_performance_drift_on_outcomes() -> None:
    rng = np.random.default_rng(1)
    defaulted = rng.random(400) < 0.2
    useless = rng.random(400)  # a model that lost its ranking power
    result = drift._performance((defaulted, useless), evaluation_auc=0.76)
    assert result is not None and result["n_outcomes"] == 400 and result["drifted"]
    assert result["auc_change"] == pytest.approx(result["auc_current"] - 0.76)
    few = drift._performance((defaulted[:10], useless[:10]), evaluation_auc=0.76)
    assert few is not None and few["auc_current"] is None and not few["drifted"]
