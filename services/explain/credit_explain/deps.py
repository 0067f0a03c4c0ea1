"""Dependencies: settings, the served bundle and its explain context, a pooled connection, load-or-404 checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Path, Request

from credit_core import db, features
from credit_core.explain import store
from credit_core.explain._bundle import BundleLike
from credit_core.explain.context import ExplainContext
from credit_core.ids import ClientIdParam
from credit_core.service.problems import ProblemError
from credit_explain.config import ExplainSettings
from credit_explain.state import ExplainState


def get_settings(request: Request) -> ExplainSettings:
    settings: ExplainSettings = request.app.state.settings
    return settings


def get_bundle(request: Request) -> BundleLike:
    bundle: BundleLike | None = request.app.state.holder.bundle
    if bundle is None:
        raise ProblemError(503, "model not loaded", "No active model version is loaded yet.")
    return bundle


async def get_context(request: Request, bundle: Annotated[BundleLike, Depends(get_bundle)]) -> ExplainContext:
    state: ExplainState = request.app.state.explain
    return await state.context_for(bundle)


async def get_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    async with request.app.state.engine.connect() as conn:
        yield await db.driver_connection(conn)


SettingsDep = Annotated[ExplainSettings, Depends(get_settings)]
BundleDep = Annotated[BundleLike, Depends(get_bundle)]
ContextDep = Annotated[ExplainContext, Depends(get_context)]
ConnectionDep = Annotated[asyncpg.Connection, Depends(get_connection)]
ClientId = Annotated[ClientIdParam, Path()]


async def valid_client(client_id: ClientId, conn: ConnectionDep, ctx: ContextDep) -> asyncpg.Record:
    """The client's feature row (+ stored SHAP when present), or 404."""
    record = await store.fetch_client(conn, ctx.version, features.FEATURE_SET_VERSION, client_id)
    if record is None:
        raise ProblemError(404, "client not found", f"No features for client {client_id}.", client_id=client_id)
    return record


def valid_feature(name: str, ctx: ContextDep) -> str:
    if name not in ctx.bundle.feature_names:
        raise ProblemError(404, "feature not found", f"The model has no feature {name!r}.", feature=name)
    return name


ClientRecordDep = Annotated[asyncpg.Record, Depends(valid_client)]
