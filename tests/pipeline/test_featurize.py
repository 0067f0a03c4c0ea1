"""`credit features build`: one feature row per client in Postgres, the same values as the Parquet file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
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


async def test_database_path_gives_the_values_of_the_csv_path(
    fresh_database: Callable[[], str], synth_dir: Path, tmp_path: Path
) -> None:
    # The database export fetches only the columns the pipeline reads, over parallel connections.
    engine = db.create_engine(fresh_database(), pool_size=2)
    try:
        await ingest(engine, synth_dir, progress=False)
        await featurize.build(engine, tmp_path / "features.parquet", progress=False)
    finally:
        await engine.dispose()
    from_db = pl.read_parquet(tmp_path / "features.parquet")
    # The streaming engine may sum in a different order from run to run: equal to the last bits only.
    assert_frame_equal(from_db, featurize.compute(synth_dir), check_exact=False, rel_tol=1e-12, abs_tol=1e-9)


async def test_build_on_an_empty_database_says_what_to_do(fresh_database: Callable[[], str], tmp_path: Path) -> None:
    engine = db.create_engine(fresh_database(), pool_size=2)
    try:
        with pytest.raises(featurize.NoApplicationData, match="credit data ingest"):
            await featurize.build(engine, tmp_path / "features.parquet", progress=False)
    finally:
        await engine.dispose()
