from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from catboost import CatBoostClassifier

from credit_core import db, feature_store, features, model, registry, tree_eval
from credit_core.scoring import scorer as scorer_module
from credit_core.scoring.application_features import application_hash
from credit_core.scoring.scorer import Scorer
from credit_core.service import auth
from tests.scoring import _bundle
from tests.scoring._env import FIRST_ID, ScoringEnv


async def test_scores_are_catboosts_own_on_both_paths(scoring_env: ScoringEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tree evaluator and, for models it declines, the CatBoost fallback give the training pipeline's bits."""
    async with db.session_factory(scoring_env.engine)() as session:
        row = await registry.active_version(session)
    assert row is not None
    bundle = model.ModelBundle.load(row.path)
    async with scoring_env.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        ids = list(range(FIRST_ID, FIRST_ID + 300))
        frame = feature_store.decode(await feature_store.fetch(raw, ids)).sort("SK_ID_CURR")
        records = sorted(await feature_store.fetch_for_scoring(raw, ids, categories=True),
                         key=lambda r: r["sk_id_curr"])
    expected = bundle.predict_proba(bundle.to_model_input(frame)).tolist()
    compiled = Scorer(bundle)
    assert compiled.compiled_evaluator
    assert compiled.predict(records).probabilities == expected

    monkeypatch.setattr(tree_eval, "compile_or_reason", lambda *args: "declined for the test")
    declined = Scorer(model.ModelBundle.load(row.path))
    assert not declined.compiled_evaluator and declined.needs_categories
    for some in (records[:3], records):  # object-array Pool for a few rows, DataFrame above SMALL_BATCH
        assert declined.predict(some).probabilities == expected[:len(some)]


async def test_a_model_loading_in_the_background_is_scored_by_catboost_until_compiled(
    scoring_env: ScoringEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.session_factory(scoring_env.engine)() as session:
        row = await registry.active_version(session)
    assert row is not None
    async with scoring_env.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        records = await feature_store.fetch_for_scoring(raw, list(range(FIRST_ID, FIRST_ID + 50)), categories=True)
    expected = Scorer(model.ModelBundle.load(row.path)).predict(records).probabilities

    release = threading.Event()
    checked = scorer_module.evaluator_or_reason

    def slow_check(bundle: model.ModelBundle) -> tree_eval.TreeEnsemble | str:
        assert release.wait(30)
        return checked(bundle)

    monkeypatch.setattr(scorer_module, "evaluator_or_reason", slow_check)
    scorer = Scorer(model.ModelBundle.load(row.path), compile_in_background=True)  # returns at once
    assert not scorer.compiled_evaluator and scorer.needs_categories
    assert scorer.predict(records).probabilities == expected  # CatBoost meanwhile
    release.set()
    assert scorer.compiled.wait(30)
    assert scorer.compiled_evaluator and not scorer.needs_categories
    assert scorer.predict(records).probabilities == expected


def test_the_evaluator_is_checked_against_catboost_on_the_reference_clients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bundle.train(tmp_path, "checked-1")
    _bundle.random_features(200, seed=5).write_parquet(tmp_path / model.REFERENCE_FILE)
    bundle = model.ModelBundle.load(tmp_path)
    assert scorer_module.checked_ensemble(bundle) is not None

    def off_by_one_ulp(self: tree_eval.TreeEnsemble, numeric: object, categorical: object) -> np.ndarray:
        return np.nextafter(original(self, numeric, categorical), 1.0)

    original = tree_eval.TreeEnsemble.predict_proba
    monkeypatch.setattr(tree_eval.TreeEnsemble, "predict_proba", off_by_one_ulp)
    assert scorer_module.checked_ensemble(bundle) is None  # CatBoost scores that model instead


def test_application_hash_is_canonical() -> None:
    a = application_hash({"AMT_CREDIT": 1.0, "CODE_GENDER": "F", "X": None}, None)
    b = application_hash({"CODE_GENDER": "F", "AMT_CREDIT": 1.0}, {})
    assert a == b and len(a) == 64
    assert a != application_hash({"CODE_GENDER": "M", "AMT_CREDIT": 1.0}, None)


def test_apikey_cli_prints_a_working_key_once(scoring_env: ScoringEnv) -> None:
    env = {**os.environ, "DATABASE_URL": scoring_env.url}
    done = subprocess.run([sys.executable, "-m", "credit_cli", "apikey", "create", "cli-test"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert key.startswith(auth.PREFIX)
    again = subprocess.run([sys.executable, "-m", "credit_cli", "apikey", "create", "cli-test"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "already exists" in again.stderr


async def test_keys_are_stored_hashed(scoring_env: ScoringEnv) -> None:
    async with scoring_env.engine.connect() as conn:
        hashes = (await conn.execute(sa.text("SELECT key_hash FROM api_key"))).scalars().all()
    assert all(len(h) == 64 for h in hashes)


def test_batched_application_features_equal_one_by_one() -> None:
    import polars as pl
    from polars.testing import assert_frame_equal

    from credit_core.features import features_for_application
    from credit_core.scoring.application_features import application_features

    bureau = {"SK_ID_BUREAU": 5, "DAYS_CREDIT": -100, "CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": 1000.0}
    apps: list[tuple[dict[str, object], dict[str, list[dict[str, object]]] | None]] = [
        ({"AMT_CREDIT": 1e5, "AMT_INCOME_TOTAL": 5e4, "AMT_ANNUITY": 5e3, "DAYS_BIRTH": -12000}, None),
        ({"SK_ID_CURR": 7, "AMT_CREDIT": 2e5, "AMT_INCOME_TOTAL": 6e4, "DAYS_EMPLOYED": 365243},
         {"bureau": [bureau], "bureau_balance": [{"SK_ID_BUREAU": 5, "MONTHS_BALANCE": -1, "STATUS": "1"}]}),
        ({"AMT_CREDIT": 3e5, "AMT_INCOME_TOTAL": 7e4},  # same SK_ID_BUREAU as above: must not be mixed up
         {"bureau": [{**bureau, "CREDIT_ACTIVE": "Closed"}], "bureau_balance": []}),
        ({"AMT_CREDIT": 3e5}, {"previous_application": [{"SK_ID_PREV": 1, "AMT_APPLICATION": 100.0}],
                               "installments_payments": [{"SK_ID_PREV": 1, "AMT_INSTALMENT": 10.0, "AMT_PAYMENT": 5.0,
                                                          "DAYS_INSTALMENT": -10, "DAYS_ENTRY_PAYMENT": -5}]}),
        ({"AMT_CREDIT": 4e5}, {}),
        ({"AMT_CREDIT": 5e5}, None),
    ]
    one_by_one = pl.concat([features_for_application(a, h) for a, h in apps], how="vertical_relaxed")
    assert_frame_equal(application_features(apps), one_by_one, check_dtypes=False)


def test_a_model_with_ctr_splits_is_scored_by_catboost_and_says_why_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """CatBoost's default settings (what the tuning ships when the defaults win) make CTR splits of categories: the
    fallback to CatBoost is named, logged once as a warning, and kept for /readyz."""
    _bundle.train(tmp_path, "ctr-1")
    frame = _bundle.random_features(400, seed=3)
    cats = list(features.CATEGORICAL_FEATURES)
    target = (frame[cats[0]] == "A").fill_null(False).to_numpy().astype(int)  # the trees must read it via a CTR
    ctr = CatBoostClassifier(iterations=20, depth=3, one_hot_max_size=1, verbose=0, random_seed=0, thread_count=1,
                             allow_writing_files=False)
    ctr.fit(model.model_frame(frame, list(features.FEATURE_NAMES), cats).to_pandas(), target, cat_features=cats)
    ctr.save_model(str(tmp_path / model.MODEL_FILE))
    with caplog.at_level(logging.INFO, logger="credit.scoring"):
        scorer = Scorer(model.ModelBundle.load(tmp_path))
    assert scorer.evaluator == "catboost" and not scorer.compiled_evaluator and scorer.needs_categories
    assert scorer.evaluator_fallback is not None and scorer.evaluator_fallback.startswith("CTR splits")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "ctr-1" in warnings[0].getMessage() and "CTR splits" in warnings[0].getMessage()
