"""Issue 18: the search against CatBoost's defaults, the never-worse rule, Platt scaling folded into the trees,
the report keys of the contract (HELPERS.md) and the engineered features' effects."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from catboost import CatBoostClassifier, Pool

from credit_core import features, model, tree_eval
from credit_pipeline import train as training
from credit_pipeline.train import calibration, fit, tuning
from credit_pipeline.train.pipeline import fit_params
from tests.core.test_model import labelled_features

# Small enough for a test: a few seconds a fit, CatBoost's defaults capped at 150 trees.
SMALL = training.TrainConfig(iterations=150, early_stopping_rounds=20, progress=False, reference_size=200,
                             tune_minutes=0.15, tune_folds=2, baseline_iterations=150)


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return labelled_features(1500, 3)


@pytest.fixture(scope="module")
def tuned(frame: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> training.TrainResult:
    return training.train(training.from_frame(frame), SMALL, tmp_path_factory.mktemp("tuned"))


def test_report_carries_baseline_tuning_and_calibration_as_agreed(tuned: training.TrainResult) -> None:
    report = tuned.report
    assert isinstance(report["baseline_auc"], float) and report["auc"] >= report["baseline_auc"]
    t = report["tuning"]
    assert t.keys() >= {"budget_minutes", "trials", "best_params", "best_auc", "chosen"}
    assert t["budget_minutes"] == SMALL.tune_minutes and t["chosen"] in ("tuned", "baseline")
    assert t["trials"] >= 1  # today's configuration is always tried first
    assert t["best_trial_fit_seconds"] > 0 and t["baseline_fit_seconds"] > 0 and t["stopped"] >= 0
    assert set(t["best_params"]) == {"depth", "learning_rate", "l2_leaf_reg", "border_count", "boosting_type",
                                     "auto_class_weights"}
    cal = report["calibration"]
    assert cal.keys() >= {"method", "brier_raw", "brier", "ece_raw", "ece", "reliability"}
    assert cal["method"] in ("platt", "none") and cal["brier"] <= cal["brier_raw"]
    assert [r.keys() >= {"predicted", "observed", "n"} for r in cal["reliability"]] == [True] * 10
    assert report["calibration_error"] == cal["ece"]
    training_meta = tuned.metadata["training"]
    assert training_meta["calibration"] == cal["method"]
    if t["chosen"] == "baseline":
        assert training_meta["params"]["catboost_defaults"] is True
    card = (tuned.path / model.CARD_MD_FILE).read_text()
    assert "## Hyper-parameters" in card and f"Shipped: **{t['chosen']}**" in card


def test_feature_effects_name_the_engineered_ratios(tuned: training.TrainResult) -> None:
    effects = tuned.report["feature_effects"]
    names = [e["feature"] for e in effects]
    assert {"EXT_SOURCE_MEAN", "CREDIT_TERM", "ANNUITY_TO_INCOME", "GOODS_TO_CREDIT", "EMPLOYED_TO_AGE",
            "DOCUMENT_COUNT", "BUREAU_REQUESTS_TOTAL"} <= set(names)
    assert all(n in features.FEATURES_BY_NAME for n in names)
    assert [e["importance"] for e in effects] == sorted((e["importance"] for e in effects), reverse=True)
    for e in effects:
        assert e["note"] and 1 <= e["rank"] <= len(features.FEATURE_NAMES)


def test_served_model_is_calibrated_exactly_and_shap_stays_additive(tuned: training.TrainResult,
                                                                    frame: pl.DataFrame) -> None:
    bundle = model.ModelBundle.load(tuned.path)
    pool = bundle.to_model_input(frame.head(300))
    raw = bundle.model.predict(pool, prediction_type="RawFormulaVal")
    shap = bundle.model.get_feature_importance(pool, type="ShapValues")
    np.testing.assert_allclose(shap.sum(axis=1), raw, atol=1e-9)
    cats = bundle.categorical_features
    compiled = tree_eval.compile_model(bundle.model, [n for n in bundle.feature_names if n not in cats], cats)
    # The scoring evaluator reads the same folded leaves and bias (CatBoost's defaults use CTR splits on these
    # 3-value categories, which it leaves to CatBoost).
    assert (compiled is None) == (tuned.report["tuning"]["chosen"] == "baseline")
    if compiled is not None:
        assert (compiled.scale, compiled.bias) == bundle.model.get_scale_and_bias()


def test_platt_scaling_folded_into_the_trees_gives_the_calibrated_probability() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    x = pl.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                      "c": rng.choice(list("abcdefghijklmnop"), n)}).to_pandas()
    y = (rng.random(n) < 1 / (1 + np.exp(-(x["a"].to_numpy() - 2.5)))).astype(int)
    pool = Pool(x, y, cat_features=["c"])
    # Class weights inflate the probabilities: what the search may pick, and what calibration must undo.
    weighted = CatBoostClassifier(iterations=60, depth=3, auto_class_weights="Balanced", one_hot_max_size=4,
                                  verbose=0, allow_writing_files=False, thread_count=1).fit(pool)
    p_raw = weighted.predict_proba(pool)[:, 1]
    result = calibration.calibrate(y, p_raw, seed=0)
    assert result.report["method"] == "platt"
    assert result.report["brier"] < result.report["brier_raw"] and result.report["ece"] < result.report["ece_raw"]
    assert abs(result.p.mean() - y.mean()) < 0.01 < abs(p_raw.mean() - y.mean())
    folded = calibration.fold_into(weighted, result.scaling)
    assert isinstance(folded, CatBoostClassifier) and folded.get_scale_and_bias()[0] == 1.0
    np.testing.assert_allclose(folded.predict_proba(pool)[:, 1], result.p, atol=1e-9)
    shap = folded.get_feature_importance(pool, type="ShapValues")
    np.testing.assert_allclose(shap.sum(axis=1), folded.predict(pool, prediction_type="RawFormulaVal"), atol=1e-9)
    assert calibration.fold_into(weighted, calibration.IDENTITY) is weighted


def test_the_tuned_configuration_never_ships_below_the_defaults(frame: pl.DataFrame, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A search that (wrongly) found a crippled configuration best: the evaluation rows catch it, the defaults ship."""
    crippled = {"depth": 1, "learning_rate": 0.001, "l2_leaf_reg": 50.0, "border_count": 32,
                "boosting_type": "Plain", "auto_class_weights": "none"}

    def rigged(pool: Pool, y: np.ndarray, indices: np.ndarray, config: training.TrainConfig) -> tuning.Tuning:
        found = tuning.Tuning(config.tune_minutes, len(indices), 2)
        found.trials.append({"params": crippled, "auc": 0.99, "trees": 10, "seconds": 0.0})
        return found

    monkeypatch.setattr(tuning, "search", rigged)
    config = training.TrainConfig(iterations=20, early_stopping_rounds=5, progress=False, reference_size=200,
                                  tune_minutes=1.0, baseline_iterations=150)
    report = training.train(training.from_frame(frame), config, tmp_path).report
    assert report["tuning"]["chosen"] == "baseline" and "evaluation rows" in report["tuning"]["reason"]
    assert report["auc"] == pytest.approx(report["baseline_auc"])


