"""Explain fixtures: a tiny trained bundle, its in-memory context."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from credit_core.explain import context
from tests.explain import _tiny


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[_tiny.TinyBundle, pl.DataFrame]:
    return _tiny.train(Path(tmp_path_factory.mktemp("tiny-bundle")))


@pytest.fixture(scope="session")
def tiny_context(tiny: tuple[_tiny.TinyBundle, pl.DataFrame]) -> context.ExplainContext:
    return context.load(tiny[0])
