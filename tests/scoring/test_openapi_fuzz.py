"""Property-based requests generated from the OpenAPI schema (schemathesis) against real uvicorn: no 5xx."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
import uvicorn
from schemathesis.checks import not_a_server_error

from credit_scoring.main import create_app
from tests._waiting import until
from tests.scoring._env import ScoringEnv

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(scoring_env: ScoringEnv) -> Iterator[str]:
    app = create_app(scoring_env.settings())
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    until(lambda: uv.started, "uvicorn started", stop=lambda: None if thread.is_alive() else "its thread exited")
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(10)


def test_no_server_errors(server: str, scoring_env: ScoringEnv) -> None:
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    headers = {"Authorization": f"Bearer {scoring_env.api_key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=25, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck))
        def no_5xx(case: schemathesis.Case) -> None:
            response = case.call(base_url=server, headers=headers)
            case.validate_response(response, checks=(not_a_server_error,))

        no_5xx()
