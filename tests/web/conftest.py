"""Web fixtures: signed-in HTTP clients of the session's `stack` (tests/conftest.py: the whole product running
as real processes, shared with tests/ops)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.web._session import sign_in
from tests.web._stack import Stack


@pytest.fixture
def advisor_client(stack: Stack) -> Iterator[httpx.Client]:
    with sign_in(stack.web_url, stack.advisor) as client:
        yield client


@pytest.fixture
def admin_client(stack: Stack) -> Iterator[httpx.Client]:
    with sign_in(stack.web_url, stack.admin) as client:
        yield client
