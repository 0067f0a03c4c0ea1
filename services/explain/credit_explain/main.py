"""The explanation service's app factory (`create_app`) and the module-level `app` for uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from credit_core import db
from credit_core.explain._bundle import BundleLike
from credit_core.model import ModelBundle
from credit_core.service import app as service_app
from credit_core.service import auth, observability
from credit_core.service.database import create_service_engine
from credit_core.service.model_holder import ModelHolder
from credit_core.settings import Settings
from credit_explain.config import ExplainSettings
from credit_explain.routes import catalogue, clients, directory, explanations, global_, health
from credit_explain.state import ExplainState

DESCRIPTION = """Why the model scores a client the way it does: exact TreeSHAP (log-odds) explanations with
plain-language reasons (FR/EN), global importance, population distributions, similar clients, counterfactuals.

All `/v1` endpoints need `Authorization: Bearer <API key>`. Errors are RFC 9457 problem details."""

HolderFactory = Callable[[async_sessionmaker[AsyncSession], ExplainSettings], ModelHolder[BundleLike]]


def _default_holder(
    sessions: async_sessionmaker[AsyncSession], config: ExplainSettings
) -> ModelHolder[ModelBundle]:
    return ModelHolder(sessions, config.model_poll_seconds, models_dir=config.models_dir)


def create_app(settings: Settings, *, holder_factory: HolderFactory = _default_holder) -> FastAPI:
    """`holder_factory` builds the model holder (default: the registry-polling ModelHolder)."""
    config = settings if isinstance(settings, ExplainSettings) else ExplainSettings(**settings.model_dump())
    metrics = observability.Metrics("explain")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_service_engine(db.resolve_database_url(config), pool_size=config.db_pool_size)
        sessions = db.session_factory(engine)
        holder = holder_factory(sessions, config)
        state = ExplainState(engine, holder, config)
        app.state.engine, app.state.holder, app.state.explain = engine, holder, state
        app.state.key_verifier = auth.KeyVerifier(sessions)
        await holder.start()
        service_app.freeze_startup_heap()
        watcher = asyncio.create_task(state.watch(), name="explain-context-watch")
        try:
            yield
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await state.stop()
            await holder.stop()
            await engine.dispose()

    app = FastAPI(title="Prêt à dépenser — explanations", version="1", description=DESCRIPTION,
                  lifespan=lifespan, generate_unique_id_function=service_app.unique_id)
    app.state.settings, app.state.metrics = config, metrics
    service_app.install(
        app,
        metrics=metrics,
        max_body_bytes=config.max_body_bytes,
        v1_routers=[
            (explanations.router, "explanations"),
            (global_.router, "global"),
            (catalogue.router, "features"),
            (clients.router, "clients"),
            (directory.router, "clients"),
        ],
        health_router=health.router,
    )
    return app


def _app_for_uvicorn() -> FastAPI:
    from credit_explain.config import get_explain_settings

    return create_app(get_explain_settings())


app = _app_for_uvicorn()
