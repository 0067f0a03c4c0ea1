"""Issue 13 item 3: the counterfactual searches every loan lever within realistic bounds, returns the cheapest
change that flips the decision (by credit_core.decision), or says why none exists."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from credit_core import decision, features, homecredit
from credit_core.explain import counterfactual, recompute
from tests.explain import _service, _tiny

Tiny = tuple[_tiny.TinyBundle, pl.DataFrame]
APP = {"AMT_CREDIT": 200_000.0, "AMT_GOODS_PRICE": 180_000.0, "AMT_ANNUITY": 10_000.0, "AMT_INCOME_TOTAL": 90_000.0}


def test_every_candidate_stays_within_bounds_and_consistent() -> None:
    plan = counterfactual.candidates_for(APP)
    assert {lever for c in plan for lever in c.levers} == {"amount", "down_payment", "term"}
    for c in plan:
        new = c.apply(APP)
        share = new["AMT_CREDIT"] / APP["AMT_CREDIT"]
        assert share >= counterfactual.MIN_CREDIT_SHARE - 1e-9
        assert 1.0 <= c.term_factor <= counterfactual.BOUNDS["term_factor_max"]
        assert c.down_payment <= counterfactual.BOUNDS["down_payment_max"]
        assert new["AMT_ANNUITY"] == pytest.approx(APP["AMT_ANNUITY"] * share / c.term_factor)
        assert new["AMT_GOODS_PRICE"] == pytest.approx(APP["AMT_GOODS_PRICE"] * c.credit_factor)
        assert new["AMT_INCOME_TOTAL"] == APP["AMT_INCOME_TOTAL"]  # income is not a lever
    revolving = {**APP, "AMT_GOODS_PRICE": None}
    assert all(c.down_payment == 0 for c in counterfactual.candidates_for(revolving))


def test_the_cheapest_granting_change_wins(tiny: Tiny) -> None:
    bundle, frame = tiny
    apps, _ = _tiny.applications(3000, 3)
    proba = bundle.predict_proba(bundle.to_model_input(frame))
    refused = [int(i) for i in np.argsort(proba) if proba[i] >= bundle.threshold][:30]
    results = counterfactual.search_many(bundle, frame[refused], [apps[i] for i in refused], _tiny.featurize,
                                         bundle.threshold)
    found = 0
    for i, result in zip(refused, results, strict=True):
        plan = counterfactual.candidates_for(apps[i])
        brute = bundle.predict_proba(bundle.to_model_input(_tiny.featurize([c.apply(apps[i]) for c in plan])))
        granted = [k for k, p in enumerate(brute) if not decision.is_refused(float(p), bundle.threshold)]
        assert result["candidates_scored"] == len(plan)
        if not granted:
            assert result["status"] == "none_within_bounds" and result["reason_code"] == "no_change_within_bounds"
            assert result["closest"]["probability"] == pytest.approx(float(brute.min()), abs=1e-9)
            continue
        found += 1
        best = plan[granted[0]]
        assert result["status"] == "found" and result["decision"] == "granted"
        assert (result["credit_factor"], result["term_factor"], result["down_payment_share"]) == (
            best.credit_factor, best.term_factor, best.down_payment)
        assert result["probability"] == pytest.approx(float(brute[granted[0]]), abs=1e-9)
        assert result["levers_used"] == best.levers
        assert {c["feature"] for c in result["change_list"]} == set(result["changes"])
    assert found > 0


def test_granted_and_loanless_clients(tiny: Tiny) -> None:
    bundle, frame = tiny
    apps, _ = _tiny.applications(3000, 3)
    proba = bundle.predict_proba(bundle.to_model_input(frame))
    low, high = int(np.argmin(proba)), int(np.argmax(proba))
    granted = counterfactual.search(bundle, frame.slice(low, 1), apps[low], _tiny.featurize, bundle.threshold)
    assert granted["status"] == "already_granted" and granted["reason_code"] is None
    loanless = counterfactual.search(bundle, frame.slice(high, 1), {**apps[high], "AMT_CREDIT": None},
                                     _tiny.featurize, bundle.threshold)
    assert loanless["status"] == "no_loan_terms" and loanless["reason_code"] == "no_loan_terms"


def test_training_share_counts_refused_clients(tiny: Tiny) -> None:
    bundle, frame = tiny
    proba = bundle.predict_proba(bundle.to_model_input(frame))
    share = counterfactual.feasible_share(bundle, frame, proba, bundle.threshold, _tiny.featurize,
                                          ["SK_ID_CURR", *_tiny.FEATURES], sample=60, seed=0)
    assert share["refused_checked"] == 60 and 0 < share["feasible"] <= 60
    assert share["feasible_share"] == share["feasible"] / 60


def test_the_feature_row_is_enough_to_recompute_the_loan_features() -> None:
    """Training has no raw application at hand: rebuilding it from the feature row moves exactly the features the
    full raw application moves, to the same values (one feature definition, no second list)."""
    apps, target = _service.raw_applications(4, 5)
    stored = _service.feature_frame(apps, target).drop("TARGET")
    raw_columns = [c.name for c in homecredit.APPLICATION.columns]
    for k, app in enumerate(apps):
        plan = counterfactual.candidates_for(app)[:40]
        full = recompute.merged_rows(stored[k], [c.apply(app) for c in plan], recompute.pipeline_featurizer)
        rebuilt = counterfactual.loan_application(stored.row(k, named=True), raw_columns)
        assert "AMT_INCOME_TOTAL" in rebuilt and "DAYS_BIRTH" not in rebuilt
        partial = recompute.merged_rows(stored[k], [c.apply(rebuilt) for c in plan], recompute.pipeline_featurizer)
        names = list(features.FEATURE_NAMES)
        assert partial.select(names).equals(full.select(names))
        assert full["CREDIT_TERM"].n_unique() > 1 and full["GOODS_TO_CREDIT"].n_unique() > 1
