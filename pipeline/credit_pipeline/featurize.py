"""`credit features build`: raw tables in Postgres → per-client features in Postgres and in Parquet.

The raw tables are exported with COPY to temporary CSV files in the Kaggle layout, so the very same
reader and feature pipeline serve the database path and the `--data-dir` training path.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from credit_core import feature_store, homecredit
from credit_core.features import build_features
from credit_pipeline import sources


@dataclass
class FeatureBuildReport:
    clients: int
    n_features: int
    parquet: Path


async def export_raw_tables(engine: AsyncEngine, out_dir: Path, *, progress: bool = True) -> None:
    """Write each non-empty raw table as its Kaggle CSV (application as application_train.csv)."""
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        for table in tqdm(homecredit.TABLES, desc="export tables", disable=not progress, leave=False):
            if not await raw.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table.name}")'):
                continue
            columns = ", ".join(f'"{c}"' for c in table.column_names)
            await raw.copy_from_query(
                f'SELECT {columns} FROM "{table.name}"',
                output=str(out_dir / table.files[0]),
                format="csv",
                header=True,
            )


def compute(data_dir: Path) -> pl.DataFrame:
    """SK_ID_CURR, TARGET and the catalogue features of every client in a folder of Kaggle CSVs."""
    tables = sources.scan_csv_dir(data_dir)
    frame = build_features(tables)
    target = tables["application"].select("SK_ID_CURR", "TARGET").collect()
    return frame.join(target, on="SK_ID_CURR", how="left").select("SK_ID_CURR", "TARGET", *frame.columns[1:])


async def build(engine: AsyncEngine, parquet: Path, *, progress: bool = True) -> FeatureBuildReport:
    steps = tqdm(total=3, desc="features", disable=not progress)
    parquet.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="raw-export-", dir=parquet.parent))
    try:
        steps.set_postfix_str("export")
        await export_raw_tables(engine, work, progress=progress)
        steps.update()
        steps.set_postfix_str("compute")
        frame = compute(work)
        steps.update()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    steps.set_postfix_str("write")
    frame.write_parquet(parquet)
    async with engine.connect() as conn, conn.begin():
        raw = (await conn.get_raw_connection()).driver_connection
        n = await feature_store.replace_all(raw, feature_store.encode(frame.drop("TARGET"), frame["TARGET"]))
    steps.update()
    steps.close()
    return FeatureBuildReport(clients=n, n_features=frame.width - 2, parquet=parquet)
