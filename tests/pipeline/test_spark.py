"""The Spark engine in local[2] against the single-machine engine on the generated data set: the same features
(up to float summation order) and the very same decisions, from CSV and from Parquet inputs, and from the
database into client_feature. A user's shuffle partitions win over the job's default."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from credit_cli.main import app
from credit_core import db, feature_store
from credit_core.features import FEATURE_NAMES
from credit_core.model import ModelBundle
from credit_core.settings import get_settings
from credit_pipeline import featurize
from credit_pipeline.ingest import ingest
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
    assert summary["spark_shuffle_partitions"] == BUCKETS  # the job's default: one shuffle partition per bucket
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


SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions"


def test_users_shuffle_partitions_win_over_the_jobs_default(spark: SparkSession, synth_dir: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    planned_with: list[str | None] = []  # the session's setting once the job has planned its shuffles
    plan_rows = spark_jobs.feature_rows

    def spy(session: SparkSession, *args: Any, **kwargs: Any) -> Any:
        rows = plan_rows(session, *args, **kwargs)
        planned_with.append(session.conf.get(SHUFFLE_PARTITIONS))
        return rows

    monkeypatch.setattr(spark_jobs, "feature_rows", spy)
    result = CliRunner().invoke(app, ["features", "build", "--engine", "spark", "--input", str(synth_dir),
                                      "--out", str(tmp_path / "out"), "--buckets", str(BUCKETS),
                                      "--conf", f"{SHUFFLE_PARTITIONS}=3"])
    assert result.exit_code == 0, result.output
    assert planned_with == ["3"]  # the user's 3, not the job's one per bucket
    assert json.loads((tmp_path / "out" / "features.json").read_text())["spark_shuffle_partitions"] == 3
    assert len(list((tmp_path / "out" / layout.FEATURES).glob("client_bucket=*"))) == BUCKETS  # layout unchanged
    # The joined session got its own settings back: neither the user's nor the job's value stays behind.
    assert not spark_session.chosen(spark, SHUFFLE_PARTITIONS)

    spark.conf.set(SHUFFLE_PARTITIONS, "5")  # set on the session itself (as spark-submit --conf would)
    try:
        with spark_jobs.shuffle_partitions(spark, BUCKETS) as partitions:
            assert partitions == 5 and spark.conf.get(SHUFFLE_PARTITIONS) == "5"
    finally:
        spark.conf.unset(SHUFFLE_PARTITIONS)
    with spark_jobs.shuffle_partitions(spark, BUCKETS) as partitions:  # nothing chosen: the job's default
        assert partitions == BUCKETS and spark.conf.get(SHUFFLE_PARTITIONS) == str(BUCKETS)
    assert not spark_session.chosen(spark, SHUFFLE_PARTITIONS)


async def _ingest_and_build_locally(url: str, synth_dir: Path, parquet: Path) -> None:
    engine = db.create_engine(url, pool_size=2)
    try:
        await ingest(engine, synth_dir, progress=False)
        await featurize.build(engine, parquet, progress=False)
    finally:
        await engine.dispose()


async def _client_features(url: str) -> tuple[pl.DataFrame, list[tuple[object, ...]]]:
    """Every client_feature row: the decoded features, and (client, feature set, target) of each."""
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            records = await raw.fetch("SELECT * FROM client_feature ORDER BY sk_id_curr")
    finally:
        await engine.dispose()
    return (feature_store.decode(records),
            [(r["sk_id_curr"], r["feature_set_version"], r["target"]) for r in records])


def test_database_features_on_spark_equal_the_local_path(
    spark: SparkSession, fresh_database: Callable[[], str], synth_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`credit features build --engine spark` without --input: the clients ingested in the database, their
    features computed by Spark, stored in client_feature (and the training Parquet) as the local path does."""
    url = fresh_database()
    asyncio.run(_ingest_and_build_locally(url, synth_dir, tmp_path / "local.parquet"))
    expected, expected_keys = asyncio.run(_client_features(url))

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["features", "build", "--engine", "spark", "--buckets", str(BUCKETS)])
        parquet = get_settings().features_parquet
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"{len(expected_keys):,} clients" in result.output
    assert spark.sparkContext._jsc is not None  # the command did not stop the session it joined

    got, got_keys = asyncio.run(_client_features(url))
    assert got_keys == expected_keys  # the same clients, feature set version and target
    assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-12, abs_tol=1e-9)
    training = pl.read_parquet(parquet)
    assert training.columns == ["SK_ID_CURR", "TARGET", *FEATURE_NAMES]
    assert_frame_equal(training, pl.read_parquet(tmp_path / "local.parquet").sort("SK_ID_CURR"),
                       check_exact=False, rel_tol=1e-12, abs_tol=1e-9)
    assert not list(parquet.parent.glob("spark-export-*"))  # the temporary Kaggle folder is gone
