"""The model registry on a real, migrated PostgreSQL: register, activate, list, the cheap active-id poll."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from credit_core import db, orm, registry


@pytest.fixture(scope="module")
async def registry_engine(fresh_database: Any) -> AsyncIterator[AsyncEngine]:
    """A database of its own: these tests change which version is active."""
    engine = db.create_engine(fresh_database(), pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(registry_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with registry_engine.begin() as conn:
        await conn.execute(sa.delete(orm.ModelVersion))
    async with db.session_factory(registry_engine)() as s:
        yield s


def meta(version: str, minutes: int = 0, auc: float = 0.75) -> dict[str, Any]:
    created = datetime(2026, 11, 27, 12, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    return {
        "version": version, "path": f"/models/{version}", "feature_set_version": "fs1-abc",
        "threshold": 0.09, "created_at": created.isoformat(), "n_train": 1000,
        "costs": {"false_negative": 10.0, "false_positive": 1.0},
        "metrics": {"auc": auc, "brier": 0.07, "evaluation": "oof-5fold"},
        "features": [{"name": "A", "kind": "numeric"}],
        "training": {"fingerprint": "f" * 64},
    }


async def test_register_activates_by_default_and_keeps_one_active(session: AsyncSession) -> None:
    assert await registry.active_version_id(session) is None
    first = await registry.register(session, meta("v1"), activate=True)
    assert first.is_active and first.activated_at is not None
    assert first.metrics == {"auc": 0.75, "brier": 0.07, "evaluation": "oof-5fold"}
    assert first.details["n_features"] == 1 and first.details["training"]["fingerprint"] == "f" * 64
    second = await registry.register(session, meta("v2", minutes=5, auc=0.8), activate=True)
    assert second.is_active
    assert await registry.active_version_id(session) == "v2"
    versions = await registry.list_versions(session)
    assert [(v.version, v.is_active) for v in versions] == [("v2", True), ("v1", False)]


async def test_register_without_activation(session: AsyncSession) -> None:
    await registry.register(session, meta("v1"), activate=True)
    row = await registry.register(session, meta("v2", minutes=1), activate=False)
    assert not row.is_active
    active = await registry.active_version(session)
    assert active is not None and active.version == "v1"


async def test_activate_switches_and_rejects_unknown_versions(session: AsyncSession) -> None:
    await registry.register(session, meta("v1"), activate=True)
    await registry.register(session, meta("v2", minutes=1), activate=False)
    row = await registry.activate(session, "v2")
    assert row.is_active and await registry.active_version_id(session) == "v2"
    assert await registry.activate(session, "v2")  # activating the active version again is harmless
    with pytest.raises(registry.UnknownModelVersion, match="nope"):
        await registry.activate(session, "nope")
    assert await registry.active_version_id(session) == "v2"  # nothing changed
    count = await session.scalar(sa.select(sa.func.count()).where(orm.ModelVersion.is_active))
    assert count == 1


async def test_re_registering_a_version_updates_it(session: AsyncSession) -> None:
    await registry.register(session, meta("v1"), activate=False)
    moved = {**meta("v1"), "path": "/elsewhere/v1"}
    row = await registry.register(session, moved, activate=False)
    assert row.path == "/elsewhere/v1"
    assert len(await registry.list_versions(session)) == 1


async def test_the_database_refuses_two_active_versions(session: AsyncSession) -> None:
    await registry.register(session, meta("v1"), activate=True)
    await registry.register(session, meta("v2", minutes=1), activate=False)
    with pytest.raises(IntegrityError):
        await session.execute(sa.update(orm.ModelVersion).where(orm.ModelVersion.version == "v2")
                              .values(is_active=True))
    await session.rollback()


async def test_concurrent_activations_leave_exactly_one_active(registry_engine: AsyncEngine,
                                                               session: AsyncSession) -> None:
    import asyncio

    for i in range(4):
        await registry.register(session, meta(f"v{i}", minutes=i), activate=i == 0)
    factory = db.session_factory(registry_engine)

    async def flip(version: str) -> None:
        async with factory() as s:
            await registry.activate(s, version)

    await asyncio.gather(*(flip(f"v{i % 4}") for i in range(12)))
    count = await session.scalar(sa.select(sa.func.count()).where(orm.ModelVersion.is_active))
    assert count == 1
