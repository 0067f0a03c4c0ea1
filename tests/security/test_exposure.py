"""Item 8: what the services expose besides their API. With METRICS_PORT set, Prometheus metrics are served on that
port and not on the main one (compose publishes only the main port); with API_DOCS=key the API documentation
needs the API key; API answers carry X-Content-Type-Options: nosniff; scoring's /healthz and /readyz name the same
model version."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from credit_core.settings import Settings
from credit_explain.config import ExplainSettings
from credit_explain.main import create_app as create_explain
from credit_scoring.config import ScoringSettings
from credit_scoring.main import create_app as create_scoring
from credit_web.config import WebSettings
from credit_web.main import create_app as create_web
from tests.security._servers import Apis, serve, settings_for
from tests.web._stack import Stack, credit

DOCS = ("/docs", "/redoc", "/openapi.json")


def _scoring(apis: Apis, models_dir: Path, **overrides: Any) -> FastAPI:
    return create_scoring(ScoringSettings(**settings_for(apis.database_url, models_dir, **overrides)))


def _explain(apis: Apis, models_dir: Path, **overrides: Any) -> FastAPI:
    return create_explain(ExplainSettings(**settings_for(apis.database_url, models_dir, precompute_shap=False,
                                                         similar_index=False, **overrides)))


def _web(apis: Apis, models_dir: Path, **overrides: Any) -> FastAPI:
    return create_web(WebSettings(database_url=apis.database_url, session_secret="exposure tests' secret",
                                  **overrides))


@pytest.mark.parametrize(("make", "service"), [(_scoring, "scoring"), (_explain, "explain"), (_web, "web")])
def test_metrics_move_to_their_own_port(apis: Apis, models_dir: Path, make: Callable[..., FastAPI],
                                        service: str) -> None:
    app = make(apis, models_dir, metrics_port=0)  # 0: any free port (compose sets 9100)
    with serve(app) as base:
        assert httpx.get(f"{base}/metrics", headers=apis.auth).status_code == 404
        httpx.get(f"{base}/healthz")
        port = app.state.metrics_server.port
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
    assert metrics.status_code == 200
    assert 'http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}' in metrics.text
    if service != "web":  # the dashboard serves no model
        assert f'model_active_info{{service="{service}",version="sec-1"}} 1.0' in metrics.text


def test_without_metrics_port_metrics_stay_on_the_main_port(apis: Apis) -> None:
    response = httpx.get(f"{apis.scoring_url}/metrics")
    assert response.status_code == 200 and 'model_active_info{service="scoring",version="sec-1"} 1.0' in response.text


@pytest.mark.parametrize("make", [_scoring, _explain])
def test_docs_need_the_key_in_production(apis: Apis, models_dir: Path, make: Callable[..., FastAPI]) -> None:
    with serve(make(apis, models_dir, api_docs="key")) as base:
        for path in DOCS:
            refused = httpx.get(f"{base}{path}")
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer", path
            assert httpx.get(f"{base}{path}", headers=apis.auth).status_code == 200, path
        assert httpx.get(f"{base}/healthz").status_code == 200


def test_docs_are_open_by_default(apis: Apis) -> None:
    for base in (apis.scoring_url, apis.explain_url):
        for path in DOCS:
            assert httpx.get(f"{base}{path}").status_code == 200, (base, path)


def test_settings_read_the_contract_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_PORT", "9100")
    monkeypatch.setenv("API_DOCS", "key")
    settings = Settings()
    assert (settings.metrics_port, settings.api_docs) == (9100, "key")
    monkeypatch.setenv("METRICS_PORT", "")
    assert Settings().metrics_port is None


def test_api_answers_are_never_sniffed(apis: Apis) -> None:
    client_id = apis.client_ids[0]
    answers = [httpx.get(f"{apis.scoring_url}/healthz"), httpx.get(f"{apis.scoring_url}/v1/model"),
               httpx.get(f"{apis.scoring_url}/v1/clients/{client_id}/score", headers=apis.auth),
               httpx.get(f"{apis.scoring_url}/v1/clients/x/score", headers=apis.auth),
               httpx.get(f"{apis.scoring_url}/nowhere"), httpx.get(f"{apis.explain_url}/healthz"),
               httpx.get(f"{apis.explain_url}/v1/clients/{client_id}/profile", headers=apis.auth),
               httpx.get(f"{apis.explain_url}/v1/importance")]
    assert [a.status_code for a in answers] == [200, 401, 200, 422, 404, 200, 200, 401]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url


def test_health_and_readiness_agree_on_the_model(apis: Apis) -> None:
    health = httpx.get(f"{apis.scoring_url}/healthz").json()
    ready = httpx.get(f"{apis.scoring_url}/readyz").json()
    assert health["model_version"] == ready["model_version"] == "sec-1"


@pytest.mark.slow
def test_a_key_can_be_rotated_and_the_old_one_revoked(stack: Stack) -> None:
    name = f"rotation-{uuid.uuid4().hex[:8]}"
    new_key = credit(stack.env, "apikey", "create", name).strip().splitlines()[-1]
    assert httpx.get(f"{stack.scoring_url}/v1/model", headers={"Authorization": f"Bearer {new_key}"}).status_code == 200
    assert f"{name}\tcreated" in credit(stack.env, "apikey", "list")
    retired = credit(stack.env, "apikey", "create", f"{name}-old").strip().splitlines()[-1]
    assert "revoked" in credit(stack.env, "apikey", "revoke", f"{name}-old")
    # Never used before its revocation, so no service holds it in its cache: refused at once.
    refused = httpx.get(f"{stack.scoring_url}/v1/model", headers={"Authorization": f"Bearer {retired}"})
    assert refused.status_code == 401
    assert f"{name}-old\tcreated" in credit(stack.env, "apikey", "list")
