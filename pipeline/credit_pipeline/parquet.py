"""`credit data parquet`: a folder of Kaggle CSV files -> the same tables as typed Parquet files.

Each `X.csv` becomes `X.parquet` with the same columns, typed by credit_core.homecredit (ids Int64, numbers
Float64, categories String): the readers of both engines (credit_pipeline.sources, the Spark job) prefer it to
the CSV. Parquet is columnar and compressed: a job reads only the columns the features need, with no parsing.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from credit_core import homecredit
from credit_pipeline.ingest import IngestError
from credit_pipeline.sources import _scan, parquet_name


def csv_dir_to_parquet(data_dir: Path, out_dir: Path) -> dict[str, int]:
    """Convert every Kaggle CSV of `data_dir` (streamed: bounded memory); return Parquet file -> rows."""
    if not data_dir.is_dir():
        raise IngestError(str(data_dir), "not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for table in homecredit.TABLES:
        for file in table.files:
            frame = _scan(data_dir / file, table)  # header checked, columns typed
            if frame is None:
                continue
            target = out_dir / parquet_name(file)
            frame.select(table.file_columns(file)).sink_parquet(target)
            rows[target.name] = pl.scan_parquet(target).select(pl.len()).collect().item()
    if not rows:
        raise IngestError(str(data_dir), "no Kaggle CSV file found")
    return rows
