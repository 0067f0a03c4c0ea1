"""Fixtures of the security tests: both APIs over real HTTP on a seeded database of their own (the shared `stack`
of tests/conftest.py serves the dashboard tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from credit_explain.config import ExplainSettings
from credit_explain.main import create_app as create_explain
from credit_scoring.config import ScoringSettings
from credit_scoring.main import create_app as create_scoring
from tests.security._servers import Apis, seed, serve, settings_for


@pytest.fixture(scope="session")
def apis(fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apis]:
    url = fresh_database()
    work = tmp_path_factory.mktemp("security-apis")
    key, client_ids, bundle_dir = seed(url, work)
    scoring = create_scoring(ScoringSettings(**settings_for(url, work)))
    explain = create_explain(ExplainSettings(**settings_for(url, work, precompute_shap=False)))
    with serve(scoring) as scoring_url, serve(explain) as explain_url:
        yield Apis(url, key, scoring_url, explain_url, client_ids, bundle_dir)


@pytest.fixture(scope="session")
def models_dir(apis: Apis) -> Path:
    return apis.bundle_dir.parent
