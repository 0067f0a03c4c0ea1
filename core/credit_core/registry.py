"""Model registry: which trained bundles exist and which one the services serve (table model_version).

Exactly one version is active (a partial unique index on is_active enforces it). Services poll
`active_version_id` every few seconds and hot-swap their bundle when it changes. Writers commit their
own transaction: `activate` deactivates the current version and activates the new one atomically, under a
transaction-level advisory lock so that two concurrent activations queue instead of colliding on the index.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from credit_core.orm import ModelVersion

_ACTIVATION_LOCK = 0x6372_6564_6974  # arbitrary constant key for pg_advisory_xact_lock ("credit")
_METRIC_KEYS = (
    "auc", "pr_auc", "brier", "log_loss", "ks", "calibration_error", "business_cost", "business_cost_per_client",
    "business_cost_at_0_5", "oracle_auc", "evaluation",
)


class UnknownModelVersion(LookupError):
    def __init__(self, version: str) -> None:
        super().__init__(f"unknown model version {version!r} (see `credit model list`)")
        self.version = version


async def register(session: AsyncSession, bundle_meta: Mapping[str, Any], activate: bool = True) -> ModelVersion:
    """Record a bundle from its metadata.json content plus its "path"; optionally make it the active one.

    Registering an already known version updates its row (re-registering a moved bundle is harmless).
    """
    metrics = bundle_meta.get("metrics", {})
    details = {k: v for k, v in bundle_meta.items() if k not in ("metrics", "features", "path")}
    details["n_features"] = len(bundle_meta.get("features", []))
    values = {
        "path": str(bundle_meta["path"]),
        "feature_set_version": bundle_meta["feature_set_version"],
        "threshold": float(bundle_meta["threshold"]),
        "metrics": {k: metrics[k] for k in _METRIC_KEYS if k in metrics},
        "details": details,
        "created_at": _parse_time(bundle_meta.get("created_at")),
    }
    statement = (
        postgresql.insert(ModelVersion)
        .values(version=bundle_meta["version"], is_active=False, **values)
        .on_conflict_do_update(index_elements=[ModelVersion.version], set_=values)
    )

    async def change() -> str:
        await session.execute(statement)
        if activate:
            await _activate(session, bundle_meta["version"])
        return str(bundle_meta["version"])

    return await _committed(session, change)


async def activate(session: AsyncSession, version: str) -> ModelVersion:
    """Make `version` the one active model (one transaction); raise UnknownModelVersion if it is not registered."""

    async def change() -> str:
        await _activate(session, version)
        return version

    return await _committed(session, change)


async def _committed(session: AsyncSession, change: Callable[[], Awaitable[str]]) -> ModelVersion:
    """Run `change` (it returns the version it touched) as one transaction, then read that version's fresh row."""
    try:
        version = await change()
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    row = await session.get(ModelVersion, version, populate_existing=True)
    assert row is not None
    return row


async def list_versions(session: AsyncSession) -> list[ModelVersion]:
    """Every registered version, newest first."""
    result = await session.scalars(sa.select(ModelVersion).order_by(ModelVersion.created_at.desc()))
    return list(result)


async def active_version(session: AsyncSession) -> ModelVersion | None:
    return await session.scalar(sa.select(ModelVersion).where(ModelVersion.is_active))


async def active_version_id(session: AsyncSession) -> str | None:
    """The active version's id only: an index-only look-up, cheap enough to poll every second."""
    return await session.scalar(sa.select(ModelVersion.version).where(ModelVersion.is_active))


async def challenger_version(session: AsyncSession) -> ModelVersion | None:
    return await session.scalar(sa.select(ModelVersion).where(ModelVersion.is_challenger))


async def challenger_version_id(session: AsyncSession) -> str | None:
    """The challenger's id (scored in the shadow of the active version), polled like the active one."""
    return await session.scalar(sa.select(ModelVersion.version).where(ModelVersion.is_challenger))


async def set_challenger(session: AsyncSession, version: str | None) -> ModelVersion | None:
    """Make `version` the one challenger (None: no challenger any more); the active version cannot be one."""
    try:
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_ACTIVATION_LOCK)))
        if version is not None:
            row = await session.get(ModelVersion, version, populate_existing=True)
            if row is None:
                raise UnknownModelVersion(version)
            if row.is_active:
                raise ValueError(f"{version} is the active version: a challenger is another version")
        await session.execute(sa.update(ModelVersion).where(ModelVersion.is_challenger).values(is_challenger=False))
        if version is not None:
            await session.execute(sa.update(ModelVersion).where(ModelVersion.version == version)
                                  .values(is_challenger=True))
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return None if version is None else await session.get(ModelVersion, version, populate_existing=True)


class NoChallenger(LookupError):
    def __init__(self) -> None:
        super().__init__("no challenger to promote (see `credit model shadow VERSION`)")


async def promote(session: AsyncSession) -> ModelVersion:
    """Make the challenger the active version (the services' usual hot activation) and stop shadowing it, in one
    transaction; the former champion is simply no longer served."""

    async def change() -> str:
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_ACTIVATION_LOCK)))
        version = await session.scalar(sa.select(ModelVersion.version).where(ModelVersion.is_challenger))
        if version is None:
            raise NoChallenger
        await session.execute(sa.update(ModelVersion).where(ModelVersion.is_challenger).values(is_challenger=False))
        await _activate(session, version, locked=True)
        return version

    return await _committed(session, change)


def resolve_path(row: ModelVersion, models_dir: Path) -> Path:
    """The bundle directory of a registry row: its recorded path, else `models_dir/<version>` (moved or mounted)."""
    path = Path(row.path)
    return path if path.is_dir() else models_dir / row.version


async def _activate(session: AsyncSession, version: str, *, locked: bool = False) -> None:
    if not locked:
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_ACTIVATION_LOCK)))
    exists = await session.scalar(sa.select(ModelVersion.version).where(ModelVersion.version == version))
    if exists is None:
        raise UnknownModelVersion(version)
    # Deactivate first: the partial unique index is checked statement by statement.
    await session.execute(
        sa.update(ModelVersion).where(ModelVersion.is_active, ModelVersion.version != version).values(is_active=False)
    )
    await session.execute(
        sa.update(ModelVersion)
        .where(ModelVersion.version == version, sa.not_(ModelVersion.is_active))
        .values(is_active=True, is_challenger=False, activated_at=datetime.now(UTC))
    )


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return datetime.now(UTC)
