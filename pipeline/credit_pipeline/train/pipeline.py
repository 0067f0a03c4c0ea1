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
"""

from __future__ import annotations

import time
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
from credit_pipeline.train import bundle_writer, calibration, card, evaluate, fairness, fit, threshold
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
    model: CatBoostClassifier  # the model to deploy
    eval_idx: np.ndarray  # rows behind the held-out predictions
    p_eval: np.ndarray
    iterations: int
    n_fit: int  # rows the deployed model was fitted on (early-stopping subset included)
    evaluation: str  # "oof-<k>fold" | "holdout"
    cv: dict[str, Any] | None


def train(data: TrainingData, config: TrainConfig, models_dir: Path) -> TrainResult:
    """Fit, evaluate and write `models_dir/<version>/`; registering it is the caller's business."""
    steps = tqdm(total=3, desc="train", disable=not config.progress)
    steps.set_postfix_str("fit")
    started = time.perf_counter()
    y = data.target
    config = config.for_rows(len(y))
    pool = fit.make_pool(data.frame, y, data.feature_names, data.categorical_features)
    fitted = _fit_and_predict(pool, y, config)
    train_seconds = time.perf_counter() - started
    steps.update()

    steps.set_postfix_str("report")
    idx = fitted.eval_idx
    truth = data.truth[idx] if data.truth is not None else None
    groups = (_take(data.gender, idx), _take(data.age_years, idx))
    report = evaluation_report(y[idx], fitted.p_eval, config, groups, truth)
    report |= {"evaluation": fitted.evaluation, "cv": fitted.cv, "n_train": data.n, "n_fit": fitted.n_fit,
               "n_features": len(data.feature_names), "train_seconds": train_seconds,
               "iterations": fitted.iterations}
    p_all = fitted.model.predict_proba(pool, thread_count=config.thread_count)[:, 1]
    report["counterfactual"] = counterfactual_share(data, fitted.model, p_all, report["threshold"], config)
    steps.update()

    steps.set_postfix_str("bundle")
    created_at = datetime.now(UTC).replace(microsecond=0)
    data_fingerprint = bundle_writer.fingerprint(data.frame)
    version = bundle_writer.make_version(created_at, data_fingerprint, models_dir)
    report["version"] = version
    metadata = bundle_metadata(data, config, report, version, created_at, data_fingerprint)
    feature_frame = data.frame.select(data.feature_names)
    summary = population.summarise(feature_frame, y, p_all, categorical=data.categorical_features)
    reference = bundle_writer.reference_sample(data.frame, p_all, config.reference_size, config.seed)
    path = bundle_writer.write_bundle(
        models_dir, version, fitted.model, metadata, report, reference, summary,
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


def _fit_and_predict(pool: Pool, y: np.ndarray, config: TrainConfig) -> _Fitted:
    if config.cv:
        cv = fit.cross_validate(pool, y, config)
        final = fit.fit_fixed(pool, cv.mean_iterations, config)
        info = {"k": config.cv, "fold_auc": cv.fold_auc, "iterations": cv.iterations}
        return _Fitted(final, np.arange(len(y)), cv.oof, cv.mean_iterations, len(y), f"oof-{config.cv}fold", info)
    fit_idx, eval_idx = fit.split(y, np.arange(len(y)), config.holdout_fraction, config.seed)
    stopped = fit.fit_early_stopped(pool, y, fit_idx, config, desc="hold-out fit")
    p_eval = stopped.model.predict_proba(pool.slice(eval_idx), thread_count=config.thread_count)[:, 1]
    return _Fitted(stopped.model, eval_idx, p_eval, stopped.iterations, len(fit_idx), "holdout", None)


def evaluation_report(y: np.ndarray, p: np.ndarray, config: TrainConfig,
                      groups: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
                      truth: np.ndarray | None = None) -> dict[str, Any]:
    """Metrics, threshold, costs, curves, calibration and fairness of held-out predictions `p`."""
    t = threshold.best_threshold(y, p, config.cost_fn, config.cost_fp)
    at_t = threshold.confusion(y, p, t)
    cost = at_t.cost(config.cost_fn, config.cost_fp)
    table = calibration.calibration_table(y, p)
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
        "calibration": table,
        "calibration_error": calibration.expected_calibration_error(table),
        "roc_curve": evaluate.roc_points(y, p),
        "pr_curve": evaluate.pr_points(y, p),
        "fairness": fairness.fairness_report(y, p, t, *groups),
    }
    if truth is not None:
        report["oracle_auc"] = evaluate.auc_or_none(y, truth)
    return report


def bundle_metadata(data: TrainingData, config: TrainConfig, report: dict[str, Any], version: str,
                    created_at: datetime, data_fingerprint: str) -> dict[str, Any]:
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
            "class_imbalance": "no class weights (calibrated probabilities); cost-based decision threshold",
            "params": fit_params(config),
        },
        "libraries": bundle_writer.library_versions(),
    }


def fit_params(config: TrainConfig) -> dict[str, Any]:
    params = config.catboost_params()
    return {k: params[k] for k in ("loss_function", "learning_rate", "depth", "l2_leaf_reg", "rsm", "border_count",
                                   "max_ctr_complexity", "one_hot_max_size", "random_seed", "thread_count")} | {
        "early_stopping_rounds": config.early_stopping_rounds}


def _take(values: np.ndarray | None, idx: np.ndarray) -> np.ndarray | None:
    return None if values is None else values[idx]
