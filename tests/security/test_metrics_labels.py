"""Item 4: metric labels come only from route templates (or the fixed `unmatched`), so the number of series is
bounded by the routes whatever the paths sent; requests refused before routing (401, 429, 413) are counted under
the route they were sent to."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families

from credit_scoring.config import ScoringSettings
from credit_scoring.main import create_app as create_scoring
from tests.security._servers import Apis, settings_for

SCORE_ROUTE = "/v1/clients/{client_id}/score"


def _series(text: str) -> list[dict[str, str]]:
    """The distinct label sets of the http_* metrics (a histogram's buckets are one series here)."""
    found = {(family.name, tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le")))
             for family in text_string_to_metric_families(text) if family.name.startswith("http_")
             for sample in family.samples}
    return [dict(labels) for _, labels in sorted(found)]


def _templates(app_routes: list[str]) -> set[str]:
    return {*app_routes, "unmatched"}


def test_odd_paths_never_become_labels(apis: Apis) -> None:
    with httpx.Client(base_url=apis.scoring_url, timeout=60) as anonymous, \
            httpx.Client(base_url=apis.scoring_url, timeout=60, headers=apis.auth) as caller:
        before = len(_series(caller.get("/metrics").text))
        for _ in range(100):
            odd = f"{secrets.token_hex(4)}:{secrets.token_hex(4)}"
            assert anonymous.get(f"/v1/clients/{odd}/score").status_code == 401
            assert caller.get(f"/v1/clients/{odd}/score").status_code == 422
            assert caller.post(f"/v1/models/{odd}:x:predict", json={"instances": [1]}).status_code == 404
            assert anonymous.get(f"/v1/{odd}").status_code == 401
            assert anonymous.get(f"/{odd}").status_code == 404
        text = caller.get("/metrics").text
        openapi = caller.get("/openapi.json").json()
    routes = [f"{path}" for path in openapi["paths"]] + ["/metrics", "/openapi.json", "/docs", "/redoc",
                                                           "/docs/oauth2-redirect"]
    series = _series(text)
    assert {labels["route"] for labels in series if "route" in labels} <= _templates(routes)
    assert len(series) - before <= 30  # 500 distinct paths: a handful of new series (route × status, 2 metrics)
    unauthorized = [s for s in series if s.get("status") == "401" and s.get("route") == SCORE_ROUTE]
    assert unauthorized, "401s are counted under the route they were sent to"


async def test_rate_limited_requests_count_under_their_route(apis: Apis, models_dir: Path) -> None:
    # One token per 1,000 s: the second request is refused whatever the machine's speed.
    app = create_scoring(ScoringSettings(**settings_for(apis.database_url, models_dir, rate_limit_per_second=0.001,
                                                        rate_limit_burst=1)))
    client_id = apis.client_ids[0]
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s",
                                                       headers=apis.auth) as client:
        assert (await client.get(f"/v1/clients/{client_id}/score")).status_code == 200
        refused = await client.get(f"/v1/clients/{client_id}/score")
        assert refused.status_code == 429
        text = app.state.metrics.render().body.decode()
    assert f'http_errors_total{{route="{SCORE_ROUTE}",status="429"}} 1.0' in text


@pytest.mark.parametrize("size", [20_000])
async def test_oversized_bodies_count_under_their_route(apis: Apis, models_dir: Path, size: int) -> None:
    app = create_scoring(ScoringSettings(**settings_for(apis.database_url, models_dir, max_body_bytes=1_000)))
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s",
                                                       headers=apis.auth) as client:
        assert (await client.post("/v1/score", content=b"{" + b" " * size + b"}")).status_code == 413
        text = app.state.metrics.render().body.decode()
    assert 'http_errors_total{route="/v1/score",status="413"} 1.0' in text
