"""The Spark engine in local[2] against the single-machine engine on the generated data set: the same features
(up to float summation order) and the very same decisions, from CSV and from Parquet inputs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from credit_cli.main import app
from credit_core.features import FEATURE_NAMES
from credit_core.model import ModelBundle
from credit_pipeline.portfolio import layout, local, spark_jobs, spark_session

from ._portfolio import read_output

pytestmark = pytest.mark.slow
BUCKETS = 4


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One local[2] session for the whole test session (a JVM start costs seconds)."""
    with spark_session.session("local[2]", {"spark.ui.enabled": "false", "spark.driver.memory": "1g"}) as session:
        yield session


def test_features_equal_the_local_engine(spark: SparkSession, synth_dir: Path, tmp_path: Path) -> None:
    local.features(synth_dir, tmp_path / "local", buckets=BUCKETS)
    # Through the command (it joins the test session's SparkSession instead of starting one).
    result = CliRunner().invoke(app, ["features", "build", "--engine", "spark", "--input", str(synth_dir),
                                      "--out", str(tmp_path / "spark"), "--buckets", str(BUCKETS)])
    assert result.exit_code == 0, result.output
    assert spark.sparkContext._jsc is not None  # still running: the command did not stop a session it did not start
    expected = read_output(tmp_path / "local" / layout.FEATURES)
    got = read_output(tmp_path / "spark" / layout.FEATURES).select(expected.columns)
    # Sums over a client's history rows may add in another order: last-bit differences only.
    assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-12, abs_tol=1e-9)
    # Partitioned by client: one folder per bucket, one file in each (one task wrote it).
    folders = sorted((tmp_path / "spark" / layout.FEATURES).glob("client_bucket=*"))
    assert [f.name for f in folders] == [f"client_bucket={b}" for b in range(BUCKETS)]
    assert all(len(list(f.glob("*.parquet"))) == 1 for f in folders)
    summary = json.loads((tmp_path / "spark" / "features.json").read_text())
    assert summary["engine"] == "spark" and summary["clients"] == expected.height
    assert summary["inputs"]["bureau_balance.csv"].endswith("bureau_balance.csv")


def test_rescore_decisions_equal_the_local_engine(spark: SparkSession, parquet_dir: Path, tiny_bundle: ModelBundle,
                                                  tmp_path: Path) -> None:
    local_report = local.rescore(parquet_dir, tiny_bundle, tmp_path / "local", buckets=BUCKETS)
    spark_report = spark_jobs.rescore(spark, str(parquet_dir), tiny_bundle, str(tmp_path / "spark"), buckets=BUCKETS)
    expected = read_output(tmp_path / "local" / layout.SCORES)
    got = read_output(tmp_path / "spark" / layout.SCORES).select(expected.columns)
    assert got["SK_ID_CURR"].to_list() == expected["SK_ID_CURR"].to_list()
    assert got["decision"].to_list() == expected["decision"].to_list()
    assert got["risk_band"].to_list() == expected["risk_band"].to_list()
    assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)
    assert spark_report["inputs"]["bureau.csv"].endswith("bureau.parquet")
    for key in ("clients", "decisions", "risk_bands", "model"):
        assert spark_report[key] == local_report[key]
    assert spark_report["mean_probability"] == pytest.approx(local_report["mean_probability"], rel=1e-12)
    assert (tmp_path / "spark" / "scores.json").is_file()


def test_plan_is_read_off_the_feature_code() -> None:
    """Which tables each history group reads comes from running the group on empty frames, not from a list."""
    job = spark_jobs.plan(["application", "bureau", "bureau_balance", "installments_payments"], with_target=False)
    assert [(g.name, g.tables) for g in job.groups] == [("bureau", ("bureau", "bureau_balance")),
                                                        ("installments", ("installments_payments",))]
    assert job.features.names == ["SK_ID_CURR", *FEATURE_NAMES]