def test_search_space_maps_onto_catboost_parameters() -> None:
    config = training.TrainConfig(learning_rate=0.05)
    first = tuning.current_params(config)
    assert tuning.apply(config, first) == training.TrainConfig(learning_rate=0.05, boosting_type="Plain")
    weighted = tuning.apply(config, {**first, "auto_class_weights": "SqrtBalanced", "boosting_type": "Ordered"})
    params: dict[str, Any] = weighted.catboost_params()
    assert params["auto_class_weights"] == "SqrtBalanced" and params["boosting_type"] == "Ordered"
    assert fit_params(weighted)["auto_class_weights"] == "SqrtBalanced"
    assert "auto_class_weights" not in config.catboost_params()
    assert config.default_params().keys() == {"loss_function", "random_seed", "thread_count", "allow_writing_files",
                                              "verbose"}


def _search_pool(frame: pl.DataFrame) -> tuple[Pool, np.ndarray]:
    data = training.from_frame(frame)
    return fit.make_pool(data.frame, data.target, data.feature_names, data.categorical_features), data.target


def test_a_trial_stopped_by_the_deadline_ends_the_search_quietly(frame: pl.DataFrame, capfd: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The budget running out mid-trial is not an error a user can act on: no Optuna warning nor traceback, the
    trial is dropped and counted, the search ends there (not when Optuna next checks its timeout)."""
    pool, y = _search_pool(frame)
    # A deadline far away (the stop is simulated) and the progress bar on, as `credit train` runs it.
    config = dataclasses.replace(SMALL.for_rows(len(y)), tune_minutes=10.0, progress=True)
    real, calls = tuning._fold_auc, []

    def out_of_time_after_the_first_trial(*args: Any) -> tuple[float, int]:
        calls.append(1)
        if len(calls) > config.tune_folds + 1:
            pytest.fail("the search went on after its deadline")  # a BaseException: Optuna cannot swallow it
        if len(calls) > config.tune_folds:  # trial 0 (today's configuration) scores its folds, then time is up
            raise tuning._OutOfTime
        return real(*args)

    monkeypatch.setattr(tuning, "_fold_auc", out_of_time_after_the_first_trial)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an ExperimentalWarning (or any other) would fail the test
        found = tuning.search(pool, y, np.arange(len(y)), config)
    err = capfd.readouterr().err
    assert (len(found.trials), len(calls)) == (1, config.tune_folds + 1)
    pass
    assert "failed" not in err and "Traceback" not in err and "[W " not in err and "Warning" not in err


def test_a_real_error_in_a_trial_still_propagates(frame: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    pool, y = _search_pool(frame)
    config = dataclasses.replace(SMALL.for_rows(len(y)), tune_minutes=10.0)

    def broken(*args: Any) -> tuple[float, int]:
        raise RuntimeError("CatBoost failed")

    monkeypatch.setattr(tuning, "_fold_auc", broken)
    with pytest.raises(RuntimeError, match="CatBoost failed"):
        tuning.search(pool, y, np.arange(len(y)), config)
