"""The model page's data: the latest drift report of the active model (its summary, its full HTML) and the share of
drifted features as a Prometheus gauge per model version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from credit_core.monitoring import populations
from credit_scoring.main import create_app
from tests._waiting import until_async
from tests.scoring._env import ScoringEnv

SUMMARY = {
    "model_version": "tiny-1", "method": "psi", "threshold": 0.2, "source": "audit", "n_reference": 400,
    "n_current": 120, "drifted_share": 0.25, "drifted_features": ["AGE_YEARS"],
    "features": [{"feature": "AGE_YEARS", "kind": "numeric", "score": 0.9, "drifted": True},
                 {"feature": "AMT_CREDIT", "kind": "numeric", "score": 0.05, "drifted": False}],
    "prediction": {"score": 0.01, "drifted": False, "mean_reference": 0.1, "mean_current": 0.11},
    "performance": None,
}


@asynccontextmanager
async def _client(env: ScoringEnv) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(env.settings())
    async with LifespanManager(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://scoring",
            headers={"Authorization": f"Bearer {env.api_key}"}) as client:
        yield client


async def test_latest_drift_report_is_served(scoring_env: ScoringEnv, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    html.write_text("<html><body>full drift report</body></html>")
    async with scoring_env.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        report_id = await populations.store(raw, SUMMARY, html_path=str(html))
        await conn.commit()
    async with _client(scoring_env) as client:
        body = (await client.get("/v1/model/monitoring")).json()
        drift = body["drift"]
        assert body["model_version"] == "tiny-1" and drift["report_id"] == report_id
        assert drift["drifted_features"] == ["AGE_YEARS"] and drift["drifted_share"] == 0.25
        assert drift["top_features"][0]["feature"] == "AGE_YEARS"
        full = await client.get(f"/v1/model/drift/{report_id}")
        assert full.status_code == 200 and "full drift report" in full.text
        missing = await client.get(f"/v1/model/drift/{report_id + 1000}")
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"

        async def gauge() -> bool:  # refreshed in the background, from the stored reports
            metrics = (await client.get("/metrics")).text
            return 'credit_model_drifted_feature_share{model_version="tiny-1"} 0.25' in metrics

        await until_async(gauge, "the drift gauge of tiny-1 exposed")


async def test_every_drifted_feature_is_in_the_summary(scoring_env: ScoringEnv) -> None:
    """The model page lists every drifted feature with its score: past the ten most shifted when more drifted."""
    rows = [{"feature": f"F{i:02d}", "kind": "numeric", "score": 1.0 - i / 100, "drifted": i < 12} for i in range(15)]
    summary = SUMMARY | {"features": rows, "drifted_features": [r["feature"] for r in rows if r["drifted"]],
                         "drifted_share": 12 / 15, "small_sample": True}
    async with scoring_env.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        report_id = await populations.store(raw, summary, html_path=None)
        await conn.commit()
    async with _client(scoring_env) as client:
        drift = (await client.get("/v1/model/monitoring")).json()["drift"]
    assert drift["report_id"] == report_id and drift["small_sample"] is True and drift["n_features"] == 15
    assert [r["feature"] for r in drift["top_features"]] == [f"F{i:02d}" for i in range(12)]
