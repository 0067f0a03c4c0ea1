from __future__ import annotations

from datetime import UTC, datetime

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db, orm
from credit_core.service import auth
from credit_core.service.auth import CallerDep
from credit_core.service.problems import install_problem_handlers


def test_keys_are_random_and_hashed_with_sha256() -> None:
    a, b = auth.generate_key(), auth.generate_key()
    assert a != b and a.startswith("pad_") and len(a) > 40
    assert len(auth.hash_key(a)) == 64 and auth.hash_key(a) != auth.hash_key(b)


async def test_require_api_key(engine: AsyncEngine) -> None:
    sessions = db.session_factory(engine)
    async with sessions() as session:
        key = await auth.create_api_key(session, f"tester-{auth.generate_key()[-8:]}")
        revoked = await auth.create_api_key(session, f"revoked-{auth.generate_key()[-8:]}")
        await session.execute(sa.update(orm.ApiKey).where(orm.ApiKey.key_hash == auth.hash_key(revoked))
                              .values(revoked_at=datetime.now(UTC)))
        await session.commit()
    app = FastAPI()
    install_problem_handlers(app)
    app.state.key_verifier = auth.KeyVerifier(sessions, ttl=30)

    @app.get("/who")
    async def who(caller: CallerDep) -> dict[str, str]:
        return {"caller": caller}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        ok = await c.get("/who", headers={"Authorization": f"Bearer {key}"})
        missing = await c.get("/who")
        invalid = await c.get("/who", headers={"Authorization": "Bearer pad_nope"})
        revoked_r = await c.get("/who", headers={"Authorization": f"Bearer {revoked}"})
        basic = await c.get("/who", headers={"Authorization": "Basic abc"})
    assert ok.status_code == 200 and ok.json()["caller"].startswith("tester-")
    for r in (missing, invalid, revoked_r, basic):
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.headers["content-type"] == "application/problem+json"


async def test_verifier_caches_answers(engine: AsyncEngine) -> None:
    sessions = db.session_factory(engine)
    async with sessions() as session:
        key = await auth.create_api_key(session, f"cached-{auth.generate_key()[-8:]}")
    verifier = auth.KeyVerifier(sessions, ttl=30)
    assert (await verifier.caller(key)) is not None
    async with sessions() as session:  # deleted, but the cached answer is still valid within the TTL
        await session.execute(sa.delete(orm.ApiKey).where(orm.ApiKey.key_hash == auth.hash_key(key)))
        await session.commit()
    assert (await verifier.caller(key)) is not None
    verifier.clear()
    assert (await verifier.caller(key)) is None
