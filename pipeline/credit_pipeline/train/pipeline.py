"""`credit train` end to end: evaluate on unseen clients, pick the threshold, fit the deployed model, write the bundle.

Protocol
- Evaluation predictions come from clients outside the fit: K-fold out-of-fold (`cv`) or a stratified
  hold-out. Each fit early-stops on its own subset of its training rows.
- The threshold is chosen on those predictions (threshold.best_threshold); every reported metric too.
- With `cv`, the deployed model is refitted on all labelled clients with the mean best iteration count;
  with a hold-out, the deployed model is the evaluated one (metrics describe exactly what is served, and
  training time is one fit: what keeps Kaggle-size training within budget).
- reference.parquet and population.json use the deployed model's probabilities, so they match what the
  services compute for the same clients.
- With a tuning budget (`tune_minutes`), the search (tuning.py) runs on inner folds of the training part; CatBoost's
  defaults go through the same protocol (same split or folds) and give `baseline_auc`. The best trial ships only
  if it is not below the defaults on the evaluation rows; otherwise the defaults ship (`tuning.chosen =
  "baseline"`), so a report's `auc` is never below its `baseline_auc` (choosing the better of two on those rows
  makes the reported AUC optimistic by a hair; the card says so).
- Calibration (calibration.py): Platt scaling fitted on the held-out predictions, kept when it helps, folded into
  the trees; the threshold and every decision metric are computed on the calibrated predictions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from catboost import CatBoostClassifier, Pool
from tqdm.auto import tqdm

from credit_core import homecredit, population
from credit_core.explain import counterfactual, recompute
from credit_core.model import ModelBundle
from credit_pipeline.train import bundle_writer, calibration, card, effects, evaluate, fairness, fit, threshold, tuning
from credit_pipeline.train.config import TrainConfig
from credit_pipeline.train.data import TrainingData


@dataclass
class TrainResult:
    version: str
    path: Path
    metadata: dict[str, Any]
    report: dict[str, Any]


@dataclass
class _Fitted:
    deploy: Callable[[], CatBoostClassifier]  # the model to deploy (a refit on every row with `cv`: on demand)
    eval_idx: np.ndarray  # rows behind the held-out predictions
    p_eval: np.ndarray
    iterations: int
    n_fit: int  # rows the deployed model was fitted on (early-stopping subset included)
    evaluation: str  # "oof-<k>fold" | "holdout"
    cv: dict[str, Any] | None


@dataclass
class _Choice:
    fitted: _Fitted
    config: TrainConfig | None  # None: CatBoost's defaults
    baseline_auc: float | None  # None without a tuning budget
    tuning: dict[str, Any] | None


def train(data: TrainingData, config: TrainConfig, models_dir: Path) -> TrainResult:
    """Fit, evaluate and write `models_dir/<version>/`; registering it is the caller's business."""
    steps = tqdm(total=3, desc="train", disable=not config.progress)
    steps.set_postfix_str("fit")
    started = time.perf_counter()
    y = data.target
    config = config.for_rows(len(y))
    pool = fit.make_pool(data.frame, y, data.feature_names, data.categorical_features)
    choice = _choose_and_fit(pool, y, config)
    fitted = choice.fitted
    idx = fitted.eval_idx
    calibrated = calibration.calibrate(y[idx], fitted.p_eval, config.seed)
    deployed = calibration.fold_into(fitted.deploy(), calibrated.scaling)
    train_seconds = time.perf_counter() - started
    steps.update()

    steps.set_postfix_str("report")
    truth = data.truth[idx] if data.truth is not None else None
    groups = (_take(data.gender, idx), _take(data.age_years, idx))
    report = evaluation_report(y[idx], calibrated.p, config, groups, truth, calibrated.report)
    report |= {"evaluation": fitted.evaluation, "cv": fitted.cv, "n_train": data.n, "n_fit": fitted.n_fit,
               "n_features": len(data.feature_names), "train_seconds": train_seconds,
               "iterations": fitted.iterations}
    if choice.tuning is not None:
        report |= {"baseline_auc": choice.baseline_auc, "tuning": choice.tuning}
    report["feature_effects"] = effects.feature_effects(deployed, data, y)
    p_all = deployed.predict_proba(pool, thread_count=config.thread_count)[:, 1]
    report["counterfactual"] = counterfactual_share(data, deployed, p_all, report["threshold"], config)
    steps.update()

    steps.set_postfix_str("bundle")
    created_at = datetime.now(UTC).replace(microsecond=0)
    data_fingerprint = bundle_writer.fingerprint(data.frame)
    version = bundle_writer.make_version(created_at, data_fingerprint, models_dir)
    report["version"] = version
    metadata = bundle_metadata(data, choice.config, config, report, version, created_at, data_fingerprint)
    feature_frame = data.frame.select(data.feature_names)
    summary = population.summarise(feature_frame, y, p_all, categorical=data.categorical_features)
    reference = bundle_writer.reference_sample(data.frame, p_all, config.reference_size, config.seed)
    path = bundle_writer.write_bundle(
        models_dir, version, deployed, metadata, report, reference, summary,
        card.render_markdown(metadata, report), card.render_html(metadata, report),
    )
    steps.update()
    steps.close()
    return TrainResult(version, path, metadata, report)


