"""client_feature's derived columns (category hashes, row digest): what encode writes and what migration 0005
fills in for rows written before it, identically."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import numpy as np
import orjson
from sqlalchemy.engine import make_url

from credit_core import db, feature_store, features
from credit_core.category_hash import catboost_hashes
from credit_core.model import MISSING_CATEGORY
from tests import _postgres
from tests.scoring import _bundle

BEFORE_0005 = "0004_client_feature_uncompressed"


def test_encode_derives_the_category_hashes_and_the_row_digest() -> None:
    frame = _bundle.random_features(40, seed=3)
    records = [dict(zip(feature_store.COLUMNS, r, strict=True)) for r in feature_store.encode(frame)]
    categories = sorted({v for r in records for v in r["categorical"] if v is not None} | {MISSING_CATEGORY})
    known = catboost_hashes(categories)
    assert any(v is None for r in records for v in r["categorical"])  # missing categories are covered
    for r in records:
        hashes = np.frombuffer(r["category_hashes"], dtype="<i4").tolist()
        assert hashes == [known[MISSING_CATEGORY if v is None else v] for v in r["categorical"]]
        assert len(hashes) == len(features.CATEGORICAL_FEATURES)
        assert r["feature_hash"] == hashlib.sha256(r["numeric"] + orjson.dumps(r["categorical"])).digest()


def _migrate(url: str, revision: str) -> None:
    with ThreadPoolExecutor(1) as pool:  # alembic runs its own event loop
        pool.submit(db.upgrade, url, revision).result()


def test_migration_0005_fills_the_rows_written_before_it(server_url: str) -> None:
    frame = _bundle.random_features(12_000, seed=4)  # more than one of the migration's chunks
    expected = [dict(zip(feature_store.COLUMNS, r, strict=True)) for r in feature_store.encode(frame)]
    with ThreadPoolExecutor(1) as pool:
        url = pool.submit(_postgres.create_database, server_url).result()
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        _migrate(url, BEFORE_0005)
        old_columns = ("sk_id_curr", "feature_set_version", "numeric", "categorical", "target")

        async def write_old_rows() -> None:
            conn = await asyncpg.connect(dsn)
            try:
                await conn.copy_records_to_table(
                    "client_feature", records=[tuple(r[c] for c in old_columns) for r in expected], columns=old_columns)
            finally:
                await conn.close()

        async def read() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(dsn)
            try:
                return await conn.fetch("SELECT sk_id_curr, category_hashes, feature_hash FROM client_feature "
                                        "ORDER BY sk_id_curr")
            finally:
                await conn.close()

        asyncio.run(write_old_rows())
        _migrate(url, "head")
        rows = asyncio.run(read())
        assert [(r["sk_id_curr"], r["category_hashes"], r["feature_hash"]) for r in rows] == [
            (e["sk_id_curr"], e["category_hashes"], e["feature_hash"]) for e in expected]
    finally:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(_postgres.drop_database, server_url, url).result()


def test_replacing_the_table_refreshes_its_planner_statistics(fresh_database: Callable[[], str]) -> None:
    dsn = make_url(fresh_database()).set(drivername="postgresql").render_as_string(hide_password=False)

    async def replace_and_read_estimate() -> float:
        conn = await asyncpg.connect(dsn)
        try:
            async with conn.transaction():
                await feature_store.replace_all(conn, feature_store.encode(_bundle.random_features(500, seed=6)))
            return float(await conn.fetchval("SELECT reltuples FROM pg_class WHERE relname = 'client_feature'"))
        finally:
            await conn.close()

    assert asyncio.run(replace_and_read_estimate()) == 500  # -1 (never analysed) until autovacuum gets to it
