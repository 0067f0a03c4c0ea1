"""Helpers of the portfolio job tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from credit_pipeline.portfolio import layout


def read_output(folder: str | Path) -> pl.DataFrame:
    """A job's Parquet output (either engine's layout), sorted by client, with its bucket column."""
    return pl.read_parquet(f"{folder}/**/*.parquet", hive_partitioning=True).with_columns(
        pl.col(layout.BUCKET).cast(pl.Int32)).sort("SK_ID_CURR")
