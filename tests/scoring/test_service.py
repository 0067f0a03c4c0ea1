from __future__ import annotations

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from credit_scoring.main import create_app
from tests.scoring._env import FIRST_ID, ScoringEnv

PROTECTED = [("GET", f"/v1/clients/{FIRST_ID}/score"), ("POST", "/v1/score"), ("POST", "/v1/score/batch"),
             ("GET", "/v1/model"), ("GET", "/v1/models/credit-default"), ("POST", "/v1/models/credit-default:predict"),
             ("GET", "/v1/model/report"), ("GET", f"/v1/clients/{FIRST_ID}/decisions")]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_auth_required(app: FastAPI, method: str, path: str) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as anonymous:
        missing = await anonymous.request(method, path, json={})
        invalid = await anonymous.request(method, path, json={}, headers={"Authorization": "Bearer pad_wrong"})
    for r in (missing, invalid):
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.headers["content-type"] == "application/problem+json"


async def test_open_endpoints(app: FastAPI, client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/v1/clients/{FIRST_ID}/score")).status_code == 200
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as anonymous:
        assert (await anonymous.get("/healthz")).json() == {"status": "ok", "model_version": "tiny-1"}
        ready = await anonymous.get("/readyz")
        assert ready.status_code == 200 and ready.json()["model_version"] == "tiny-1"
        assert ready.json()["evaluator"] in ("compiled", "compiling") and ready.json()["evaluator_fallback"] is None
        metrics = await anonymous.get("/metrics")
        assert metrics.status_code == 200
        assert 'model_active_info{service="scoring",version="tiny-1"} 1.0' in metrics.text
        assert 'route="/v1/clients/{client_id}/score"' in metrics.text
        assert str(FIRST_ID) not in metrics.text  # templates, never client ids
        assert (await anonymous.get("/openapi.json")).status_code == 200


async def test_model_endpoint(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/model")).json()
    assert body["version"] == "tiny-1" and body["threshold"] == 0.5
    assert body["metrics"] == {"auc": 0.5} and len(body["features"]) > 10


async def test_kserve(client: httpx.AsyncClient) -> None:
    meta = await client.get("/v1/models/credit-default")
    assert meta.json() == {"name": "credit-default", "ready": True, "version": "tiny-1"}
    assert (await client.get("/v1/models/tiny-1")).status_code == 200
    assert (await client.get("/v1/models/other")).status_code == 404
    app = {"AMT_CREDIT": 100000.0, "AMT_INCOME_TOTAL": 50000.0}
    r = await client.post("/v1/models/credit-default:predict", json={"instances": [FIRST_ID, app, 3]})
    assert r.status_code == 200, r.text
    predictions = r.json()["predictions"]
    assert len(predictions) == 3
    assert predictions[0]["client_id"] == FIRST_ID and predictions[0]["decision"] in ("granted", "refused")
    assert predictions[1]["probability_default"] is not None
    assert predictions[2]["error"]["status"] == 404


async def test_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    r = await client.get(f"/v1/clients/{FIRST_ID}/score", headers={"X-Request-ID": "req-0001"})
    assert r.headers["x-request-id"] == "req-0001"


async def test_database_unreachable_is_503(scoring_env: ScoringEnv) -> None:
    # A port nobody listens on: the service starts, serves 503 problems, stays alive.
    settings = scoring_env.settings(database_url="postgresql+asyncpg://u:p@127.0.0.1:9/none")
    application = create_app(settings)
    async with LifespanManager(application), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://s",
        headers={"Authorization": f"Bearer {scoring_env.api_key}"},
    ) as c:
        assert (await c.get("/healthz")).status_code == 200
        ready = await c.get("/readyz")
        score = await c.get(f"/v1/clients/{FIRST_ID}/score")
    assert ready.status_code == 503 and ready.headers["content-type"] == "application/problem+json"
    assert score.status_code == 503 and score.headers["content-type"] == "application/problem+json"
