"""Shared fixtures: a real PostgreSQL server, migrated test databases, a generated data set, and the whole
product running as real processes (`stack`, used by tests/web and tests/ops: defined once here, so a run that
selects both builds it once), and a headless Chromium per browser test module (`browser`)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db
from tests import _postgres
from tests.web._session import sign_in
from tests.web._stack import Stack, running_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SYNTH_CLIENTS = 3_000
SYNTH_SEED = 7


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """DATABASE_URL's server when set (CI runs the suite once that way), else our own embedded server."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    embedded = _postgres.start_embedded(tmp_path_factory.mktemp("embedded"))
    try:
        yield embedded.url
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
def fresh_database(server_url: str) -> Iterator[object]:
    """Factory of migrated, empty databases, all dropped at the end of the session."""
    created: list[str] = []

    def create_and_migrate() -> str:
        url = _postgres.create_database(server_url)
        created.append(url)
        db.upgrade(url)
        return url

    def make() -> str:
        # A worker thread: both steps run their own event loop, and callers may be inside one.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(create_and_migrate).result()

    yield make
    with ThreadPoolExecutor(1) as pool:
        for url in created:
            pool.submit(_postgres.drop_database, server_url, url).result()


@pytest.fixture(scope="session")
def database_url(fresh_database) -> str:  # type: ignore[no-untyped-def]
    """The session's main database (migrated)."""
    return fresh_database()


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(database_url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated data set in the Kaggle format, shared by the whole session."""
    from credit_pipeline import synth

    out = tmp_path_factory.mktemp("synth")
    synth.generate(SYNTH_CLIENTS, SYNTH_SEED, out, progress=False)
    return out


@pytest.fixture(scope="session")
def stack(fresh_database: Callable[[], str], synth_dir: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Seeded database + scoring, explain and web under uvicorn on free ports; torn down at the end."""
    with running_stack(fresh_database(), synth_dir, tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture(scope="module")
def web(stack: Stack) -> Iterator[httpx.Client]:
    """An httpx client signed in to the stack's dashboard as its advisor (one per test module)."""
    with sign_in(stack.web_url, stack.advisor) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless /usr/bin/chromium for one test module (tests/_chromium.py). Playwright is imported here, not at
    the top, so that runs without browser tests do not load it."""
    from tests._chromium import chromium

    with chromium() as launched:
        yield launched
