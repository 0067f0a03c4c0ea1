from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from credit_core.explain import counterfactual, explanation, population, reasons, shap_values
from credit_core.explain.context import ExplainContext
from tests.explain import _tiny

Tiny = tuple[_tiny.TinyBundle, pl.DataFrame]


def test_shap_is_additive_and_matches_predict_proba(tiny: Tiny) -> None:
    bundle, frame = tiny
    rows = frame.head(200)
    batch = shap_values.compute(bundle, rows)
    raw = bundle.model.predict(bundle.to_model_input(rows), prediction_type="RawFormulaVal")
    np.testing.assert_allclose(batch.log_odds, raw, atol=1e-6)
    proba = bundle.predict_proba(bundle.to_model_input(rows))
    np.testing.assert_allclose(1 / (1 + np.exp(-batch.log_odds)), proba, atol=1e-9)


def test_shap_agrees_with_shap_library(tiny: Tiny) -> None:
    import shap

    bundle, frame = tiny
    rows = frame.head(20)
    ours = shap_values.compute(bundle, rows)
    theirs = shap.TreeExplainer(bundle.model).shap_values(bundle.to_model_input(rows))
    np.testing.assert_allclose(ours.values, theirs, atol=1e-9)


def test_shap_base_value_of_no_rows_is_the_libraries_expected_value(tiny: Tiny) -> None:
    import shap

    bundle, frame = tiny
    empty = shap_values.compute(bundle, frame.head(0))
    assert empty.values.shape == (0, len(bundle.feature_names))
    expected = float(np.ravel(shap.TreeExplainer(bundle.model).expected_value)[0])
    assert empty.base_value == pytest.approx(expected, abs=1e-9)
    assert empty.base_value == pytest.approx(shap_values.compute(bundle, frame.head(3)).base_value, abs=1e-12)


def test_shap_bytes_round_trip() -> None:
    v = np.array([0.1, -2.5, np.pi])
    assert np.array_equal(shap_values.from_bytes(shap_values.to_bytes(v)), v)


def test_explanation_payload(tiny: Tiny, tiny_context: ExplainContext) -> None:
    bundle, frame = tiny
    payload = explanation.explain_frame(bundle, frame.slice(5, 1), tiny_context.population, top=3)
    assert payload["meta"] == {"model_version": "tiny-1", "method": "tree_shap", "output": "log_odds"}
    shown = sum(c["shap"] for c in payload["contributions"])
    assert payload["base_value"] + shown + payload["rest"]["shap"] == pytest.approx(
        payload["prediction"]["log_odds"], abs=1e-6)
    assert len(payload["contributions"]) == 3 and payload["rest"]["count"] == len(bundle.feature_names) - 3
    magnitudes = [abs(c["shap"]) for c in payload["contributions"]]
    assert magnitudes == sorted(magnitudes, reverse=True)
    raw = bundle.model.predict(bundle.to_model_input(frame.slice(5, 1)), prediction_type="RawFormulaVal")[0]
    assert payload["prediction"]["log_odds"] == pytest.approx(raw, abs=1e-6)


def test_reasons_only_risk_increasing_sorted_and_described(tiny_context: ExplainContext) -> None:
    names = ["AMT_CREDIT", "EXT_SOURCE_2", "CODE_GENDER", "AMT_ANNUITY", "CREDIT_TERM", "AMT_INCOME_TOTAL"]
    shap = [0.1, 0.9, 0.3, -1.0, 0.05, 0.2]
    values = [500_000.0, 0.12, "M", 20_000.0, 25.0, None]
    got = reasons.top_reasons(names, shap, values, tiny_context.population)
    assert [r.feature for r in got] == ["EXT_SOURCE_2", "CODE_GENDER", "AMT_INCOME_TOTAL", "AMT_CREDIT"]
    ext = got[0]
    assert ext.percentile is not None and ext.percentile < 50
    assert (ext.kind, ext.comparison, ext.direction) == ("numeric", "lower", "raises_risk")
    assert ext.share_pct == 100 - round(ext.percentile)
    gender = got[1]
    assert gender.kind == "categorical" and gender.default_rate is not None and gender.value_code == "M"
    assert got[2].kind == "missing" and got[2].value is None


