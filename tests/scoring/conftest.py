"""Scoring fixtures: a private database with client features, tiny registered bundles, an API key, the app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from credit_core import db, feature_store
from credit_core.service import auth
from credit_scoring.main import create_app
from tests.scoring import _bundle
from tests.scoring._env import FIRST_ID, N_CLIENTS, ScoringEnv, register


@pytest.fixture(scope="session")
def scoring_url(fresh_database: Callable[[], str]) -> str:
    return fresh_database()


@pytest.fixture(scope="session")
async def scoring_env(scoring_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ScoringEnv]:
    url = scoring_url
    engine = db.create_engine(url, pool_size=4)
    frame = _bundle.random_features(N_CLIENTS, seed=11, first_id=FIRST_ID)
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        async with raw.transaction():
            await feature_store.replace_all(raw, feature_store.encode(frame))
    models_dir = tmp_path_factory.mktemp("scoring-models")
    await register(engine, _bundle.train(models_dir / "tiny-1", "tiny-1", seed=1))
    async with db.session_factory(engine)() as session:
        key = await auth.create_api_key(session, "scoring-tests")
    yield ScoringEnv(url, engine, models_dir, key)
    await engine.dispose()


@pytest.fixture
async def app(scoring_env: ScoringEnv) -> AsyncIterator[FastAPI]:
    application = create_app(scoring_env.settings())
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI, scoring_env: ScoringEnv) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {scoring_env.api_key}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://scoring",
                                 headers=headers) as c:
        yield c
