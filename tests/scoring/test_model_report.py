"""GET /v1/model/report: the active bundle's evaluation report and model card, 404 when the bundle has none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from credit_core import model
from credit_scoring.main import create_app
from tests.scoring._env import ScoringEnv

REPORT = {"auc": 0.71, "threshold": 0.24, "roc_curve": {"fpr": [0.0, 0.5, 1.0], "tpr": [0.0, 0.8, 1.0]},
          "confusion": {"tn": 5, "fp": 1, "fn": 2, "tp": 3}, "fairness": {"CODE_GENDER": []}}


async def test_report_and_card_of_the_active_bundle(scoring_env: ScoringEnv, tmp_path: Path) -> None:
    bundle_dir = tmp_path / "tiny-1"
    shutil.copytree(scoring_env.models_dir / "tiny-1", bundle_dir)
    (bundle_dir / model.REPORT_FILE).write_text(json.dumps(REPORT))
    (bundle_dir / model.CARD_MD_FILE).write_text("# Model card\n\nTiny test model.\n")
    # The registry points at tiny-1; serve the copy that has a report.
    app = create_app(scoring_env.settings(), bundle_loader=lambda _: model.ModelBundle.load(bundle_dir))
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://s",
        headers={"Authorization": f"Bearer {scoring_env.api_key}"},
    ) as client:
        r = await client.get("/v1/model/report")
        anonymous = await client.get("/v1/model/report", headers={"Authorization": ""})
    assert r.status_code == 200, r.text
    assert r.json() == {"version": "tiny-1", "report": REPORT, "card_markdown": "# Model card\n\nTiny test model.\n"}
    assert anonymous.status_code == 401


async def test_bundle_without_report_is_404_problem(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/model/report")  # the fixture bundle has no report.json
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert "tiny-1" in r.json()["detail"]


async def test_documented_in_openapi(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    report = paths["/v1/model/report"]["get"]
    assert report["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("ModelReportOut")
    assert "404" in report["responses"] and "401" in report["responses"]
    decisions = paths["/v1/clients/{client_id}/decisions"]["get"]
    assert decisions["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("DecisionsOut")
    assert {p["name"] for p in decisions["parameters"]} == {"client_id", "limit"}
