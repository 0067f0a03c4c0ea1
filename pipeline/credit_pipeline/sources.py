"""Lazy, typed scans of a folder of Home Credit tables (the Kaggle layout), as CSV or Parquet files.

Each Kaggle file may be given as CSV (`bureau.csv`) or as Parquet with the same stem (`bureau.parquet`, what
`credit data parquet` writes); when both exist the Parquet file is read (typed, columnar: much faster).

Used wherever features are computed from files rather than from the database: `credit train
--data-dir DIR` and the database path (which exports the raw tables to the same layout first).
Headers are checked with the ingest rules, so a bad file fails here with its name, not later in polars.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from credit_core import homecredit
from credit_core.features import raw
from credit_pipeline.ingest import IngestError, check_columns, check_header


def scan_csv_dir(data_dir: Path) -> dict[str, pl.LazyFrame]:
    """Raw table name -> lazy typed frame, for each Kaggle table present in `data_dir` (CSV or Parquet).

    application_train.csv and application_test.csv (either or both) form "application", with TARGET
    null for test rows. History files are optional: an absent one is absent from the dict.
    Other files in the folder are ignored. Raises IngestError naming the file on a missing
    application file or a wrong header.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise IngestError(str(data_dir), "not a directory")
    application = [_scan(table_file(data_dir, f), homecredit.APPLICATION) for f in homecredit.APPLICATION.files]
    present = [frame for frame in application if frame is not None]
    if not present:
        raise IngestError(str(data_dir), f"needs {homecredit.TRAIN_FILE} and/or {homecredit.TEST_FILE}")
    tables = {homecredit.APPLICATION.name: pl.concat(present, how="vertical")}
    for table in homecredit.TABLES:
        if table is homecredit.APPLICATION:
            continue
        frame = _scan(table_file(data_dir, table.files[0]), table)
        if frame is not None:
            tables[table.name] = frame
    return tables


def read_target(data_dir: Path) -> pl.DataFrame:
    """SK_ID_CURR and TARGET of the labelled clients of application_train.csv (rows without TARGET dropped)."""
    path = table_file(Path(data_dir), homecredit.TRAIN_FILE)
    frame = _scan(path, homecredit.APPLICATION)
    if frame is None:
        raise IngestError(str(path), "missing: the training target comes from this file")
    return frame.select("SK_ID_CURR", "TARGET").drop_nulls("TARGET").collect()


def table_file(data_dir: Path, kaggle_file: str) -> Path:
    """Where a Kaggle file of `data_dir` is: its Parquet twin when present, else the CSV itself (may not exist)."""
    parquet = data_dir / parquet_name(kaggle_file)
    return parquet if parquet.is_file() else data_dir / kaggle_file


def parquet_name(kaggle_file: str) -> str:
    return str(Path(kaggle_file).with_suffix(".parquet"))


def _scan(path: Path, table: homecredit.Table) -> pl.LazyFrame | None:
    if not path.is_file():
        return None
    if path.suffix == ".parquet":
        frame = pl.scan_parquet(path)
        check_columns(path.with_suffix(".csv").name, frame.collect_schema().names(), table)
        return raw.conform(frame, table)
    header = check_header(path, table)
    dtypes = raw.polars_schema(table)
    frame = pl.scan_csv(path, schema={name: dtypes[name] for name in header}, encoding="utf8")
    # Same columns, order and dtypes as every other source (application_test gets a null TARGET).
    return raw.conform(frame, table)
