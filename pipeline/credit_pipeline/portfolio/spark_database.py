"""`credit features build --engine spark`: the clients in the database -> client_feature, Spark computing.

Spark reads files, not Postgres (no JDBC driver ships with the project), so the raw tables go through a temporary
Kaggle-format folder: COPY of each table to CSV (featurize.export_kaggle_tables: one snapshot, parallel
connections, streamed to disk), typed Parquet (parquet.csv_dir_to_parquet, streamed), the Spark feature job
(spark_jobs.features, the one the --input path runs), then the result is stored exactly as the local engine's
(featurize.store: the training Parquet, client_feature replaced in one transaction).

The folder is on this machine's disk (beside the training Parquet): fine for local mode; a cluster's executors
would need it on storage they all read, which is what the --input path is for.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import polars as pl
from pyspark.sql import SparkSession
from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from credit_core import homecredit
from credit_core.features import FEATURE_NAMES
from credit_pipeline import featurize, parquet
from credit_pipeline.portfolio import layout, spark_jobs


async def build(engine: AsyncEngine, spark: SparkSession, parquet_file: Path, *,
                buckets: int = layout.DEFAULT_BUCKETS, progress: bool = True) -> featurize.FeatureBuildReport:
    """Features of every client in the raw tables, computed by Spark, stored in client_feature and Parquet."""
    steps = tqdm(total=3, desc="features (spark)", disable=not progress)
    parquet_file.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="spark-export-", dir=parquet_file.parent))
    try:
        steps.set_postfix_str("export")
        exported = await featurize.export_kaggle_tables(engine, work / "csv", progress=progress)
        if not exported.keys() & set(homecredit.APPLICATION.files):
            raise featurize.NoApplicationData(featurize.NO_APPLICATION)
        parquet.csv_dir_to_parquet(work / "csv", work / "tables")
        shutil.rmtree(work / "csv")  # the Parquet twins hold the same rows: free the disk before Spark runs
        steps.update()
        steps.set_postfix_str("compute")
        spark_jobs.features(spark, str(work / "tables"), str(work / "out"), buckets=buckets, with_target=True)
        frame = read_features(work / "out")
        steps.update()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    steps.set_postfix_str("write")
    report = await featurize.store(engine, frame, parquet_file)
    steps.update()
    steps.close()
    return report


def read_features(out: Path) -> pl.DataFrame:
    """The feature job's Parquet output as the local engine's frame: SK_ID_CURR, TARGET, catalogue order, by client."""
    folder = layout.data_dir(out, layout.FEATURES)
    frame = pl.read_parquet(f"{folder}/**/*.parquet", hive_partitioning=True)
    return frame.select("SK_ID_CURR", "TARGET", *FEATURE_NAMES).sort("SK_ID_CURR")
