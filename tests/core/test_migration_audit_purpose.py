"""Migration 0008_audit_purpose: rows written before it become `api` rows, only known purposes are accepted, and it
is revertible."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from credit_core import db
from tests import _postgres

INSERT_OLD = ("INSERT INTO decision (client_id, model_version, probability, threshold, decision, feature_hash, caller) "
              "VALUES (7, 'v1', 0.2, 0.1, 'refused', 'ab', 'web') RETURNING id")


def _alembic(url: str, action: str, revision: str) -> None:
    config = Config(str(db.MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with ThreadPoolExecutor(1) as pool:  # alembic runs its own event loop
        pool.submit(getattr(command, action), config, revision).result()


def test_purpose_migration_defaults_old_rows_and_reverts(server_url: str) -> None:
    with ThreadPoolExecutor(1) as pool:
        url = pool.submit(_postgres.create_database, server_url).result()
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def run(sql: str, *args: object) -> object:
        conn = await asyncpg.connect(dsn)
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    try:
        _alembic(url, "upgrade", "0007_web_sessions")
        old_id = asyncio.run(run(INSERT_OLD))
        _alembic(url, "upgrade", "0008_audit_purpose")
        assert asyncio.run(run("SELECT purpose FROM decision WHERE id = $1", old_id)) == "api"
        assert asyncio.run(run(INSERT_OLD.replace("caller)", "caller, purpose)").replace("'web')", "'web', 'view')")))
        with pytest.raises(asyncpg.CheckViolationError):
            asyncio.run(run(INSERT_OLD.replace("caller)", "caller, purpose)").replace("'web')", "'web', 'peek')")))
        assert asyncio.run(run("SELECT count(*) FROM information_schema.columns WHERE table_name = 'advisor_decision' "
                               "AND column_name = 'display_name'")) == 1
        _alembic(url, "downgrade", "0007_web_sessions")
        assert asyncio.run(run("SELECT count(*) FROM information_schema.columns WHERE table_name = 'decision' "
                               "AND column_name = 'purpose'")) == 0
    finally:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(_postgres.drop_database, server_url, url).result()