def counterfactual_share(data: TrainingData, fitted: CatBoostClassifier, p_all: np.ndarray, threshold: float,
                         config: TrainConfig) -> dict[str, Any]:
    """How many refused clients (a sample) a change of their loan within bounds would grant
    (credit_core.explain.counterfactual, the search the explain service runs), for the model card."""
    started = time.perf_counter()
    bundle = ModelBundle(version="training", path=Path("."), model=fitted, feature_names=data.feature_names,
                         categorical_features=data.categorical_features, threshold=threshold,
                         cost_fn=config.cost_fn, cost_fp=config.cost_fp, metadata={})
    raw_columns = [column.name for column in homecredit.APPLICATION.columns]
    share = counterfactual.feasible_share(bundle, data.frame, p_all, threshold, recompute.pipeline_featurizer,
                                          raw_columns, sample=config.counterfactual_sample, seed=config.seed)
    return {**share, "seconds": round(time.perf_counter() - started, 2)}


def _choose_and_fit(pool: Pool, y: np.ndarray, config: TrainConfig) -> _Choice:
    """The configuration to ship and its held-out predictions (see the protocol above)."""
    if config.tune_minutes <= 0:
        return _Choice(_fit_and_predict(pool, y, config), config, None, None)
    every = np.arange(len(y))
    search_rows = every if config.cv else fit.split(y, every, config.holdout_fraction, config.seed)[0]
    search = tuning.search(pool, y, search_rows, config)
    best = search.best
    assert best is not None  # the first trial always completes
    tuned_config = tuning.apply(config, best["params"])
    started = time.perf_counter()
    tuned = _fit_and_predict(pool, y, tuned_config)
    fitted = time.perf_counter()
    baseline = _fit_and_predict(pool, y, config, defaults=True)
    # Where a tuned training's time goes beyond the search (docs/BENCHMARKS.md: the defaults' fit dominates).
    seconds = {"best_trial_fit_seconds": round(fitted - started, 1),
               "baseline_fit_seconds": round(time.perf_counter() - fitted, 1)}
    baseline_auc = _auc(y, baseline)
    if _auc(y, tuned) < baseline_auc:
        return _Choice(baseline, None, baseline_auc, search.summary(
            "baseline", "the best trial scored below CatBoost's defaults on the evaluation rows") | seconds)
    return _Choice(tuned, tuned_config, baseline_auc, search.summary(
        "tuned", "the best trial scored at least as high as CatBoost's defaults on the evaluation rows") | seconds)


def _auc(y: np.ndarray, fitted: _Fitted) -> float:
    return float(evaluate.scores(y[fitted.eval_idx], fitted.p_eval)["auc"])


def _fit_and_predict(pool: Pool, y: np.ndarray, config: TrainConfig, *, defaults: bool = False) -> _Fitted:
    """Held-out predictions of `config` (or of CatBoost's defaults) and how to get the model to deploy."""
    if config.cv:
        cv = fit.cross_validate(pool, y, config, defaults=defaults)
        iterations = cv.mean_iterations

        def refit() -> CatBoostClassifier:
            if defaults:
                return fit.fit_defaults(pool, None, config, desc="final fit (defaults)").model
            return fit.fit_fixed(pool, iterations, config)

        info = {"k": config.cv, "fold_auc": cv.fold_auc, "iterations": cv.iterations}
        return _Fitted(refit, np.arange(len(y)), cv.oof, iterations, len(y), f"oof-{config.cv}fold", info)
    fit_idx, eval_idx = fit.split(y, np.arange(len(y)), config.holdout_fraction, config.seed)
    stopped = (fit.fit_defaults(pool, fit_idx, config, desc="hold-out fit (defaults)") if defaults
               else fit.fit_early_stopped(pool, y, fit_idx, config, desc="hold-out fit"))
    p_eval = stopped.model.predict_proba(pool.slice(eval_idx), thread_count=config.thread_count)[:, 1]
    return _Fitted(lambda: stopped.model, eval_idx, p_eval, stopped.iterations, len(fit_idx), "holdout", None)


