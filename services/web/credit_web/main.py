"""The web dashboard's app factory (`create_app`) and the `app` uvicorn serves (`credit_web.main:app`).

The service is thin: pages and fragments rendered from the scoring and explain APIs (one pooled HTTP
client), plus its own small database use for dashboard users and advisor decisions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Receive, Scope, Send

from credit_core import db
from credit_core.service import exposure, limits, observability, problems
from credit_core.service.database import create_raw_pool, create_service_engine
from credit_core.settings import Settings
from credit_web import client_links, errors
from credit_web.backends import Backends
from credit_web.config import WebSettings
from credit_web.rendering import STATIC_DIR
from credit_web.routes import auth, client_view, decisions, letter, model_page, pages, panels
from credit_web.routes import client_links as client_links_routes
from credit_web.security import SecurityHeadersMiddleware, verify_csrf
from credit_web.session_store import Lifetimes, SessionStore, open_store
from credit_web.throttle import ADDRESS_POLICY, PAIR_POLICY, LoginThrottle

log = logging.getLogger("credit.web")
SESSION_COOKIE = "pad_session"
APPLICATION_NAME = "credit-web"  # the raw pool's connections, as pg_stat_activity shows them
MAX_BODY_BYTES = 256 * 1024  # forms only
PURGE_SECONDS = 300.0  # how often expired sessions and forgotten throttle counters are dropped (PostgreSQL store)


def session_secret(config: WebSettings) -> str:
    if config.session_secret:
        return config.session_secret
    if config.web_dev_insecure_secret:
        log.warning("no SESSION_SECRET: using a throwaway one (development only; sessions end on restart)")
        return secrets.token_urlsafe(32)
    raise RuntimeError("SESSION_SECRET is not set: the web service refuses to start without a session secret "
                       "(`credit run` generates one; or set WEB_DEV_INSECURE_SECRET=1 for development).")


class AdvisorSessionMiddleware(SessionMiddleware):
    """The signed session cookie, except on the client's own pages (/c/…): they neither read the advisor's cookie
    (so nothing of the session or its CSRF token can reach them, even in the advisor's browser) nor set one."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(client_links.PREFIX):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings) -> FastAPI:
    config = settings if isinstance(settings, WebSettings) else WebSettings(**settings.model_dump())
    secret = session_secret(config)
    metrics = observability.Metrics("web")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = db.resolve_database_url(config)
        engine = create_service_engine(url, pool_size=config.web_db_pool_size)
        # Raw asyncpg connections for the session check every request makes (and the PostgreSQL session store).
        pool = await create_raw_pool(url, max_size=config.web_db_pool_size, application_name=APPLICATION_NAME)
        backends = Backends(config.scoring_url, config.explain_url, config.service_api_key,
                            connect_timeout=config.backend_connect_timeout, timeout=config.backend_timeout,
                            max_connections=config.backend_max_connections)
        store = open_store(pool, Lifetimes(config.session_max_age_seconds, config.session_idle_seconds),
                           redis_url=config.redis_url, redis_prefix=config.redis_prefix,
                           policies=(PAIR_POLICY, ADDRESS_POLICY))
        app.state.engine, app.state.sessions, app.state.backends = engine, db.session_factory(engine), backends
        app.state.pool = pool
        app.state.session_store, app.state.throttle = store, LoginThrottle(store, secret)
        purger = asyncio.create_task(_purge_periodically(store), name="web-session-purge")
        try:
            yield
        finally:
            purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purger
            await store.close()
            await backends.aclose()
            await pool.close()
            await engine.dispose()

    app = FastAPI(title="Prêt à dépenser — dashboard", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url=None, dependencies=[Depends(verify_csrf)])
    app.state.settings, app.state.metrics, app.state.tls = config, metrics, config.web_tls
    app.state.catalogue_cache = {}
    # Client links: signed with the web's secret; the clock is the app's so that tests can move it (expiry).
    app.state.link_signer, app.state.clock = client_links.LinkSigner(secret), time.time
    client_links.redact_uvicorn_access_log()

    errors.install_error_handlers(app)
    # Added innermost first: observability (request id) → headers → cookie session → catch-all → body limit → app.
    app.add_middleware(limits.BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(problems.CatchAllMiddleware, respond=errors.unexpected_error_page)
    app.add_middleware(AdvisorSessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE,
                       max_age=config.session_max_age_seconds, same_site="lax", https_only=config.web_tls)
    app.add_middleware(SecurityHeadersMiddleware, tls=config.web_tls)
    app.add_middleware(observability.ObservabilityMiddleware, metrics=metrics)

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR), check_dir=False), name="static")
    for router in (auth.router, auth.admin_router, pages.router, panels.router, model_page.router,
                   decisions.router, letter.router, client_links_routes.router, client_view.router):
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    exposure.expose_metrics(app, metrics, config.metrics_port)
    return app


async def _purge_periodically(store: SessionStore) -> None:
    while True:
        await asyncio.sleep(PURGE_SECONDS)
        try:
            await store.purge(time.time())
        except Exception as exc:  # the database may be down for a while: try again next time
            log.warning("session purge failed: %s", type(exc).__name__)


_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    """`credit_web.main:app`, built on first access so that importing this module needs no session secret."""
    global _app
    if name != "app":
        raise AttributeError(name)
    if _app is None:
        from credit_web.config import get_web_settings

        observability.configure_access_log()
        _app = create_app(get_web_settings())
    return _app
