"""Fitting CatBoost: early-stopped fits, K-fold out-of-fold predictions, the final fixed-size fit.

Every evaluation is on rows the model never saw, early stopping included: a fit carves its own
early-stopping subset out of its training rows, so hold-out / out-of-fold metrics are not tuned on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from catboost import CatBoostClassifier, Pool
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from tqdm.auto import tqdm

from credit_core.model import model_frame
from credit_pipeline.train.config import TrainConfig


@dataclass(frozen=True)
class EarlyStopped:
    model: CatBoostClassifier
    iterations: int  # trees kept (best iteration + 1)


@dataclass(frozen=True)
class CrossValidation:
    oof: np.ndarray  # out-of-fold P(default), one per training row
    iterations: list[int]
    fold_auc: list[float]

    @property
    def mean_iterations(self) -> int:
        return round(float(np.mean(self.iterations)))


def make_pool(frame: pl.DataFrame, target: np.ndarray | None, feature_names: list[str],
              categorical_features: list[str]) -> Pool:
    """The one conversion of features to CatBoost input used for training (same as ModelBundle's)."""
    return Pool(model_frame(frame, feature_names, categorical_features), label=target,
                cat_features=categorical_features)


def split(y: np.ndarray, indices: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (keep, held_out) split of `indices`."""
    keep, held = train_test_split(indices, test_size=fraction, stratify=y[indices], random_state=seed)
    return np.sort(keep), np.sort(held)


def fit_early_stopped(pool: Pool, y: np.ndarray, indices: np.ndarray, config: TrainConfig,
                      desc: str = "fit") -> EarlyStopped:
    """Fit on `indices` minus an early-stopping subset of them; keep the best iteration."""
    fit_idx, stop_idx = split(y, indices, config.early_stopping_fraction, config.seed)
    model = CatBoostClassifier(**config.catboost_params())
    with _IterationBar(config.iterations, desc, config.progress) as bar:
        model.fit(pool.slice(fit_idx), eval_set=pool.slice(stop_idx), use_best_model=True,
                  early_stopping_rounds=config.early_stopping_rounds, callbacks=[bar])
    return EarlyStopped(model, model.get_best_iteration() + 1)


def fit_fixed(pool: Pool, iterations: int, config: TrainConfig, desc: str = "final fit") -> CatBoostClassifier:
    model = CatBoostClassifier(**config.catboost_params(iterations))
    with _IterationBar(iterations, desc, config.progress) as bar:
        model.fit(pool, callbacks=[bar])
    return model


def fit_defaults(pool: Pool, indices: np.ndarray | None, config: TrainConfig, desc: str = "defaults fit"
                 ) -> EarlyStopped:
    """CatBoost with its own default settings on `indices` (every row when None): the baseline. It has no early
    stopping by default, so it sees all of them."""
    model = CatBoostClassifier(**config.default_params())
    with _IterationBar(config.baseline_iterations or 1000, desc, config.progress) as bar:
        model.fit(pool if indices is None else pool.slice(indices), callbacks=[bar])
    return EarlyStopped(model, model.tree_count_)


def cross_validate(pool: Pool, y: np.ndarray, config: TrainConfig, *, defaults: bool = False) -> CrossValidation:
    """Out-of-fold predictions of `config` (or of CatBoost's defaults); the same folds for a given seed."""
    assert config.cv is not None and config.cv >= 2
    oof = np.full(len(y), np.nan)
    iterations, fold_auc = [], []
    folds = StratifiedKFold(n_splits=config.cv, shuffle=True, random_state=config.seed).split(np.zeros(len(y)), y)
    for k, (train_idx, test_idx) in enumerate(tqdm(list(folds), desc="cv folds", disable=not config.progress)):
        desc = f"fold {k + 1}/{config.cv}"
        fitted = (fit_defaults(pool, train_idx, config, desc) if defaults
                  else fit_early_stopped(pool, y, train_idx, config, desc=desc))
        oof[test_idx] = fitted.model.predict_proba(pool.slice(test_idx), thread_count=config.thread_count)[:, 1]
        iterations.append(fitted.iterations)
        fold_auc.append(float(roc_auc_score(y[test_idx], oof[test_idx])))
    return CrossValidation(oof, iterations, fold_auc)


class _IterationBar:
    """CatBoost callback driving a tqdm bar (one tick per boosting iteration)."""

    def __init__(self, total: int, desc: str, enabled: bool) -> None:
        self.bar = tqdm(total=total, desc=desc, disable=not enabled, leave=False, unit="it")

    def after_iteration(self, info: object) -> bool:
        self.bar.update(1)
        return True

    def __enter__(self) -> _IterationBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
