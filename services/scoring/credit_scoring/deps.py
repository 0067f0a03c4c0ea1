"""Dependencies: settings, caller, the served model's Scorer, a pooled database connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Query, Request

from credit_core.scoring import audit
from credit_core.scoring.scorer import Scorer
from credit_core.scoring.shadow import ShadowScorer
from credit_core.service.auth import CallerDep, require_api_key
from credit_core.service.database import connection
from credit_core.service.model_holder import ModelHolder
from credit_core.service.observability import request_id
from credit_core.service.problems import ProblemError
from credit_scoring.config import ScoringSettings

__all__ = ["CallerDep", "ConnectionDep", "HolderDep", "PoolDep", "PurposeQuery", "RequestIdDep", "ScorerDep",
           "SettingsDep", "ShadowDep", "require_api_key"]

PURPOSE_DESCRIPTION = ("Why the score is computed, stored with its audit row: `view` (shown on a dashboard panel), "
                       "`letter`, `decision` or `api` (default).")


async def get_settings(request: Request) -> ScoringSettings:
    settings: ScoringSettings = request.app.state.settings
    return settings


async def get_holder(request: Request) -> ModelHolder[Scorer]:
    holder: ModelHolder[Scorer] = request.app.state.holder
    return holder


async def get_scorer(request: Request) -> Scorer:
    """The served model at the start of the request: a concurrent hot swap never changes it mid-request."""
    scorer: Scorer | None = request.app.state.holder.bundle
    if scorer is None:
        raise ProblemError(503, "model not loaded", "No active model version is loaded yet.")
    return scorer


async def get_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection of the service's asyncpg pool (no pre-ping, no reset: see credit_core.service.database)."""
    async with connection(request.app.state.pool) as conn:
        yield conn


async def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def get_shadow(request: Request) -> ShadowScorer | None:
    """The challenger's background scorer (it does nothing while no challenger is set)."""
    shadow: ShadowScorer | None = getattr(request.app.state, "shadow", None)
    return shadow


async def get_request_id(request: Request) -> str | None:
    return request_id(request.scope)


SettingsDep = Annotated[ScoringSettings, Depends(get_settings)]
HolderDep = Annotated[ModelHolder[Scorer], Depends(get_holder)]
ScorerDep = Annotated[Scorer, Depends(get_scorer)]
ConnectionDep = Annotated[asyncpg.Connection, Depends(get_connection)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
ShadowDep = Annotated[ShadowScorer | None, Depends(get_shadow)]
RequestIdDep = Annotated[str | None, Depends(get_request_id)]
PurposeQuery = Annotated[audit.Purpose, Query(description=PURPOSE_DESCRIPTION)]
