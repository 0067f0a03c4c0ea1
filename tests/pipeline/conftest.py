"""Fixtures of the portfolio job tests (both engines): a small model and the data set as Parquet tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from credit_cli.main import app
from credit_core.model import ModelBundle
from credit_pipeline import featurize
from credit_pipeline import train as training

TINY = training.TrainConfig(iterations=30, depth=4, border_count=32, early_stopping_rounds=10, progress=False,
                            reference_size=200)


@pytest.fixture(scope="session")
def tiny_bundle(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> ModelBundle:
    """A small model trained on the generated data set."""
    result = training.train(training.from_frame(featurize.compute(synth_dir)), TINY, tmp_path_factory.mktemp("m"))
    return ModelBundle.load(result.path)


@pytest.fixture(scope="session")
def parquet_dir(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    result = CliRunner().invoke(app, ["data", "parquet", "--from", str(synth_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
