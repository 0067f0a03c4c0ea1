"""Observed outcomes: a file is stored whole or not at all, every error names its line; AUC on outcomes."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
import sqlalchemy as sa
from sklearn.metrics import roc_auc_score

from credit_core.monitoring import outcomes, performance
from tests.scoring._env import FIRST_ID, ScoringEnv

VALID = "client_id,decision_id,outcome,date\n{c},,1,2026-12-31\n,{d},repaid,2026-12-31\n"


async def _count(env: ScoringEnv) -> int:
    async with env.engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT count(*) FROM decision_outcome"))).scalar_one())


async def _ingest(env: ScoringEnv, text: str) -> int:
    async with env.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        return await outcomes.ingest(raw, outcomes.parse(text), source="test.csv")


def test_malformed_lines_are_named() -> None:
    text = ("client_id,decision_id,outcome,date\n"
            "100001,,1,2026-01-02\n"
            "abc,,1,2026-01-02\n"
            "100002,,maybe,2026-01-02\n"
            "100003,,0,02/01/2026\n"
            "100004,7,0,2026-01-02\n")
    with pytest.raises(outcomes.OutcomeFileError) as caught:
        outcomes.parse(text)
    assert [e.split(":")[0] for e in caught.value.errors] == ["line 3", "line 4", "line 5", "line 6"]
    assert "outcome 'maybe'" in caught.value.errors[1] and "YYYY-MM-DD" in caught.value.errors[2]
    with pytest.raises(outcomes.OutcomeFileError, match="line 1: missing column"):
        outcomes.parse("client,outcome\n1,1\n")


async def test_a_file_is_stored_whole_or_not_at_all(client: httpx.AsyncClient, scoring_env: ScoringEnv) -> None:
    scored = (await client.get(f"/v1/clients/{FIRST_ID + 1}/score")).json()
    before = await _count(scoring_env)
    unknown = VALID.format(c=FIRST_ID + 1, d=scored["decision_id"]) + f"{FIRST_ID + 999_999},,1,2026-12-31\n"
    with pytest.raises(outcomes.OutcomeFileError, match=r"line 4: client \d+ has no decision"):
        await _ingest(scoring_env, unknown)
    assert await _count(scoring_env) == before  # nothing of the valid lines either
    assert await _ingest(scoring_env, VALID.format(c=FIRST_ID + 1, d=scored["decision_id"])) == 2
    assert await _count(scoring_env) == before + 2


def test_auc_is_the_mann_whitney_statistic() -> None:
    rng = np.random.default_rng(3)
    y = rng.random(500) < 0.2
    p = np.round(rng.random(500) * 0.5 + y * 0.2, 2)  # rounded: many ties
    assert performance.auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert performance.auc([True, True], [0.1, 0.2]) is None
    assert performance.business_cost([True, False, False], [False, True, False], cost_false_negative=10,
                                     cost_false_positive=1) == pytest.approx(11 / 3)
