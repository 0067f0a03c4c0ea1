"""The scoring tests' environment (a database with client features, a models folder, an API key) and helpers
to change the registry or count decisions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db, registry
from credit_scoring.config import ScoringSettings

N_CLIENTS = 300
FIRST_ID = 100_000


@dataclass
class ScoringEnv:
    url: str
    engine: AsyncEngine
    models_dir: Path
    api_key: str

    def settings(self, **overrides: object) -> ScoringSettings:
        values: dict[str, object] = {"database_url": self.url, "model_poll_seconds": 0.2,
                                     "models_dir": self.models_dir, **overrides}
        return ScoringSettings(**values)  # type: ignore[arg-type]


async def register(engine: AsyncEngine, bundle_meta: dict[str, Any]) -> None:
    """Register a bundle in the registry and make it the active one."""
    async with db.session_factory(engine)() as session:
        await registry.register(session, bundle_meta, activate=True)


async def activate(engine: AsyncEngine, version: str) -> None:
    async with db.session_factory(engine)() as session:
        await registry.activate(session, version)


async def decision_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT count(*) FROM decision"))).scalar_one())
