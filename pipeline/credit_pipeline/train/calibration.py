"""Do predicted probabilities mean what they say? Reliability table, ECE, Brier, and Platt scaling.

Held-out predictions (out-of-fold, or the hold-out part) are checked against what happened. Platt scaling
(P = sigmoid(a * raw + b) on the model's raw log-odds) is fitted on them and kept when it lowers the Brier score
of predictions it was not fitted on (5-fold cross-fitting over the held-out rows); class weights chosen by the
search make it necessary, an unweighted Logloss model mostly needs none.

The kept scaling is folded INTO the CatBoost model (`fold_into`): every leaf value is multiplied by `a` and `b`
joins the bias, so the served model's raw output is already the calibrated log-odds. SHAP values (CatBoost's
exact TreeSHAP) stay additive to it, and the compiled tree evaluator, the explanations and the threshold all see
the one calibrated model; no separate calibrator travels beside it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from catboost import CatBoost, CatBoostClassifier, sum_models
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

CROSS_FIT_FOLDS = 5


def calibration_table(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[dict[str, Any]]:
    """Equal-count bins of predicted probability: mean predicted vs observed default rate in each.

    Each row carries the contract's names (predicted, observed, n) and the older ones (bin, mean_predicted,
    observed_rate, p_min, p_max) the dashboard and earlier bundles use."""
    order = np.argsort(p, kind="stable")
    rows = []
    for i, idx in enumerate(np.array_split(order, n_bins)):
        if len(idx) == 0:
            continue
        predicted, observed = float(p[idx].mean()), float(y[idx].mean())
        rows.append({
            "bin": i + 1,
            "n": len(idx),
            "predicted": predicted,
            "observed": observed,
            "p_min": float(p[idx].min()),
            "p_max": float(p[idx].max()),
            "mean_predicted": predicted,
            "observed_rate": observed,
        })
    return rows


def expected_calibration_error(table: list[dict[str, Any]]) -> float:
    """Count-weighted mean |predicted - observed| over the table's bins."""
    total = sum(r["n"] for r in table)
    return float(sum(r["n"] * abs(r["mean_predicted"] - r["observed_rate"]) for r in table) / max(total, 1))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return np.asarray(np.log(q / (1 - q)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


@dataclass(frozen=True)
class Platt:
    a: float  # multiplies the raw log-odds
    b: float  # added to them

    def __call__(self, p: np.ndarray) -> np.ndarray:
        return sigmoid(self.a * logit(p) + self.b)


IDENTITY = Platt(1.0, 0.0)


def fit_platt(y: np.ndarray, p: np.ndarray) -> Platt:
    # C large: the plain maximum-likelihood fit (two parameters, thousands of rows: nothing to regularise).
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(logit(p).reshape(-1, 1), y)
    return Platt(float(lr.coef_[0, 0]), float(lr.intercept_[0]))


def cross_fitted(y: np.ndarray, p: np.ndarray, seed: int) -> np.ndarray:
    """Platt-scaled predictions, each from a scaling fitted on the other folds (an honest Brier / ECE)."""
    out = np.empty_like(p, dtype=np.float64)
    folds = StratifiedKFold(CROSS_FIT_FOLDS, shuffle=True, random_state=seed).split(p, y)
    for fit_idx, apply_idx in folds:
        out[apply_idx] = fit_platt(y[fit_idx], p[fit_idx])(p[apply_idx])
    return out


@dataclass(frozen=True)
class Calibration:
    scaling: Platt  # IDENTITY when not kept
    p: np.ndarray  # the held-out predictions after the kept scaling (what the served model gives these rows)
    report: dict[str, Any]


def calibrate(y: np.ndarray, p_raw: np.ndarray, seed: int) -> Calibration:
    """Fit Platt scaling on held-out predictions and keep it when it helps on rows it was not fitted on."""
    table_raw = calibration_table(y, p_raw)
    honest = cross_fitted(y, p_raw, seed)
    table_honest = calibration_table(y, honest)
    brier_raw, brier_platt = brier(y, p_raw), brier(y, honest)
    keep = brier_platt < brier_raw
    scaling = fit_platt(y, p_raw) if keep else IDENTITY
    p = scaling(p_raw) if keep else p_raw
    table = table_honest if keep else table_raw
    report = {
        "method": "platt" if keep else "none",
        "fitted_on": "held-out predictions (cross-fitted 5-fold for brier / ece / reliability)",
        "a": scaling.a,
        "b": scaling.b,
        "brier_raw": brier_raw,
        "brier": brier_platt if keep else brier_raw,
        "ece_raw": expected_calibration_error(table_raw),
        "ece": expected_calibration_error(table),
        "reliability": table,
        "reliability_raw": table_raw,
    }
    return Calibration(scaling, p, report)


def fold_into(model: CatBoostClassifier, scaling: Platt) -> CatBoostClassifier:
    """The same trees with every leaf value times `a` and the bias `a * bias + b`: raw output calibrated.

    CatBoost's `sum_models` with one model and weight `a` scales the leaves (its model-level scale stays 1: SHAP
    refuses a non-identity scale); the bias is then set. Round-tripped through `.cbm` to stay a classifier."""
    if scaling == IDENTITY:
        return model
    scaled: CatBoost = sum_models([model], weights=[scaling.a])
    scale, bias = model.get_scale_and_bias()
    scaled.set_scale_and_bias(scale, scaling.a * bias + scaling.b)
    out = CatBoostClassifier()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.cbm"
        scaled.save_model(str(path))
        out.load_model(str(path))
    return out
