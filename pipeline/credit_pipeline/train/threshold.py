"""Decision threshold that minimises the expected business cost of errors.

Positive class = default (TARGET 1); a client is refused when p >= threshold (credit_core.decision). Errors cost:
    false negative (a defaulter granted)  -> cost_fn  (lost principal: ~10 x by default)
    false positive (a good client refused) -> cost_fp  (lost margin)
With calibrated probabilities the Bayes-optimal threshold is cost_fp / (cost_fp + cost_fn) (1/11 by default);
we still pick the threshold empirically on held-out predictions and report both, as a calibration check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from credit_core import decision

GRID = np.round(np.linspace(0.0, 1.0, 201), 6)  # cost curve points (0.005 steps) for the report and the dashboard


@dataclass(frozen=True)
class Confusion:
    tn: int
    fp: int
    fn: int
    tp: int

    def cost(self, cost_fn: float, cost_fp: float) -> float:
        return self.fn * cost_fn + self.fp * cost_fp

    def as_dict(self) -> dict[str, int]:
        return {"tn": self.tn, "fp": self.fp, "fn": self.fn, "tp": self.tp}


def confusion(y: np.ndarray, p: np.ndarray, threshold: float) -> Confusion:
    refused = decision.is_refused(p, threshold)
    positive = y == 1
    tp = int((refused & positive).sum())
    fp = int((refused & ~positive).sum())
    fn = int(positive.sum()) - tp
    return Confusion(tn=len(y) - tp - fp - fn, fp=fp, fn=fn, tp=tp)


def business_cost(y: np.ndarray, p: np.ndarray, threshold: float, cost_fn: float, cost_fp: float) -> float:
    return confusion(y, p, threshold).cost(cost_fn, cost_fp)


def bayes_threshold(cost_fn: float, cost_fp: float) -> float:
    return cost_fp / (cost_fp + cost_fn)


def best_threshold(y: np.ndarray, p: np.ndarray, cost_fn: float, cost_fp: float) -> float:
    """The threshold with the lowest total cost, searched exactly over every distinct predicted probability.

    Refusing the k riskiest clients is evaluated for every k at once (cumulative sums over the sorted scores);
    the returned threshold sits halfway between the last refused and the first granted probability, so it
    does not hinge on one training score. Ties in cost go to the higher threshold (fewer refusals).
    """
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    # Only cut between distinct scores: position i means "refuse the first i clients".
    cuts = np.concatenate([[0], np.flatnonzero(np.diff(ps) != 0) + 1, [len(ps)]])
    refused_pos = np.concatenate([[0], np.cumsum(ys)])[cuts]
    refused_neg = cuts - refused_pos
    costs = (ys.sum() - refused_pos) * cost_fn + refused_neg * cost_fp
    best = int(np.flatnonzero(costs == costs.min())[0])  # first minimum = fewest refusals
    k = cuts[best]
    if k == 0:  # refuse nobody
        return float(min(1.0, np.nextafter(ps[0], np.inf)))
    if k == len(ps):  # refuse everybody
        return float(ps[-1])
    return float((ps[k - 1] + ps[k]) / 2)


def cost_curve(y: np.ndarray, p: np.ndarray, cost_fn: float, cost_fp: float,
               grid: np.ndarray = GRID) -> list[dict[str, Any]]:
    """Cost, its per-client value and the refusal rate at each grid threshold."""
    n = max(len(y), 1)
    points = []
    for t in grid:
        c = confusion(y, p, float(t))
        cost = c.cost(cost_fn, cost_fp)
        points.append({"threshold": float(t), "cost": cost, "cost_per_client": cost / n, "fn": c.fn, "fp": c.fp,
                       "refusal_rate": (c.tp + c.fp) / n})
    return points


def baselines(y: np.ndarray, cost_fn: float, cost_fp: float) -> dict[str, float]:
    """Cost of the two trivial policies the model must beat."""
    positives = int(np.sum(y == 1))
    return {"grant_everyone": positives * cost_fn, "refuse_everyone": (len(y) - positives) * cost_fp}
