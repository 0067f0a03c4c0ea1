"""`credit features build`: raw tables in Postgres → per-client features in Postgres and in Parquet.

The raw tables are exported with COPY to temporary CSV files, then read by the very same feature pipeline
as the `--data-dir` training path. Exports run in parallel over several connections that share one
snapshot (a consistent view of all tables even if a load commits meanwhile), and fetch only the columns
the feature pipeline reads (credit_core.features.inputs). Files, not memory, hold the export: the
streaming engine then keeps memory bounded at Kaggle size.

`--engine spark` (portfolio/spark_database.py) exports the tables as a Kaggle-format folder instead
(export_kaggle_tables), has Spark compute the features, and stores them with the same `store`.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tqdm import tqdm

from credit_core import feature_store, homecredit
from credit_core.features import build_features, raw
from credit_core.features.inputs import input_columns
from credit_pipeline import sources

# Parallel COPY streams; the CLI's engine pools 2 + 2 overflow connections, one of which holds the snapshot.
EXPORT_CONNECTIONS = 3


NO_APPLICATION = "no application rows in the database: run `credit data ingest` first"


class NoApplicationData(Exception):
    """The database holds no application rows: there is nothing to compute features for."""


@dataclass
class FeatureBuildReport:
    clients: int
    n_features: int
    parquet: Path


@dataclass(frozen=True)
class _Export:
    """One COPY of the export: `query`'s rows to the CSV file `path`, returned under `key`."""

    key: str
    query: str
    path: Path


async def export_raw_tables(engine: AsyncEngine, out_dir: Path, *, progress: bool = True) -> dict[str, Path]:
    """Export each non-empty raw table (the feature pipeline's columns, application with TARGET) to a CSV
    file of `out_dir`; return raw table name -> file. Empty tables are left out, as absent files would be."""
    exports = [_Export(t.name, _select(t.name, _export_columns(t)), out_dir / f"{t.name}.csv")
               for t in homecredit.TABLES]
    return await _export(engine, exports, "export tables", progress)


async def export_kaggle_tables(engine: AsyncEngine, out_dir: Path, *, progress: bool = True) -> dict[str, Path]:
    """Export the raw tables as the Kaggle files they were ingested from (every column, Kaggle header order):
    application rows with a TARGET to application_train.csv, the others to application_test.csv (no TARGET
    column); return Kaggle file -> CSV file of `out_dir`, for the non-empty ones. Read by any engine's folder
    path (credit_pipeline.sources, the Spark job)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    exports = []
    for table in homecredit.TABLES:
        for file in table.files:
            where = ""
            if file == homecredit.TRAIN_FILE:
                where = ' WHERE "TARGET" IS NOT NULL'
            elif file == homecredit.TEST_FILE:
                where = ' WHERE "TARGET" IS NULL'
            exports.append(_Export(file, _select(table.name, table.file_columns(file)) + where, out_dir / file))
    return await _export(engine, exports, "export tables", progress)


async def _export(engine: AsyncEngine, exports: list[_Export], desc: str, progress: bool) -> dict[str, Path]:
    """Run the non-empty exports over parallel connections sharing one snapshot (a consistent view of all tables
    even if a load commits meanwhile); key -> file written."""
    async with engine.connect() as leader:
        leader = await leader.execution_options(isolation_level="REPEATABLE READ")
        async with leader.begin():
            snapshot = (await leader.exec_driver_sql("SELECT pg_export_snapshot()")).scalar_one()
            present = [e for e in exports if await _has_rows(leader, e.query)]
            bar = tqdm(total=len(present), desc=desc, disable=not progress, leave=False)
            slots = asyncio.Semaphore(EXPORT_CONNECTIONS)

            async def export(job: _Export) -> tuple[str, Path]:
                async with slots:
                    await _export_query(engine, snapshot, job.query, job.path)
                    bar.update()
                    return job.key, job.path

            try:
                return dict(await asyncio.gather(*(export(e) for e in present)))
            finally:
                bar.close()


async def _has_rows(conn: AsyncConnection, query: str) -> bool:
    return bool((await conn.exec_driver_sql(f"SELECT EXISTS ({query})")).scalar_one())


def _select(table: str, columns: list[str]) -> str:
    return "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{table}"'


def _export_columns(table: homecredit.Table) -> list[str]:
    wanted = set(input_columns()[table.name])
    if table is homecredit.APPLICATION:
        wanted.add("TARGET")  # not a feature input, but the training label stored beside the features
    return [c for c in table.column_names if c in wanted]


async def _export_query(engine: AsyncEngine, snapshot: str, query: str, path: Path) -> None:
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            await conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            driver = (await conn.get_raw_connection()).driver_connection
            await driver.copy_from_query(query, output=str(path), format="csv", header=True)


def read_exported(files: dict[str, Path]) -> dict[str, pl.LazyFrame]:
    """Lazy typed frames of exported tables (all raw columns; those not exported are typed nulls)."""
    tables = {}
    for name, path in files.items():
        table = homecredit.TABLES_BY_NAME[name]
        dtypes = raw.polars_schema(table)
        header = pl.scan_csv(path, n_rows=0).collect_schema().names()
        frame = pl.scan_csv(path, schema={c: dtypes[c] for c in header}, encoding="utf8")
        tables[name] = raw.conform(frame, table)
    return tables


def compute(data_dir: Path) -> pl.DataFrame:
    """SK_ID_CURR, TARGET and the catalogue features of every client in a folder of Kaggle CSVs."""
    return with_target(sources.scan_csv_dir(data_dir))


def with_target(tables: dict[str, pl.LazyFrame]) -> pl.DataFrame:
    frame = build_features(tables)
    target = tables["application"].select("SK_ID_CURR", "TARGET").collect()
    return frame.join(target, on="SK_ID_CURR", how="left").select("SK_ID_CURR", "TARGET", *frame.columns[1:])


async def build(engine: AsyncEngine, parquet: Path, *, progress: bool = True) -> FeatureBuildReport:
    steps = tqdm(total=3, desc="features", disable=not progress)
    parquet.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="raw-export-", dir=parquet.parent))
    try:
        steps.set_postfix_str("export")
        files = await export_raw_tables(engine, work, progress=progress)
        if homecredit.APPLICATION.name not in files:
            raise NoApplicationData(NO_APPLICATION)
        steps.update()
        steps.set_postfix_str("compute")
        frame = with_target(read_exported(files))
        steps.update()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    steps.set_postfix_str("write")
    report = await store(engine, frame, parquet)
    steps.update()
    steps.close()
    return report


async def store(engine: AsyncEngine, frame: pl.DataFrame, parquet: Path) -> FeatureBuildReport:
    """Every client's features (SK_ID_CURR, TARGET, catalogue order) -> the training Parquet, and client_feature
    replaced in one transaction (readers see the old rows until it commits). Whichever engine computed them."""
    frame.write_parquet(parquet)
    async with engine.connect() as conn, conn.begin():
        driver = (await conn.get_raw_connection()).driver_connection
        n = await feature_store.replace_all(driver, feature_store.encode(frame.drop("TARGET"), frame["TARGET"]))
    return FeatureBuildReport(clients=n, n_features=frame.width - 2, parquet=parquet)
