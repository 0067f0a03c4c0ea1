"""Per-key rate limiting on /v1: 429 problem with Retry-After once a key's burst is spent; other keys and the
open endpoints are unaffected."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from credit_core import db
from credit_core.service import auth
from credit_scoring.main import create_app
from tests.scoring._env import FIRST_ID, ScoringEnv


async def test_429_with_retry_after_per_key(scoring_env: ScoringEnv) -> None:
    async with db.session_factory(scoring_env.engine)() as session:
        other_key = await auth.create_api_key(session, f"other-{auth.generate_key()[-8:]}")
    # One request per 100 s after a burst of 3: the 4th request of a key is refused whatever the machine's speed.
    app = create_app(scoring_env.settings(rate_limit_per_second=0.01, rate_limit_burst=3))
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                       base_url="http://s") as c:
        first = {"Authorization": f"Bearer {scoring_env.api_key}"}
        statuses = [(await c.get(f"/v1/clients/{FIRST_ID}/score", headers=first)).status_code for _ in range(3)]
        limited = await c.get("/v1/model", headers=first)
        other = await c.get(f"/v1/clients/{FIRST_ID}/score", headers={"Authorization": f"Bearer {other_key}"})
        health = [(await c.get("/healthz")).status_code for _ in range(5)]
        anonymous = await c.get("/v1/model")
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert 1 <= int(limited.headers["retry-after"]) <= 100
    assert limited.json()["title"] == "too many requests" and limited.json()["status"] == 429
    assert other.status_code == 200  # its own bucket
    assert health == [200] * 5  # open endpoints are not limited
    assert anonymous.status_code == 401  # no key: authentication comes first


async def test_limit_is_documented(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "429" in paths["/v1/clients/{client_id}/score"]["get"]["responses"]
