"""Dependencies: settings, caller, the served bundle, a pooled database connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request

from credit_core.service.auth import CallerDep, require_api_key
from credit_core.service.database import connection
from credit_core.service.model_holder import ModelHolder
from credit_core.service.observability import request_id
from credit_core.service.problems import ProblemError
from credit_scoring.batcher import ScoreBatcher
from credit_scoring.config import ScoringSettings

__all__ = ["BatcherDep", "BundleDep", "CallerDep", "ConnectionDep", "HolderDep", "PoolDep", "RequestIdDep",
           "SettingsDep", "require_api_key"]


async def get_settings(request: Request) -> ScoringSettings:
    settings: ScoringSettings = request.app.state.settings
    return settings


async def get_holder(request: Request) -> ModelHolder:
    holder: ModelHolder = request.app.state.holder
    return holder


async def get_bundle(request: Request) -> Any:
    """The bundle at the start of the request: a concurrent hot swap never changes it mid-request."""
    bundle = request.app.state.holder.bundle
    if bundle is None:
        raise ProblemError(503, "model not loaded", "No active model version is loaded yet.")
    return bundle


async def get_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection of the service's asyncpg pool (no pre-ping, no reset: see credit_core.service.database)."""
    async with connection(request.app.state.pool) as conn:
        yield conn


async def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def get_batcher(request: Request) -> ScoreBatcher:
    batcher: ScoreBatcher = request.app.state.batcher
    return batcher


async def get_request_id(request: Request) -> str | None:
    return request_id(request.scope)


SettingsDep = Annotated[ScoringSettings, Depends(get_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
BundleDep = Annotated[Any, Depends(get_bundle)]
ConnectionDep = Annotated[asyncpg.Connection, Depends(get_connection)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
BatcherDep = Annotated[ScoreBatcher, Depends(get_batcher)]
RequestIdDep = Annotated[str | None, Depends(get_request_id)]
