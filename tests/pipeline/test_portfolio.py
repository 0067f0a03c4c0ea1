"""Portfolio jobs on one machine: CSV -> Parquet conversion, features and rescoring of a Kaggle-format folder,
written by client bucket with a summary; the same values as the feature pipeline and the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from credit_cli.main import app
from credit_core.model import ModelBundle
from credit_pipeline import featurize
from credit_pipeline.portfolio import layout, local
from credit_pipeline.portfolio.scoring import score_features

from ._portfolio import read_output


def test_parquet_tables_hold_the_csv_values(synth_dir: Path, parquet_dir: Path) -> None:
    assert {p.name for p in parquet_dir.iterdir()} == {p.with_suffix(".parquet").name for p in synth_dir.glob("*.csv")
                                                      if p.name != "truth.csv"}
    assert_frame_equal(featurize.compute(parquet_dir), featurize.compute(synth_dir))


def test_local_features_by_client_bucket(synth_dir: Path, tmp_path: Path) -> None:
    report = local.features(synth_dir, tmp_path, buckets=4)
    written = read_output(tmp_path / layout.FEATURES)
    expected = featurize.compute(synth_dir).sort("SK_ID_CURR")
    assert_frame_equal(written.drop(layout.BUCKET), expected)
    assert (written[layout.BUCKET] == written["SK_ID_CURR"] % 4).all()
    # One folder per bucket, and a client's rows only in its own.
    assert sorted(p.name for p in (tmp_path / layout.FEATURES).iterdir()) == [f"client_bucket={b}" for b in range(4)]
    assert report["clients"] == expected.height == json.loads((tmp_path / "features.json").read_text())["clients"]


def test_rescore_cli_local(synth_dir: Path, tiny_bundle: ModelBundle, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["rescore", "--engine", "local", "--input", str(synth_dir), "--out",
                                      str(tmp_path), "--model", str(tiny_bundle.path), "--buckets", "4"])
    assert result.exit_code == 0, result.output
    scores = read_output(tmp_path / layout.SCORES)
    features = featurize.compute(synth_dir).sort("SK_ID_CURR")
    assert_frame_equal(scores.drop(layout.BUCKET), score_features(tiny_bundle, features))
    audit = json.loads((tmp_path / "scores.json").read_text())
    assert audit["engine"] == "local" and audit["model"]["version"] == tiny_bundle.version
    assert audit["clients"] == scores.height == sum(audit["decisions"].values()) == sum(audit["risk_bands"].values())
    assert audit["decisions"]["refused"] == (scores["decision"] == "refused").sum()
    assert audit["mean_probability"] == pytest.approx(scores["probability"].mean())


def test_rescore_cli_errors_are_one_line(tmp_path: Path, tiny_bundle: ModelBundle) -> None:
    result = CliRunner().invoke(app, ["rescore", "--input", str(tmp_path), "--out", str(tmp_path / "o"),
                                      "--model", str(tiny_bundle.path)])
    assert result.exit_code == 1 and "application_train.csv" in result.output and "Traceback" not in result.output
