"""Body limits: batches may carry 10,000 applications; every other route keeps the small limit (413 problem)."""

from __future__ import annotations

import httpx
import orjson
from asgi_lifespan import LifespanManager

from credit_core.service.limits import DEFAULT_MAX_BODY_BYTES
from credit_scoring.main import create_app
from tests.scoring._env import ScoringEnv, decision_count
from tests.scoring.test_score import APPLICATION

# A fuller application (~0.8 KB as JSON): 10,000 of them are well above the default 5 MiB limit.
FULL_APPLICATION = {**APPLICATION, "EXT_SOURCE_3": 0.5, "REGION_RATING_CLIENT": 2.0,
                    "REGION_RATING_CLIENT_W_CITY": 2.0, "OBS_30_CNT_SOCIAL_CIRCLE": 1.0,
                    **{f"FLAG_DOCUMENT_{i}": float(i % 2) for i in range(2, 22)}}


async def test_batch_of_ten_thousand_applications_is_accepted(
    client: httpx.AsyncClient, scoring_env: ScoringEnv
) -> None:
    body = orjson.dumps({"applications": [{**FULL_APPLICATION, "AMT_CREDIT": 100_000.0 + i} for i in range(10_000)]})
    assert len(body) > DEFAULT_MAX_BODY_BYTES
    before = await decision_count(scoring_env.engine)
    r = await client.post("/v1/score/batch", content=body, headers={"content-type": "application/json"},
                          timeout=600)
    assert r.status_code == 200, r.text[:500]
    out = r.json()
    assert out["count"] == 10_000 and out["failed"] == 0
    assert len({item["result"]["application_hash"] for item in out["items"]}) == 10_000
    assert await decision_count(scoring_env.engine) == before + 10_000


async def test_the_raised_limit_is_for_batches_only(scoring_env: ScoringEnv) -> None:
    app = create_app(scoring_env.settings(max_body_bytes=2_000, batch_max_body_bytes=200_000))
    small_batch = orjson.dumps({"applications": [APPLICATION] * 20})  # ~5 KB: over 2,000, under 200,000
    huge_batch = orjson.dumps({"applications": [APPLICATION] * 1_000})  # ~230 KB
    one = orjson.dumps({**APPLICATION, "NAME_TYPE_SUITE": "x" * 3_000})
    headers = {"Authorization": f"Bearer {scoring_env.api_key}", "content-type": "application/json"}
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s",
                                                       headers=headers) as c:
        batch_ok = await c.post("/v1/score/batch", content=small_batch)
        kserve_ok = await c.post("/v1/models/credit-default:predict",
                                 content=orjson.dumps({"instances": [APPLICATION] * 20}))
        batch_too_big = await c.post("/v1/score/batch", content=huge_batch)
        single_too_big = await c.post("/v1/score", content=one)
    assert batch_ok.status_code == 200, batch_ok.text
    assert kserve_ok.status_code == 200, kserve_ok.text
    for r, limit, path in ((batch_too_big, 200_000, "/v1/score/batch"), (single_too_big, 2_000, "/v1/score")):
        assert r.status_code == 413
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["max_bytes"] == limit and problem["instance"] == path
        assert f"{limit:,} bytes" in problem["detail"]
