"""`credit features build`: one feature row per client in Postgres, the same values as the Parquet file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from credit_core import db, feature_store, features
from credit_pipeline import featurize
from credit_pipeline.ingest import ingest


async def test_build_writes_one_row_per_client_in_both_stores(
    fresh_database: Callable[[], str], synth_dir: Path, tmp_path: Path
) -> None:
    engine = db.create_engine(fresh_database(), pool_size=2)
    try:
        await ingest(engine, synth_dir, progress=False)
        parquet = tmp_path / "features.parquet"
        report = await featurize.build(engine, parquet, progress=False)

        async with engine.connect() as conn:
            clients = (await conn.exec_driver_sql("SELECT count(*) FROM application")).scalar_one()
            versions = (await conn.exec_driver_sql("SELECT DISTINCT feature_set_version FROM client_feature")).all()
            raw = (await conn.get_raw_connection()).driver_connection
            ids = [r[0] for r in (await conn.exec_driver_sql('SELECT "SK_ID_CURR" FROM application LIMIT 50')).all()]
            records = await feature_store.fetch(raw, ids)
    finally:
        await engine.dispose()

    assert report.clients == clients
    assert versions == [(features.FEATURE_SET_VERSION,)]
    table = pl.read_parquet(parquet)
    assert table.height == clients
    assert table.columns == ["SK_ID_CURR", "TARGET", *features.FEATURE_NAMES]
    assert table["SK_ID_CURR"].n_unique() == clients

    from_db = feature_store.decode(records).sort("SK_ID_CURR")
    from_parquet = table.filter(pl.col("SK_ID_CURR").is_in(ids)).drop("TARGET").sort("SK_ID_CURR")
    assert_frame_equal(from_db, from_parquet, check_exact=True)
    assert {r["target"] for r in records} <= {0, 1, None}