def evaluation_report(y: np.ndarray, p: np.ndarray, config: TrainConfig,
                      groups: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
                      truth: np.ndarray | None = None,
                      calibration_report: dict[str, Any] | None = None) -> dict[str, Any]:
    """Metrics, threshold, costs, curves, calibration and fairness of held-out predictions `p` (already calibrated
    when `calibration_report` says how; else they are reported as they are)."""
    t = threshold.best_threshold(y, p, config.cost_fn, config.cost_fp)
    at_t = threshold.confusion(y, p, t)
    cost = at_t.cost(config.cost_fn, config.cost_fp)
    if calibration_report is None:
        table = calibration.calibration_table(y, p)
        ece = calibration.expected_calibration_error(table)
        brier = calibration.brier(y, p)
        calibration_report = {"method": "none", "brier_raw": brier, "brier": brier, "ece_raw": ece, "ece": ece,
                              "reliability": table}
    report: dict[str, Any] = {
        **evaluate.scores(y, p),
        "threshold": t,
        "bayes_threshold": threshold.bayes_threshold(config.cost_fn, config.cost_fp),
        "costs": {"false_negative": config.cost_fn, "false_positive": config.cost_fp},
        "business_cost": cost,
        "business_cost_per_client": cost / len(y),
        "business_cost_at_0_5": threshold.business_cost(y, p, 0.5, config.cost_fn, config.cost_fp),
        "business_cost_at_bayes": threshold.business_cost(
            y, p, threshold.bayes_threshold(config.cost_fn, config.cost_fp), config.cost_fn, config.cost_fp),
        "baselines": threshold.baselines(y, config.cost_fn, config.cost_fp),
        "confusion": at_t.as_dict(),
        "approval_rate": float(np.mean(p < t)),
        "n_evaluated": len(y),
        "cost_curve": threshold.cost_curve(y, p, config.cost_fn, config.cost_fp),
        "calibration": calibration_report,
        "calibration_error": calibration_report["ece"],
        "roc_curve": evaluate.roc_points(y, p),
        "pr_curve": evaluate.pr_points(y, p),
        "fairness": fairness.fairness_report(y, p, t, *groups),
    }
    if truth is not None:
        report["oracle_auc"] = evaluate.auc_or_none(y, truth)
    return report


def bundle_metadata(data: TrainingData, shipped: TrainConfig | None, config: TrainConfig, report: dict[str, Any],
                    version: str, created_at: datetime, data_fingerprint: str) -> dict[str, Any]:
    """`shipped`: the configuration of the deployed model (None: CatBoost's defaults); `config` the run's settings."""
    metric_keys = ("auc", "pr_auc", "brier", "log_loss", "ks", "business_cost", "business_cost_per_client",
                   "business_cost_at_0_5", "calibration_error", "oracle_auc", "evaluation")
    y = data.target
    return {
        "version": version,
        "created_at": created_at.isoformat(),
        "feature_set_version": data.feature_set_version,
        "features": bundle_writer.feature_schema(data.feature_names, data.categorical_features),
        "categorical_missing_value": "__missing__",
        "threshold": report["threshold"],
        "costs": {"false_negative": config.cost_fn, "false_positive": config.cost_fp},
        "metrics": {k: report[k] for k in metric_keys if k in report},
        "n_train": data.n,
        "training": {
            "source": data.source,
            "n_train": data.n,
            "n_fit": report["n_fit"],
            "default_rate": float(y.mean()),
            "fingerprint": data_fingerprint,
            "evaluation": report["evaluation"],
            "cv": config.cv,
            "holdout_fraction": None if config.cv else config.holdout_fraction,
            "iterations": report["iterations"],
            "train_seconds": report["train_seconds"],
            "class_imbalance": _class_imbalance(shipped),
            "calibration": report["calibration"]["method"],
            "params": fit_params(shipped) if shipped is not None else {
                "catboost_defaults": True, **config.default_params()},
        },
        "libraries": bundle_writer.library_versions(),
    }


def fit_params(config: TrainConfig) -> dict[str, Any]:
    params = config.catboost_params()
    keys = ("loss_function", "learning_rate", "depth", "l2_leaf_reg", "rsm", "border_count", "max_ctr_complexity",
            "one_hot_max_size", "boosting_type", "auto_class_weights", "random_seed", "thread_count")
    return {k: params[k] for k in keys if k in params} | {"early_stopping_rounds": config.early_stopping_rounds}


def _class_imbalance(shipped: TrainConfig | None) -> str:
    weights = shipped.auto_class_weights if shipped is not None else None
    if weights:
        return f"class weights {weights} in training, probabilities recalibrated (Platt); cost-based threshold"
    return "no class weights; cost-based decision threshold"


def _take(values: np.ndarray | None, idx: np.ndarray) -> np.ndarray | None:
    return None if values is None else values[idx]
