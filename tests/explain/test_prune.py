"""client_shap cleanup: once the served version's SHAP is complete, only it and the previously active version keep
their rows (the real service, a real bundle and a real database)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
import pytest
from asgi_lifespan import LifespanManager

from credit_core.explain import store
from credit_explain.config import ExplainSettings
from credit_explain.main import create_app
from tests.explain import _service

N_CLIENTS = 700
# name → activated how many days ago (None: registered, never served)
OLD_VERSIONS: dict[str, int | None] = {"cat-prev": 1, "cat-old": 2, "cat-older": 30, "cat-never": None}


async def _add_versions(conn: asyncpg.Connection, ids: list[int]) -> None:
    await conn.execute("UPDATE model_version SET activated_at = now() WHERE is_active")
    for version, days in OLD_VERSIONS.items():
        await conn.execute(
            "INSERT INTO model_version (version, path, feature_set_version, threshold, metrics, details, is_active,"
            " created_at, activated_at) VALUES ($1, '/nowhere', 'x', 0.5, '{}', '{}', false, now(),"
            " CASE WHEN $2::int IS NULL THEN NULL ELSE now() - make_interval(days => $2::int) END)",
            version, days,
        )
        shap = np.zeros(3).astype("<f8").tobytes()
        await conn.executemany(
            "INSERT INTO client_shap (model_version, sk_id_curr, base_value, shap) VALUES ($1, $2, 0, $3)",
            [(version, cid, shap) for cid in ids[:50]],
        )


async def _rows_per_version(conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT model_version, count(*) AS n FROM client_shap GROUP BY model_version")
    return {r["model_version"]: int(r["n"]) for r in rows}


@pytest.fixture(scope="module")
def seeded(fresh_database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    url = fresh_database()
    apps, target = _service.raw_applications(N_CLIENTS, 23)
    frame = _service.feature_frame(apps, target)
    bundle_dir = _service.write_bundle(frame, Path(tmp_path_factory.mktemp("bundle")))
    key = asyncio.run(_service.seed(url, apps, frame, bundle_dir, unlabelled=0))
    return {"url": url, "ids": frame["SK_ID_CURR"].to_list(), "key": key}


async def test_versions_to_keep_and_prune_in_the_store(seeded: dict[str, Any]) -> None:
    conn = await asyncpg.connect(_service._dsn(seeded["url"]))
    try:
        async with conn.transaction():
            await _add_versions(conn, seeded["ids"])
            assert sorted(await store.versions_to_keep(conn)) == ["cat-1", "cat-prev"]
            deleted = await store.prune(conn, keep=["cat-old"])
            assert deleted == {"cat-older": 50, "cat-never": 50}
            assert await _rows_per_version(conn) == {"cat-prev": 50, "cat-old": 50}
            raise _Rollback
    except _Rollback:
        pass
    finally:
        await conn.close()


class _Rollback(Exception):
    """Undo the store-level test's rows so the service test starts from the same state."""


async def test_service_prunes_after_its_precompute(seeded: dict[str, Any]) -> None:
    conn = await asyncpg.connect(_service._dsn(seeded["url"]))
    try:
        await _add_versions(conn, seeded["ids"])
        assert set(await _rows_per_version(conn)) == set(OLD_VERSIONS)
        app = create_app(ExplainSettings(database_url=seeded["url"], model_poll_seconds=0.2, shap_batch_size=150,
                                         similar_index=False))
        async with LifespanManager(app):
            await _service.settled(app)
        assert await _rows_per_version(conn) == {"cat-1": N_CLIENTS, "cat-prev": 50}
    finally:
        await conn.close()


async def test_no_pruning_when_disabled(seeded: dict[str, Any]) -> None:
    conn = await asyncpg.connect(_service._dsn(seeded["url"]))
    try:
        await conn.execute("DELETE FROM client_shap WHERE model_version <> 'cat-1'")
        await conn.execute("DELETE FROM model_version WHERE NOT is_active")
        await _add_versions(conn, seeded["ids"])
        app = create_app(ExplainSettings(database_url=seeded["url"], model_poll_seconds=0.2, prune_shap=False,
                                         similar_index=False))
        async with LifespanManager(app):
            await _service.settled(app)
        counts = await _rows_per_version(conn)
        assert counts["cat-1"] == N_CLIENTS and all(counts[v] == 50 for v in OLD_VERSIONS)
    finally:
        await conn.close()


def test_model_prune_command(seeded: dict[str, Any]) -> None:
    import os
    import subprocess
    import sys

    async def reset() -> None:
        conn = await asyncpg.connect(_service._dsn(seeded["url"]))
        try:
            await conn.execute("DELETE FROM client_shap WHERE model_version <> 'cat-1'")
            await conn.execute("DELETE FROM model_version WHERE NOT is_active")
            await _add_versions(conn, seeded["ids"])
        finally:
            await conn.close()

    async def counts() -> dict[str, int]:
        conn = await asyncpg.connect(_service._dsn(seeded["url"]))
        try:
            return await _rows_per_version(conn)
        finally:
            await conn.close()

    asyncio.run(reset())
    before = asyncio.run(counts())
    done = subprocess.run([sys.executable, "-m", "credit_cli", "model", "prune"], capture_output=True, text=True,
                          env=dict(os.environ, DATABASE_URL=seeded["url"]), check=False)
    assert done.returncode == 0, done.stderr
    assert "pruned 50 client_shap rows of cat-old" in done.stdout
    assert asyncio.run(counts()) == {"cat-1": before["cat-1"], "cat-prev": 50}
