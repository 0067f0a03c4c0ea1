"""One client's explanation: base value, prediction, top contributions, the rest, and reasons."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np
import polars as pl

from credit_core import decision
from credit_core.explain import reasons
from credit_core.explain._bundle import BundleLike, sigmoid
from credit_core.explain.population import Population
from credit_core.explain.rates import Rates
from credit_core.explain.shap_values import compute

SCHEMA_VERSION = "1"
DEFAULT_TOP = 10


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def probability_points(base_value: float, shap: list[float], order: list[int]) -> list[float]:
    """Each feature's step on the waterfall, in probability points: walking from the average client's log-odds
    through the features in `order` (largest |SHAP| first), the change of the probability each one makes. The
    steps add up exactly to the client's probability minus the average client's. The waterfall draws them and the
    reasons quote them: one number per factor wherever it is shown."""
    points = [0.0] * len(shap)
    cumulative = base_value
    for i in order:
        before, cumulative = sigmoid(cumulative), cumulative + shap[i]
        points[i] = 100.0 * float(sigmoid(cumulative) - before)
    return points


def build(
    bundle: BundleLike,
    row: dict[str, Any],
    base_value: float,
    shap: np.ndarray,
    population: Population | None,
    *,
    top: int = DEFAULT_TOP,
    rates: Rates | None = None,
) -> dict[str, Any]:
    """The versioned explanation payload for one row of feature values and its SHAP vector."""
    names = list(bundle.feature_names)
    values = [_plain(row.get(name)) for name in names]
    shap_list = [float(s) for s in shap]
    log_odds = float(base_value + float(np.sum(shap)))
    probability = float(sigmoid(log_odds))
    order = sorted(range(len(names)), key=lambda i: -abs(shap_list[i]))
    shown, others = order[:top], order[top:]
    points = probability_points(float(base_value), shap_list, order)
    contributions = [
        {"feature": names[i], "value": values[i], "shap": shap_list[i], "contribution_pp": points[i]}
        for i in shown
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "meta": {"model_version": bundle.version, "method": "tree_shap", "output": "log_odds"},
        "base_value": float(base_value),
        "prediction": {"log_odds": log_odds, "probability": probability},
        "contributions": contributions,
        "rest": {"count": len(others), "shap": float(sum(shap_list[i] for i in others)),
                 "contribution_pp": float(sum(points[i] for i in others))},
        "reasons_for": decision.decide(probability, float(bundle.threshold)),
        "reasons": [asdict(r) for r in reasons.top_reasons(
            names, shap_list, values, population, refused=decision.is_refused(probability, float(bundle.threshold)),
            rates=rates, points=points, categorical=set(bundle.categorical_features))],
    }


def explain_frame(
    bundle: BundleLike, frame: pl.DataFrame, population: Population | None, *, top: int = DEFAULT_TOP,
    rates: Rates | None = None,
) -> dict[str, Any]:
    """Live explanation of a one-row feature frame (the what-if path)."""
    batch = compute(bundle, frame, thread_count=1)
    return build(bundle, frame.row(0, named=True), batch.base_value, batch.values[0], population, top=top,
                 rates=rates)
