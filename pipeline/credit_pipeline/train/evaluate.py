"""Ranking and probability metrics of held-out predictions, and the curves the dashboard plots."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics as skm

CURVE_POINTS = 100


def scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """AUC, PR-AUC (average precision), Brier score, log loss and the KS statistic."""
    fpr, tpr, _ = skm.roc_curve(y, p)
    clipped = np.clip(p, 1e-15, 1 - 1e-15)
    return {
        "auc": float(skm.roc_auc_score(y, p)),
        "pr_auc": float(skm.average_precision_score(y, p)),
        "brier": float(skm.brier_score_loss(y, p)),
        "log_loss": float(skm.log_loss(y, clipped, labels=[0, 1])),
        "ks": float(np.max(tpr - fpr)),
        "prevalence": float(np.mean(y)),
    }


def auc_or_none(y: np.ndarray, p: np.ndarray) -> float | None:
    """AUC when both classes are present (small groups may have none of one)."""
    if len(np.unique(y)) < 2:
        return None
    return float(skm.roc_auc_score(y, p))


def roc_points(y: np.ndarray, p: np.ndarray, n: int = CURVE_POINTS) -> list[dict[str, float]]:
    fpr, tpr, thresholds = skm.roc_curve(y, p, drop_intermediate=True)
    keep = _downsample(len(fpr), n)
    return [{"fpr": float(fpr[i]), "tpr": float(tpr[i]), "threshold": _finite(thresholds[i])} for i in keep]


def pr_points(y: np.ndarray, p: np.ndarray, n: int = CURVE_POINTS) -> list[dict[str, float]]:
    precision, recall, thresholds = skm.precision_recall_curve(y, p, drop_intermediate=True)
    keep = _downsample(len(precision), n)
    # precision/recall have one more point than thresholds (the recall=0 end).
    return [{"recall": float(recall[i]), "precision": float(precision[i]),
             "threshold": _finite(thresholds[i]) if i < len(thresholds) else 1.0} for i in keep]


def _downsample(length: int, n: int) -> list[int]:
    """About n indices spread evenly along the curve, both ends included."""
    if length <= n:
        return list(range(length))
    return sorted(set(np.linspace(0, length - 1, n).round().astype(int).tolist()))


def _finite(x: Any) -> float:
    return float(min(x, 1.0)) if np.isfinite(x) else 1.0
