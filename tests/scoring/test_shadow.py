"""Champion/challenger: the challenger scores live traffic in the background, beside the decision, and never holds
up or changes the answer; `promote` makes it the served model through the usual hot activation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from credit_core import db, feature_store, registry
from credit_core.model import ModelBundle
from credit_core.monitoring import challenger as comparison
from credit_core.monitoring import outcomes, performance
from credit_core.scoring.scorer import Scorer
from credit_core.scoring.scores import Scores
from tests._waiting import HANG_SECONDS, until_async
from tests.scoring import _bundle
from tests.scoring._env import FIRST_ID, ScoringEnv, activate

CHALLENGER = "tiny-challenger"


@pytest.fixture(scope="module")
async def challenger_registered(scoring_env: ScoringEnv) -> AsyncIterator[str]:
    meta = _bundle.train(scoring_env.models_dir / CHALLENGER, CHALLENGER, seed=5)
    async with db.session_factory(scoring_env.engine)() as session:
        await registry.register(session, meta, activate=False)
        await registry.set_challenger(session, CHALLENGER)
    yield CHALLENGER
    async with db.session_factory(scoring_env.engine)() as session:
        await registry.set_challenger(session, None)
    await activate(scoring_env.engine, "tiny-1")


async def _shadow_rows(env: ScoringEnv, decision_ids: Sequence[int]) -> dict[int, Any]:
    async with env.engine.connect() as conn:
        rows = (await conn.execute(sa.text(
            "SELECT decision_id, model_version, probability, decision FROM decision_shadow "
            "WHERE decision_id = ANY(:ids)"), {"ids": list(decision_ids)})).all()
    return {row.decision_id: row for row in rows}


async def _challenger_loaded(app: FastAPI) -> None:
    await until_async(lambda: _is_loaded(app), "the challenger loaded by the scoring service")


async def _is_loaded(app: FastAPI) -> bool:
    """Loaded, and its evaluator compiled (the shadow skips traffic until then)."""
    challenger = app.state.challenger.bundle
    return challenger is not None and challenger.compiled.is_set()


async def test_challenger_scores_beside_the_decision(client: httpx.AsyncClient, app: FastAPI,
                                                     scoring_env: ScoringEnv, challenger_registered: str) -> None:
    await _challenger_loaded(app)
    single = await client.get(f"/v1/clients/{FIRST_ID + 3}/score")
    batch = await client.post("/v1/score/batch", json={"client_ids": [FIRST_ID + 4, FIRST_ID + 5]})
    assert single.status_code == 200 and batch.status_code == 200
    assert single.json()["model_version"] == "tiny-1"  # the answer is the champion's
    ids = [single.json()["decision_id"], *(item["result"]["decision_id"] for item in batch.json()["items"])]

    async def all_stored() -> dict[int, Any] | None:
        rows = await _shadow_rows(scoring_env, ids)
        return rows if len(rows) == len(ids) else None

    rows = await until_async(all_stored, "the challenger's scores stored")
    assert {row.model_version for row in rows.values()} == {challenger_registered}
    direct = Scorer(ModelBundle.load(scoring_env.models_dir / CHALLENGER))
    async with scoring_env.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        records = await feature_store.fetch_for_scoring(raw, [FIRST_ID + 3, FIRST_ID + 4, FIRST_ID + 5],
                                                        categories=True)
    by_id = {r["sk_id_curr"]: r for r in records}
    expected = direct.predict([by_id[FIRST_ID + k] for k in (3, 4, 5)])
    assert [rows[i].probability for i in ids] == pytest.approx(expected.probabilities, abs=1e-12)
    assert [rows[i].decision for i in ids] == expected.decisions

    compared = (await client.get("/v1/model/monitoring")).json()["challenger"]
    assert compared["challenger_version"] == challenger_registered and compared["n"] >= len(ids)
    assert 0 <= compared["agreement_rate"] <= 1 and sum(compared["challenger"]["histogram"]) == compared["n"]
    assert len(compared["champion"]["histogram"]) == compared["bins"] and sum(compared["champion"]["histogram"]) == \
        compared["n"]  # binned counts only, what the model page draws
    assert compared["min_outcomes"] == comparison.MIN_OUTCOMES  # the page says how many outcomes AUC needs


async def test_challenger_auc_and_cost_on_outcomes(client: httpx.AsyncClient, app: FastAPI, scoring_env: ScoringEnv,
                                                    challenger_registered: str) -> None:
    await _challenger_loaded(app)
    batch = (await client.post("/v1/score/batch", json={"client_ids": list(range(FIRST_ID + 100, FIRST_ID + 180))}
                               )).json()
    results = [item["result"] for item in batch["items"]]
    ids = [r["decision_id"] for r in results]

    async def all_stored() -> dict[int, Any] | None:
        rows = await _shadow_rows(scoring_env, ids)
        return rows if len(rows) == len(ids) else None

    shadow = await until_async(all_stored, "the challenger's scores of the batch stored")
    defaulted = [k % 3 == 0 for k in range(len(ids))]
    lines = "".join(f",{d},{int(y)},2027-01-01\n" for d, y in zip(ids, defaulted, strict=True))
    async with scoring_env.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        await outcomes.ingest(raw, outcomes.parse("client_id,decision_id,outcome,date\n" + lines), source="t")
    compared = (await client.get("/v1/model/monitoring")).json()["challenger"]["outcomes"]
    assert compared["n"] >= len(ids)
    if compared["n"] == len(ids):  # only this test's outcomes: the figures can be recomputed here
        assert compared["auc_champion"] == pytest.approx(
            performance.auc(defaulted, [r["probability_default"] for r in results]))
        assert compared["auc_challenger"] == pytest.approx(
            performance.auc(defaulted, [shadow[i].probability for i in ids]))
    assert compared["cost_champion"] is not None and compared["cost_challenger"] is not None


class _HeldChallenger:
    """A challenger whose scoring waits until the test releases it (a slow one: scored in a thread, like a model
    CatBoost scores)."""

    def __init__(self, inner: Scorer) -> None:
        self.inner, self.entered, self.release, self.calls = inner, threading.Event(), threading.Event(), 0
        self.version, self.needs_categories, self.compiled = inner.version, True, inner.compiled

    def predict(self, records: Sequence[Any]) -> Scores:
        self.calls += 1
        self.entered.set()
        self.release.wait()
        return self.inner.predict(records)


async def test_answers_never_wait_on_the_challenger(client: httpx.AsyncClient, app: FastAPI,
                                                    scoring_env: ScoringEnv, challenger_registered: str) -> None:
    await _challenger_loaded(app)
    held = _HeldChallenger(app.state.challenger.bundle)
    shadow = app.state.shadow
    shadow.challenger, shadow.max_pending = (lambda: held), 2
    try:
        answers = [await client.get(f"/v1/clients/{FIRST_ID + 10}/score")]
        await asyncio.to_thread(held.entered.wait, HANG_SECONDS)  # the challenger is now stuck on that decision
        answers += [await client.get(f"/v1/clients/{FIRST_ID + k}/score") for k in range(11, 16)]
        # Every answer came back while the challenger was still stuck on the first one: none waited for it.
        assert [r.status_code for r in answers] == [200] * 6
        assert held.calls == 1 and not held.release.is_set()
        ids = [r.json()["decision_id"] for r in answers]
        assert await _shadow_rows(scoring_env, ids) == {}
        assert shadow.dropped >= 1  # a lagging challenger skips batches instead of queueing without bound
    finally:
        held.release.set()

    async def some_stored() -> bool:
        return bool(await _shadow_rows(scoring_env, ids))

    await until_async(some_stored, "the held challenger's scores stored once released")


async def test_promote_serves_the_challenger(client: httpx.AsyncClient, app: FastAPI, scoring_env: ScoringEnv,
                                             challenger_registered: str) -> None:
    async with db.session_factory(scoring_env.engine)() as session:
        promoted = await registry.promote(session)
        assert promoted.is_active and not promoted.is_challenger
        assert await registry.challenger_version_id(session) is None
        with pytest.raises(registry.NoChallenger):
            await registry.promote(session)

    async def served() -> bool:
        r = await client.get(f"/v1/clients/{FIRST_ID}/score")
        return r.status_code == 200 and r.json()["model_version"] == challenger_registered

    await until_async(served, "the promoted challenger served")
    await until_async(lambda: _no_challenger(app), "the scoring service stopped shadowing")


async def _no_challenger(app: FastAPI) -> bool:
    return app.state.challenger.bundle is None
