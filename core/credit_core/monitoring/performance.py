"""Performance on observed outcomes: AUC (Mann-Whitney, with ties) and the business cost of decisions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def auc(defaulted: Sequence[bool] | np.ndarray, probability: Sequence[float] | np.ndarray) -> float | None:
    """ROC AUC as the Mann-Whitney statistic: the chance a defaulter is scored above a repayer (ties count half).
    None without both classes."""
    y = np.asarray(defaulted, dtype=bool)
    p = np.asarray(probability, dtype=np.float64)
    positives = int(y.sum())
    negatives = len(y) - positives
    if not positives or not negatives:
        return None
    order = np.argsort(p, kind="mergesort")
    sorted_p = p[order]
    ranks = np.empty(len(p), dtype=np.float64)
    # Average ranks over runs of equal probabilities.
    boundaries = np.flatnonzero(np.diff(sorted_p)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(p)]))
    average = (starts + ends + 1) / 2.0  # 1-based average rank of each run
    ranks[order] = np.repeat(average, ends - starts)
    rank_sum = float(ranks[y].sum())
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def business_cost(defaulted: Sequence[bool] | np.ndarray, refused: Sequence[bool] | np.ndarray, *,
                  cost_false_negative: float, cost_false_positive: float) -> float | None:
    """Mean cost per decision: a granted defaulter costs `cost_false_negative`, a refused repayer
    `cost_false_positive` (credit_core.settings). None without decisions."""
    y = np.asarray(defaulted, dtype=bool)
    r = np.asarray(refused, dtype=bool)
    if not len(y):
        return None
    missed = int((y & ~r).sum())
    wrongly_refused = int((~y & r).sum())
    return (missed * cost_false_negative + wrongly_refused * cost_false_positive) / len(y)
