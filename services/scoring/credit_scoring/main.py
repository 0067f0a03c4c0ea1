"""The scoring service's app factory (`create_app`) and the module-level `app` for uvicorn."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel

from credit_core import db
from credit_core.model import ModelBundle
from credit_core.scoring.coalescer import ScoreCoalescer
from credit_core.scoring.scorer import Scorer
from credit_core.scoring.shadow import ShadowScorer
from credit_core.service import app as service_app
from credit_core.service import auth, observability
from credit_core.service.database import create_raw_pool, create_service_engine
from credit_core.service.model_holder import ModelHolder
from credit_core.settings import Settings
from credit_core.tasks import cancel_and_wait
from credit_scoring.config import ScoringSettings
from credit_scoring.monitoring import MonitoringMetrics
from credit_scoring.routes import advisor, decisions, health, kserve, model, score

APPLICATION_NAME = "credit-scoring"  # the raw pool's connections, as pg_stat_activity shows them
BATCH_PATH = r"/v1/score/batch"
KSERVE_PREDICT_PATH = r"/v1/models/[^/]+:predict"
DESCRIPTION = """Default probability and granted/refused decision for Home Credit clients and new applications.

All `/v1` endpoints need `Authorization: Bearer <API key>` (`credit apikey create NAME`). Errors are
RFC 9457 problem details (`application/problem+json`). Every decision returned is first stored in the
audit table (`decision_id`)."""


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


async def _freeze_once_compiled(holder: ModelHolder[Scorer]) -> None:
    """The first model's evaluator compiles in the background, after the startup heap was frozen, and brings numba
    (~80k long-lived objects, ~30 ms more per full collection): freeze them too once it is done."""
    scorer = holder.bundle
    if scorer is None:
        return
    await asyncio.to_thread(scorer.compiled.wait)
    gc.freeze()  # no collect first: traffic may be flowing (a full pass stalls it ~0.1 s)


def create_app(settings: Settings, *, bundle_loader: Callable[[Path], ModelBundle] | None = None) -> FastAPI:
    """The service; `bundle_loader` (path -> bundle) defaults to credit_core.model.ModelBundle.load."""
    config = settings if isinstance(settings, ScoringSettings) else ScoringSettings(**settings.model_dump())
    metrics = observability.Metrics("scoring")
    monitoring_metrics = MonitoringMetrics(metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = db.resolve_database_url(config)
        engine = create_service_engine(url, pool_size=config.db_pool_size)
        pool = await create_raw_pool(url, max_size=config.db_pool_size,
                                     synchronous_commit=config.audit_synchronous_commit,
                                     application_name=APPLICATION_NAME)
        sessions = db.session_factory(engine)
        load = bundle_loader or ModelBundle.load

        def load_scorer(path: Path) -> Scorer:  # in the loader's thread, before the swap: never per request
            return Scorer(load(path), compile_in_background=True)

        holder = ModelHolder(sessions, config.model_poll_seconds, loader=load_scorer, models_dir=config.models_dir)
        challenger = ModelHolder(sessions, config.model_poll_seconds, loader=load_scorer,
                                 models_dir=config.models_dir, challenger=True)
        shadow = ShadowScorer(pool, lambda: challenger.bundle)
        coalescer = ScoreCoalescer(pool, events=config.events_on, shadow=shadow)
        app.state.engine, app.state.pool, app.state.holder, app.state.coalescer = engine, pool, holder, coalescer
        app.state.challenger, app.state.shadow = challenger, shadow
        app.state.key_verifier = auth.KeyVerifier(sessions)
        await holder.start()
        await challenger.start()
        shadow.start()
        coalescer.start()
        service_app.freeze_startup_heap()
        refreeze = asyncio.create_task(_freeze_once_compiled(holder))
        monitoring = asyncio.create_task(monitoring_metrics.run(pool, shadow), name="monitoring-metrics")
        try:
            yield
        finally:
            refreeze.cancel()
            await cancel_and_wait(monitoring)
            await coalescer.stop()
            await shadow.stop()
            await challenger.stop()
            await holder.stop()
            try:
                await asyncio.wait_for(pool.close(), timeout=5)
            except TimeoutError:
                pool.terminate()
            await engine.dispose()

    app = FastAPI(title="Prêt à dépenser — scoring", version="1", description=DESCRIPTION, lifespan=lifespan,
                  generate_unique_id_function=service_app.unique_id)
    app.state.settings, app.state.metrics = config, metrics
    service_app.install(
        app,
        metrics=metrics,
        max_body_bytes=config.max_body_bytes,
        v1_routers=[(score.router, "scoring"), (decisions.router, "audit"), (advisor.router, "audit"),
                    (kserve.router, "kserve"), (model.router, "model")],
        health_router=health.router,
        body_limits={BATCH_PATH: config.batch_max_body_bytes, KSERVE_PREDICT_PATH: config.batch_max_body_bytes},
    )
    _document_problem(app)
    return app


def _document_problem(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict:  # type: ignore[type-arg]
        if app.openapi_schema is None:
            schema = original()
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


@lru_cache
def _app_for_uvicorn() -> FastAPI:
    from credit_scoring.config import get_scoring_settings

    if os.environ.get("CREDIT_ACCESS_LOG", "1") != "0":  # benchmarks turn the per-request line off
        observability.configure_access_log()
    return create_app(get_scoring_settings())


def __getattr__(name: str) -> FastAPI:
    # `app` for uvicorn (credit_scoring.main:app), built on first access: importing create_app builds nothing.
    if name == "app":
        return _app_for_uvicorn()
    raise AttributeError(name)
