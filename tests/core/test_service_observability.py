from __future__ import annotations

import httpx
from fastapi import FastAPI

from credit_core.service import observability
from credit_core.service.exposure import expose_metrics


def make_app() -> tuple[FastAPI, observability.Metrics]:
    app = FastAPI()
    metrics = observability.Metrics("test")
    app.add_middleware(observability.ObservabilityMiddleware, metrics=metrics)

    @app.get("/clients/{client_id}")
    async def client(client_id: int) -> dict[str, int]:
        return {"client_id": client_id}

    expose_metrics(app, metrics, None)
    return app, metrics


async def test_request_id_is_echoed_or_generated() -> None:
    app, _ = make_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        given = await c.get("/clients/1", headers={"X-Request-ID": "abc-1234"})
        generated = await c.get("/clients/2")
    assert given.headers["x-request-id"] == "abc-1234"
    assert len(generated.headers["x-request-id"]) == 32


async def test_metrics_use_route_templates_and_report_the_model() -> None:
    app, metrics = make_app()
    served = ["v1"]
    metrics.report_model(lambda: served[0])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        await c.get("/clients/7")
        await c.get("/missing")
        before = (await c.get("/metrics")).text
        served[0] = "v2"
        text = (await c.get("/metrics")).text
    assert 'route="/clients/{client_id}"' in text
    assert 'http_errors_total{route="unmatched",status="404"} 1.0' in text
    assert 'model_active_info{service="test",version="v1"} 1.0' in before
    assert 'model_active_info{service="test",version="v2"} 1.0' in text
    assert 'version="v1"' not in text
