"""The single-machine engine: credit_core.features' polars plan (streaming at scale) over a Kaggle-format folder."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import polars as pl

from credit_core import homecredit
from credit_core.features import build_features
from credit_core.model import ModelBundle
from credit_pipeline import featurize, sources
from credit_pipeline.portfolio import layout, summary
from credit_pipeline.portfolio.scoring import score_features


def input_files(data_dir: Path) -> dict[str, str]:
    """Kaggle file -> the file read for it (its Parquet twin or the CSV), for the files present."""
    found = {}
    for table in homecredit.TABLES:
        for file in table.files:
            path = sources.table_file(data_dir, file)
            if path.is_file():
                found[file] = str(path)
    return found


def features(data_dir: Path, out: Path, *, buckets: int = layout.DEFAULT_BUCKETS) -> dict[str, Any]:
    """SK_ID_CURR, TARGET and the catalogue features of every client -> `out/features/`, summary `out/features.json`."""
    started, clock = summary.now(), time.perf_counter()
    frame = featurize.compute(data_dir)
    _write(frame, Path(layout.data_dir(out, layout.FEATURES)), buckets)
    report = summary.features_summary(
        engine="local", master=None, inputs=input_files(data_dir), output=layout.data_dir(out, layout.FEATURES),
        buckets=buckets, clients=frame.height, started_at=started, seconds=time.perf_counter() - clock)
    summary.write(report, Path(layout.summary_file(out, layout.FEATURES)))
    return report


def rescore(data_dir: Path, bundle: ModelBundle, out: Path, *, buckets: int = layout.DEFAULT_BUCKETS) -> dict[str, Any]:
    """Every client's score and decision -> `out/scores/`, audit summary `out/scores.json`."""
    started, clock = summary.now(), time.perf_counter()
    scores = score_features(bundle, build_features(sources.scan_csv_dir(data_dir)))
    _write(scores, Path(layout.data_dir(out, layout.SCORES)), buckets)
    counts = scores.group_by("decision", "risk_band").agg(pl.len(), pl.col("probability").sum()).rows()
    report = summary.rescore_summary(
        engine="local", master=None, inputs=input_files(data_dir), output=layout.data_dir(out, layout.SCORES),
        buckets=buckets, bundle=bundle, counts=counts, started_at=started, seconds=time.perf_counter() - clock)
    summary.write(report, Path(layout.summary_file(out, layout.SCORES)))
    return report


def _write(frame: pl.DataFrame, target: Path, buckets: int) -> None:
    # The folder is this job's output, replaced whole (as Spark's overwrite mode does): no stale bucket survives.
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    frame.with_columns(layout.bucket(buckets)).write_parquet(target, partition_by=layout.BUCKET)
