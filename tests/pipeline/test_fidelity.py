"""Fidelity check: generated data passes it, and it does catch data that drifts from the reference."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from credit_core import homecredit
from credit_pipeline import fidelity
from credit_pipeline.fidelity import FidelityCheck, check_fidelity, format_report, median_band
from credit_pipeline.synth import _reference, generate

CLIENTS = 20_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fidelity20k")
    generate(CLIENTS, 31, out, progress=False)
    return out


@pytest.fixture(scope="module")
def checks(generated: Path) -> list[FidelityCheck]:
    return check_fidelity(generated)


def test_generated_data_passes_every_check(checks: list[FidelityCheck]) -> None:
    failed = [c for c in checks if not c.ok]
    assert not failed, format_report(failed)


def test_every_table_and_kind_of_check_is_covered(checks: list[FidelityCheck]) -> None:
    assert {c.table for c in checks} == set(_reference.load())
    metrics = {c.metric for c in checks}
    assert {"missing share", "median", "default rate", "spearman", fidelity.TREND_METRIC} <= metrics
    assert any(m.startswith("share of ") for m in metrics)
    shares = [c for c in checks if c.table == "previous_application" and c.column == "NAME_CONTRACT_STATUS"]
    assert {c.metric for c in shares} >= {"share of 'Approved'", "share of 'Refused'", "share of 'Canceled'"}
    # Keys are not distributions; nearly all-missing columns get no median (documented exclusions).
    assert not any(c.column.startswith("SK_ID_") for c in checks)
    rate = [c for c in checks if c.column == "RATE_INTEREST_PRIMARY"]
    assert [c.metric for c in rate] == ["missing share"]


def test_report_shows_generated_and_reference_side_by_side(checks: list[FidelityCheck]) -> None:
    report = format_report(checks)
    lines = report.splitlines()
    assert lines[0].split()[:5] == ["table", "column", "metric", "generated", "reference"]
    assert len(lines) >= len(checks) + 2
    assert lines[-1] == f"{len(checks)}/{len(checks)} checks passed"
    assert "EXT_SOURCE_1" in report and "bureau_balance" in report


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_drifted_data_fails_the_right_checks(generated: Path, tmp_path: Path) -> None:
    broken = _copy(generated, tmp_path / "broken")
    path = broken / homecredit.TRAIN_FILE
    train = pl.read_csv(path, infer_schema_length=None)
    train = train.with_columns(
        ((pl.col("TARGET") == 1) | (pl.col("SK_ID_CURR") % 7 == 0)).cast(pl.Int64).alias("TARGET"),  # 1 in 5
        (pl.col("DAYS_BIRTH") // 2).alias("DAYS_BIRTH"),  # everybody is half their age
        pl.lit(None, dtype=pl.Float64).alias("EXT_SOURCE_3"),  # a score that is never there
        (0.86 - pl.col("EXT_SOURCE_2")).alias("EXT_SOURCE_2"),  # a score that ranks the wrong way round
    )
    train.write_csv(path)
    bureau = pl.read_csv(broken / "bureau.csv", infer_schema_length=None)
    bureau.with_columns(pl.lit("Active").alias("CREDIT_ACTIVE")).write_csv(broken / "bureau.csv")

    failed = {(c.table, c.column, c.metric) for c in check_fidelity(broken) if not c.ok}
    assert ("application_train", "TARGET", "default rate") in failed
    assert ("application_train", "DAYS_BIRTH", "median") in failed
    assert ("application_train", "EXT_SOURCE_3", "missing share") in failed
    assert ("application_train", "EXT_SOURCE_2", fidelity.TREND_METRIC) in failed
    assert ("application_train", "EXT_SOURCE_2", "univariate AUC (higher=safer)") in failed
    assert ("application_train", "mean(EXT_SOURCE_1..3)", "univariate AUC (higher=safer)") in failed
    assert ("bureau", "CREDIT_ACTIVE", "share of 'Active'") in failed
    assert ("application_train", "EXT_SOURCE_1", "median") not in failed


def test_univariate_aucs_of_real_rows_are_checked_within_3_points(checks: list[FidelityCheck]) -> None:
    reference = fidelity.univariate_reference()
    aucs = {c.column: c for c in checks if c.metric.startswith("univariate AUC")}
    assert set(aucs) == set(reference) and len(aucs) >= 25
    assert {"mean(EXT_SOURCE_1..3)", "AMT_GOODS_PRICE/AMT_CREDIT", "EXT_SOURCE_3", "DAYS_BIRTH"} <= set(aucs)
    for name, check in aucs.items():
        assert check.reference == reference[name]["auc"]
        width = check.band[1] - check.reference
        # ±0.03, widened by two standard errors of the generated AUC (at 20k clients: at most ~0.03 more)
        assert 0.03 < width < 0.065, name
        assert check.band[0] == pytest.approx(check.reference - width)


def test_oriented_auc_and_its_standard_error() -> None:
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    y = (rng.random(4000) < 0.1).astype(float)
    x = np.round(rng.normal(size=4000) + 0.8 * y, 1)  # ties on purpose
    x[rng.random(4000) < 0.2] = np.nan
    present = ~np.isnan(x)
    auc, n_pos, n_neg = fidelity.oriented_auc(x, y, riskier_when_higher=True)
    assert auc == pytest.approx(roc_auc_score(y[present], x[present]))
    assert (n_pos, n_neg) == (int(y[present].sum()), int((1 - y[present]).sum()))
    safer, _, _ = fidelity.oriented_auc(x, y, riskier_when_higher=False)
    assert safer == pytest.approx(1 - auc)
    se = fidelity.auc_standard_error(auc, n_pos, n_neg)
    assert 0.005 < se < 0.03
    assert fidelity.auc_standard_error(auc, 4 * n_pos, 4 * n_neg) == pytest.approx(se / 2, rel=0.05)


def test_a_missing_file_is_a_failed_check_not_a_crash(generated: Path, tmp_path: Path) -> None:
    partial = _copy(generated, tmp_path / "partial")
    (partial / "credit_card_balance.csv").unlink()
    checks = check_fidelity(partial)
    missing = [c for c in checks if c.table == "credit_card_balance"]
    assert [(c.metric, c.ok) for c in missing] == [("file present", False)]
    assert any(c.table == "bureau" and c.ok for c in checks)


def test_median_band_uses_decile_boundaries_or_interpolates() -> None:
    stats = {
        "default_rate_by_decile": [[-1, 10, 0.1, 0.2], [10, 20, 0.1, 0.2], [20, 30, 0.1, 0.2], [30, 40, 0.1, 0.2],
                                   [40, 50, 0.1, 0.2]],
        "quantiles": {"0.25": 0.0, "0.5": 0.0, "0.75": 0.0},
    }  # fmt: skip
    lo, hi = median_band(stats)
    assert lo == pytest.approx(20, abs=0.1) and hi == pytest.approx(30, abs=0.1)
    merged = {"default_rate_by_decile": [[-1, 0, 0.1, 0.5], [0, 5, 0.1, 0.3], [5, 9, 0.1, 0.2]]}
    assert median_band(merged) == (pytest.approx(-1, abs=0.1), pytest.approx(5, abs=0.1))
    interpolated = median_band({"quantiles": {"0.25": 10.0, "0.5": 20.0, "0.75": 40.0}})
    assert interpolated == (pytest.approx(16.0), pytest.approx(28.0))


def test_an_explicit_reference_file_is_used(generated: Path, tmp_path: Path) -> None:
    import json

    data = json.loads(_reference.reference_path().read_text())
    data["tables"]["application_train"]["columns"]["EXT_SOURCE_1"]["missing"] = 0.2
    custom = tmp_path / "reference.json"
    custom.write_text(json.dumps(data))
    checks = check_fidelity(generated, custom)
    ext1 = next(c for c in checks if c.column == "EXT_SOURCE_1" and c.metric == "missing share")
    assert ext1.reference == 0.2 and not ext1.ok
    assert fidelity.SHARE_TOLERANCE == 0.03
