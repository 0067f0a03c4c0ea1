"""Hyper-parameter search: Optuna under a time budget, scored on inner folds of the training part only.

The search never sees the rows the report is computed on: it runs on the hold-out protocol's fitting part (or,
with `--cv`, on every labelled row: the out-of-fold AUC then carries the small optimism of picking the best of a
few dozen trials, said in the card). At most `tune_rows` of them, stratified, are used.

Each trial fits one configuration on every inner fold (early stopping on a subset carved out of the fold's
training part, as everywhere in training), and is scored by the mean inner AUC. A trial that trails the median
after its first fold is pruned; one still running at the deadline is stopped and dropped (counted as `stopped`,
reported as pruned to Optuna, which then ends the study), so the search ends within its budget. Optuna itself says
nothing a user could act on: its logger is kept at WARNING (a stopped trial is not a failure, so it no longer
prints one with a traceback) and its experimental-API notices are silenced during the search; any other error in
a trial still propagates. Today's fixed configuration is the first trial (always completed, even past the budget), so
the search can only improve on it. CatBoost's defaults are not scored here: one fit of them (1,000 depth-6 trees
with feature combinations) costs several trials, and the pipeline compares them with the best trial on the
evaluation rows anyway (pipeline.py); scoring them on the inner folds as well took 70 % of an 8-minute budget at
20k clients on the busy machine, leaving one trial.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from catboost import CatBoostClassifier, Pool
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from credit_pipeline.train import fit
from credit_pipeline.train.config import TrainConfig

TRIAL_STOPPING_ROUNDS = 50  # trials only rank configurations: a shorter patience than the final fit's
CLASS_WEIGHTS = ("none", "SqrtBalanced", "Balanced")
BOOSTING = ("Plain", "Ordered")
BORDERS = (32, 64, 128, 254)


@dataclass
class Tuning:
    budget_minutes: float
    rows: int  # rows searched on
    folds: int
    trials: list[dict[str, Any]] = field(default_factory=list)  # every finished trial: params, auc, trees, s
    pruned: int = 0
    stopped: int = 0  # trials cut short by the deadline (dropped)
    seconds: float = 0.0

    @property
    def best(self) -> dict[str, Any] | None:
        return max(self.trials, key=lambda t: t["auc"]) if self.trials else None

    def summary(self, chosen: str, reason: str) -> dict[str, Any]:
        """The report's `tuning` entry."""
        best = self.best
        return {
            "budget_minutes": self.budget_minutes,
            "trials": len(self.trials),
            "pruned": self.pruned,
            "stopped": self.stopped,
            "best_params": best["params"] if best else None,
            "best_auc": best["auc"] if best else None,
            "chosen": chosen,
            "reason": reason,
            "inner_folds": self.folds,
            "rows": self.rows,
            "seconds": self.seconds,
            "history": sorted(self.trials, key=lambda t: -t["auc"])[:10],
        }


def apply(config: TrainConfig, params: dict[str, Any]) -> TrainConfig:
    """`config` with a trial's parameters (as recorded in Tuning.trials)."""
    weights = params["auto_class_weights"]
    return replace(config, depth=int(params["depth"]), learning_rate=float(params["learning_rate"]),
                   l2_leaf_reg=float(params["l2_leaf_reg"]), border_count=int(params["border_count"]),
                   boosting_type=str(params["boosting_type"]),
                   auto_class_weights=None if weights == "none" else str(weights))


def current_params(config: TrainConfig) -> dict[str, Any]:
    """Today's fixed configuration in the search's terms: the first trial."""
    return {"depth": config.depth, "learning_rate": config.learning_rate, "l2_leaf_reg": config.l2_leaf_reg,
            "border_count": config.border_count, "boosting_type": config.boosting_type or "Plain",
            "auto_class_weights": config.auto_class_weights or "none"}


