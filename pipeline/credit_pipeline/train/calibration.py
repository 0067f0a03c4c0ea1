"""Do predicted probabilities mean what they say? Reliability table by decile of predicted risk.

The model is trained without class weights on log loss, so its probabilities estimate P(default) directly
(the class imbalance is handled by the cost-based threshold, not by reweighting). This table is the check.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def calibration_table(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[dict[str, Any]]:
    """Equal-count bins of predicted probability: mean predicted vs observed default rate in each."""
    order = np.argsort(p, kind="stable")
    rows = []
    for i, idx in enumerate(np.array_split(order, n_bins)):
        if len(idx) == 0:
            continue
        rows.append({
            "bin": i + 1,
            "n": len(idx),
            "p_min": float(p[idx].min()),
            "p_max": float(p[idx].max()),
            "mean_predicted": float(p[idx].mean()),
            "observed_rate": float(y[idx].mean()),
        })
    return rows


def expected_calibration_error(table: list[dict[str, Any]]) -> float:
    """Count-weighted mean |predicted - observed| over the table's bins."""
    total = sum(r["n"] for r in table)
    return float(sum(r["n"] * abs(r["mean_predicted"] - r["observed_rate"]) for r in table) / max(total, 1))
