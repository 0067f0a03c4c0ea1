"""What `credit run` prepares for the dashboard (session secret, service API key, demo advisor), the
registration of an operator-chosen SERVICE_API_KEY (`credit db bootstrap`, docker compose), and `credit user create`."""

from __future__ import annotations

import asyncio
import stat
import subprocess
import sys
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
import sqlalchemy as sa

from credit_cli import _webaccess, run
from credit_core import db, orm
from credit_core.service import auth
from credit_core.settings import Settings
from tests import _postgres
from tests.web._stack import Stack

T = TypeVar("T")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_run_creates_secrets_and_demo_login_later_runs_reuse_them(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    settings = Settings(database_url=url, data_dir=tmp_path, session_secret="", service_api_key="")
    first = _webaccess.ensure(settings, url)
    assert first.demo_username == "advisor" and first.demo_password
    assert len(first.session_secret) >= 32 and first.service_api_key.startswith("pad_")
    for name in ("session_secret", "service_api_key", "demo_advisor_password"):
        assert _mode(tmp_path / "secrets" / name) == 0o600
    again = _webaccess.ensure(settings, url)
    assert again == first  # same secret, same key, same printed login

    (tmp_path / "secrets" / "service_api_key").write_text("pad_not-a-real-key\n")
    replaced = _webaccess.ensure(settings, url)
    assert replaced.service_api_key != "pad_not-a-real-key"  # an unknown key is replaced by a valid one
    assert replaced.service_api_key.startswith("pad_")


async def _api_keys(url: str) -> list[tuple[str, str, bool]]:
    """(name, key_hash, revoked) of every row of api_key."""
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(sa.select(orm.ApiKey.name, orm.ApiKey.key_hash, orm.ApiKey.revoked_at))
            return [(name, digest, revoked is not None) for name, digest, revoked in rows]
    finally:
        await engine.dispose()


async def _revoke_now(url: str, name: str) -> None:
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.update(orm.ApiKey).where(orm.ApiKey.name == name).values(revoked_at=sa.func.now()))
    finally:
        await engine.dispose()


def _in_own_loop(coroutine: Coroutine[object, object, T]) -> T:
    with ThreadPoolExecutor(1) as pool:  # the test may already run inside an event loop
        return pool.submit(asyncio.run, coroutine).result()


def _keys(url: str) -> list[tuple[str, str, bool]]:
    return _in_own_loop(_api_keys(url))


def _revoke(url: str, name: str) -> None:
    _in_own_loop(_revoke_now(url, name))


def test_environment_secrets_win_over_generated_ones(fresh_database: Callable[[], str], tmp_path: Path) -> None:
    url = fresh_database()
    settings = Settings(database_url=url, data_dir=tmp_path, session_secret="from-env-" + "x" * 30,
                        service_api_key="pad_from_env_" + "k" * 30)
    access = _webaccess.ensure(settings, url)
    assert access.session_secret == settings.session_secret and access.service_api_key == settings.service_api_key
    assert not (tmp_path / "secrets" / "session_secret").exists()
    assert not (tmp_path / "secrets" / "service_api_key").exists()
    # The environment's key is registered (only its hash), so scoring and explain accept web's calls.
    assert _keys(url) == [("web", auth.hash_key(settings.service_api_key), False)]
    _webaccess.ensure(settings, url)
    assert len(_keys(url)) == 1  # registered once


def test_service_key_registration_adds_unknown_keys_once_and_refuses_revoked_or_short_ones(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()

    def given(key: str) -> Settings:
        return Settings(database_url=url, data_dir=tmp_path, service_api_key=key)

    assert _webaccess.register_service_key(given(""), url) is False
    assert _keys(url) == []
    generated = _webaccess.ensure(given(""), url)
    chosen = "operator-chosen-" + "r" * 20
    assert _webaccess.register_service_key(given(chosen), url) is True
    assert _webaccess.register_service_key(given(chosen), url) is False
    names = {name: digest for name, digest, _ in _keys(url)}
    assert names["web"] == auth.hash_key(generated.service_api_key)  # the name is taken: another one is used
    assert sorted(names.values()) == sorted([auth.hash_key(generated.service_api_key), auth.hash_key(chosen)])

    with pytest.raises(_webaccess.UnusableServiceKey, match="shorter than 32"):
        _webaccess.register_service_key(given("short-key"), url)
    _revoke(url, "web")
    with pytest.raises(_webaccess.UnusableServiceKey, match="revoked"):
        _webaccess.register_service_key(given(generated.service_api_key), url)
    assert ("web", auth.hash_key(generated.service_api_key), True) in _keys(url)  # still revoked
    assert len(_keys(url)) == 2


def test_alembic_runs_only_when_the_schema_is_behind(server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`credit run` reads the schema revision and what the bootstrap must fill in one go; alembic only if behind."""
    url = _postgres.create_database(server_url)
    try:
        assert run.database_state(url) == run.DatabaseState(at_head=False, missing={})  # nothing applied yet
        db.upgrade(url, "0001")
        assert not run.database_state(url).at_head
        assert run.prepare_database(url) == {"clients": True, "features": True, "model": True}
        assert run.database_state(url).at_head

        def no_alembic(*args: object) -> None:
            raise AssertionError("alembic ran on a schema already at head")

        monkeypatch.setattr(db, "upgrade", no_alembic)
        assert run.prepare_database(url) == {"clients": True, "features": True, "model": True}
    finally:
        _postgres.drop_database(server_url, url)


@pytest.mark.slow
def test_db_bootstrap_registers_the_environments_service_key_for_real_calls(stack: Stack) -> None:
    """What docker compose does: `credit db bootstrap` with SERVICE_API_KEY set, then web's key works on scoring."""
    key = auth.generate_key()
    client_id = stack.client_ids(1)[0]
    refused = httpx.get(f"{stack.scoring_url}/v1/clients/{client_id}/score",
                        headers={"Authorization": f"Bearer {auth.generate_key()}"}, timeout=30)
    assert refused.status_code == 401
    done = subprocess.run([sys.executable, "-m", "credit_cli", "db", "bootstrap"],
                          env={**stack.env, "SERVICE_API_KEY": key}, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SERVICE_API_KEY registered" in done.stdout and "empty database" not in done.stdout
    scored = httpx.get(f"{stack.scoring_url}/v1/clients/{client_id}/score",
                       headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert scored.status_code == 200, scored.text
    again = subprocess.run([sys.executable, "-m", "credit_cli", "db", "bootstrap"],
                           env={**stack.env, "SERVICE_API_KEY": key}, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0 and "SERVICE_API_KEY registered" not in again.stdout, again.stdout + again.stderr


@pytest.mark.slow
def test_user_create_refuses_duplicates_weak_passwords_and_unknown_roles(stack: Stack) -> None:
    def credit_user(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "credit_cli", "user", "create", *args], env=stack.env,
                              capture_output=True, text=True, timeout=120)

    duplicate = credit_user(stack.advisor.username, "--password", "another long password")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    weak = credit_user("new-person", "--password", "short")
    assert weak.returncode == 1 and "at least 10 characters" in weak.stderr
    role = credit_user("new-person", "--role", "root", "--password", "a long enough password")
    assert role.returncode == 1 and "role must be one of" in role.stderr
    prompted = subprocess.run([sys.executable, "-m", "credit_cli", "user", "create", "prompted-user"], env=stack.env,
                              input="a long enough password\na long enough password\n", capture_output=True,
                              text=True, timeout=120)
    assert prompted.returncode == 0, prompted.stderr
    assert "user prompted-user (advisor) created" in prompted.stdout