def test_population_counts_sum_to_population(tiny: Tiny) -> None:
    _, frame = tiny
    pop = population.from_frame(frame.select(_tiny.FEATURES), frame["TARGET"], set(_tiny.CATEGORICAL))
    n_repaid, n_defaulted = int((frame["TARGET"] == 0).sum()), int((frame["TARGET"] == 1).sum())
    assert pop.n == {"repaid": n_repaid, "defaulted": n_defaulted}
    for name in _tiny.FEATURES:
        dist = pop.distribution(name)
        if dist["kind"] == "numeric":
            repaid = sum(dist["counts"]["repaid"]) + dist["missing"]["repaid"]
            defaulted = sum(dist["counts"]["defaulted"]) + dist["missing"]["defaulted"]
        else:
            repaid = sum(c["repaid"] for c in dist["categories"]) + dist["missing"]["repaid"]
            defaulted = sum(c["defaulted"] for c in dist["categories"]) + dist["missing"]["defaulted"]
        assert (repaid, defaulted) == (n_repaid, n_defaulted), name
    credit = frame["AMT_CREDIT"]
    assert pop.percentile("AMT_CREDIT", float(credit.median())) == pytest.approx(50, abs=2)
    assert pop.percentile("AMT_CREDIT", float(credit.max()) * 2) == 100
    assert pop.percentile("CODE_GENDER", "M") is None


def test_counterfactual_flips_the_decision(tiny: Tiny) -> None:
    bundle, frame = tiny
    apps, _ = _tiny.applications(3000, 3)
    proba = bundle.predict_proba(bundle.to_model_input(frame))
    refused = [i for i in np.argsort(-proba) if proba[i] >= bundle.threshold]
    found = 0
    for i in refused[-40:]:  # the refused clients closest to the threshold
        stored = frame.slice(int(i), 1)
        result = counterfactual.search(bundle, stored, apps[int(i)], _tiny.featurize, bundle.threshold)
        assert result["current"]["decision"] == "refused"
        if result["status"] == "found":
            found += 1
            changed = counterfactual.Candidate(result["credit_factor"], result["term_factor"],
                                               result["down_payment_share"]).apply(apps[int(i)])
            new_p = bundle.predict_proba(bundle.to_model_input(_tiny.featurize([changed])))[0]
            assert new_p < bundle.threshold
            assert new_p == pytest.approx(result["probability"], abs=1e-9)
            assert result["changes"]
        else:
            assert result["status"] == "none_within_bounds"
    assert found > 0


def test_counterfactual_grid_is_ordered_by_cost() -> None:
    app = {"AMT_CREDIT": 100_000.0, "AMT_GOODS_PRICE": 90_000.0, "AMT_ANNUITY": 5_000.0}
    plan = counterfactual.candidates_for(app)
    costs = [c.cost(app) for c in plan]
    assert costs == sorted(costs) and plan[0] == counterfactual.Candidate(1.0, 1.0, 0.0)


def test_similar_excludes_self_and_is_sorted(tiny: Tiny, tiny_context: ExplainContext) -> None:
    _, frame = tiny
    matrix = frame.select(_tiny.NUMERIC).fill_null(float("nan")).to_numpy()
    index = tiny_context.build_similar(frame["SK_ID_CURR"].to_numpy(), frame["TARGET"].to_numpy(), matrix,
                                       _tiny.NUMERIC)
    me = frame.row(0, named=True)
    values = np.array([np.nan if me[n] is None else me[n] for n in index.feature_names], dtype=float)
    out = index.neighbours(values, 20, exclude_id=me["SK_ID_CURR"])
    assert out["k"] == 20
    assert me["SK_ID_CURR"] not in [n["client_id"] for n in out["neighbours"]]
    dists = [n["distance"] for n in out["neighbours"]]
    assert dists == sorted(dists)
    assert out["population_default_rate"] == pytest.approx(float(frame["TARGET"].mean()))


def test_importance_and_beeswarm(tiny_context: ExplainContext) -> None:
    imp = tiny_context.importance
    means = [i["mean_abs_shap"] for i in imp]
    assert means == sorted(means, reverse=True) and len(imp) == len(_tiny.FEATURES)
    swarm = tiny_context.beeswarm
    assert swarm and all(0 <= p["value_quantile"] <= 1 for f in swarm for p in f["points"]
                         if p["value_quantile"] is not None)


def test_joint_view_is_computed_once_per_pair_and_bounded(tiny_context: ExplainContext,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from credit_core.explain import context, joint

    first = tiny_context.joint_view("AMT_CREDIT", "EXT_SOURCE_2")
    assert first == joint.joint(tiny_context.reference, "AMT_CREDIT", "EXT_SOURCE_2", None, tiny_context.rates)
    assert tiny_context.joint_view("AMT_CREDIT", "EXT_SOURCE_2") is first
    assert "client" not in first
    monkeypatch.setattr(context, "JOINT_CACHE_SIZE", 2)
    for b in ("CODE_GENDER", "NAME_CONTRACT_TYPE", "CREDIT_TERM"):
        tiny_context.joint_view("AMT_CREDIT", b)
    assert tiny_context.joint_view("AMT_CREDIT", "EXT_SOURCE_2") is not first  # evicted, then recomputed
    assert len(tiny_context._joint) <= 2