def search(pool: Pool, y: np.ndarray, indices: np.ndarray, config: TrainConfig) -> Tuning:
    """Search `config`'s main hyper-parameters on `indices` within `config.tune_minutes`."""
    import optuna

    started = time.monotonic()
    deadline = started + 60.0 * config.tune_minutes
    rows = _sample(y, indices, config.tune_rows, config.seed)
    folds = list(StratifiedKFold(config.tune_folds, shuffle=True, random_state=config.seed).split(rows, y[rows]))
    folds = [(rows[a], rows[b]) for a, b in folds]
    result = Tuning(config.tune_minutes, len(rows), len(folds))

    def objective(trial: optuna.Trial) -> float:
        params = {
            "depth": trial.suggest_int("depth", 4, 8),
            "learning_rate": trial.suggest_float("learning_rate", 0.03, 0.15, log=True),
            "l2_leaf_reg": trial.suggest_float("l2_leaf_reg", 1.0, 50.0, log=True),
            "border_count": trial.suggest_categorical("border_count", BORDERS),
            "boosting_type": trial.suggest_categorical("boosting_type", BOOSTING),
            "auto_class_weights": trial.suggest_categorical("auto_class_weights", CLASS_WEIGHTS),
        }
        trial_started = time.monotonic()
        candidate = apply(config, params)
        # Today's configuration (the first trial) is always scored in full, even past the budget: the choice
        # then always has it and the defaults to compare.
        trial_deadline = deadline if trial.number > 0 else float("inf")
        aucs, trees = [], []
        for k, (train_idx, test_idx) in enumerate(folds):
            try:
                auc, n_trees = _fold_auc(pool, y, train_idx, test_idx, candidate, trial_deadline)
            except _OutOfTime:
                # Not a failure (Optuna would log one, traceback included): the budget is spent, the trial is
                # dropped and the study ends here.
                result.stopped += 1
                trial.study.stop()
                raise optuna.TrialPruned("stopped at the search's deadline") from None
            aucs.append(auc)
            trees.append(n_trees)
            trial.report(float(np.mean(aucs)), k)
            if trial.should_prune():
                result.pruned += 1
                raise optuna.TrialPruned
        value = float(np.mean(aucs))
        result.trials.append({"params": params, "auc": value, "trees": round(float(np.mean(trees))),
                              "seconds": round(time.monotonic() - trial_started, 1)})
        return value

    quiet_optuna()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=config.seed),
                                    pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=0))
        study.enqueue_trial(current_params(config))
        study.optimize(objective, n_trials=1, show_progress_bar=False)
        remaining = deadline - time.monotonic()
        if remaining > 0:
            study.optimize(objective, timeout=remaining, show_progress_bar=config.progress)
    result.seconds = round(time.monotonic() - started, 1)
    return result


def quiet_optuna() -> None:
    """Optuna's own log at WARNING: its per-trial INFO lines (and pruned trials) would interleave with the progress
    bars; the search's progress is the bar and the report."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


class _OutOfTime(Exception):
    """A trial stopped by the deadline: dropped, the search ends."""


class _Deadline:
    """CatBoost callback stopping a fit at the search's deadline."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.hit = False

    def after_iteration(self, info: object) -> bool:
        self.hit = time.monotonic() > self.deadline
        return not self.hit


def _fold_auc(pool: Pool, y: np.ndarray, train_idx: np.ndarray, test_idx: np.ndarray, config: TrainConfig,
              deadline: float) -> tuple[float, int]:
    fit_idx, stop_idx = fit.split(y, train_idx, config.early_stopping_fraction, config.seed)
    model = CatBoostClassifier(**config.catboost_params())
    stop = _Deadline(deadline)
    model.fit(pool.slice(fit_idx), eval_set=pool.slice(stop_idx), use_best_model=True,
              early_stopping_rounds=TRIAL_STOPPING_ROUNDS, callbacks=[stop])
    if stop.hit:
        raise _OutOfTime
    p = model.predict_proba(pool.slice(test_idx), thread_count=config.thread_count)[:, 1]
    return float(roc_auc_score(y[test_idx], p)), model.get_best_iteration() + 1


def _sample(y: np.ndarray, indices: np.ndarray, limit: int, seed: int) -> np.ndarray:
    if len(indices) <= limit:
        return np.sort(indices)
    keep, _ = train_test_split(indices, train_size=limit, stratify=y[indices], random_state=seed)
    return np.sort(keep)
