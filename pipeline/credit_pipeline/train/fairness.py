"""Error rates and approval rates across sex and age groups, on held-out predictions.

Computed from the raw application columns (CODE_GENDER, age from DAYS_BIRTH) whether or not the model uses
them as features. Rates that differ a lot between groups of similar observed default rate deserve a look.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from credit_core import decision
from credit_pipeline.train.evaluate import auc_or_none

AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("<25", 0, 25), ("25–34", 25, 35), ("35–44", 35, 45), ("45–54", 45, 55), ("55+", 55, 200),
)
MIN_GROUP_AUC = 30  # below this many clients a group's AUC is too noisy to report


def age_band(age_years: np.ndarray) -> np.ndarray:
    bands = np.full(len(age_years), "unknown", dtype=object)
    for name, lo, hi in AGE_BANDS:
        bands[(age_years >= lo) & (age_years < hi)] = name
    return bands


def group_table(y: np.ndarray, p: np.ndarray, threshold: float, groups: np.ndarray,
                order: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per group: size, observed default rate, mean prediction, approval rate, AUC, error rates."""
    labels = order if order is not None else sorted({str(g) for g in groups})
    rows = []
    for label in labels:
        mask = groups == label
        n = int(mask.sum())
        if n == 0:
            continue
        yg, pg = y[mask], p[mask]
        granted = ~decision.is_refused(pg, threshold)
        positives, negatives = int((yg == 1).sum()), int((yg == 0).sum())
        rows.append({
            "group": label,
            "n": n,
            "share": n / len(y),
            "default_rate": float(yg.mean()),
            "mean_predicted": float(pg.mean()),
            "approval_rate": float(granted.mean()),
            "auc": auc_or_none(yg, pg) if n >= MIN_GROUP_AUC else None,
            # Good payers refused (false positive rate) / defaulters granted (false negative rate).
            "false_refusal_rate": float((~granted & (yg == 0)).sum() / negatives) if negatives else None,
            "missed_default_rate": float((granted & (yg == 1)).sum() / positives) if positives else None,
        })
    return rows


def fairness_report(y: np.ndarray, p: np.ndarray, threshold: float, gender: np.ndarray | None,
                    age_years: np.ndarray | None) -> dict[str, Any]:
    report: dict[str, Any] = {}
    if gender is not None:
        g = np.array(["unknown" if v is None else str(v) for v in gender], dtype=object)
        report["CODE_GENDER"] = group_table(y, p, threshold, g)
    if age_years is not None:
        ages = np.asarray(age_years, dtype=np.float64)
        report["age_band"] = group_table(y, p, threshold, age_band(ages), [b[0] for b in AGE_BANDS] + ["unknown"])
    return report
