"""Where the jobs write, and how rows are partitioned: by client bucket, SK_ID_CURR mod the number of buckets.

A client's rows are always in `<out>/<kind>/client_bucket=<SK_ID_CURR mod N>/`: readers find one client by
reading one folder, and a folder holds one file per writer task. Both engines write this layout (hive-style
partition folders, readable by polars `scan_parquet(..., hive_partitioning=True)`, Spark, DuckDB...).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

BUCKET = "client_bucket"
DEFAULT_BUCKETS = 16
FEATURES = "features"
SCORES = "scores"


def bucket(n: int) -> pl.Expr:
    """The client bucket of each row (client ids are positive: credit_core.ids)."""
    return (pl.col("SK_ID_CURR") % n).cast(pl.Int32).alias(BUCKET)


def summary_file(out: Path | str, kind: str) -> str:
    return f"{str(out).rstrip('/')}/{kind}.json"


def data_dir(out: Path | str, kind: str) -> str:
    return f"{str(out).rstrip('/')}/{kind}"
