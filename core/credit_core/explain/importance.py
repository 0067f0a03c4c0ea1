"""Global importance (mean |SHAP| over the reference sample) and beeswarm points."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from credit_core.explain.shap_values import ShapBatch

BEESWARM_POINTS = 200


def mean_abs(batch: ShapBatch) -> list[dict[str, Any]]:
    """Features by decreasing mean |SHAP| (log-odds) over the batch."""
    means = np.abs(batch.values).mean(axis=0) if len(batch.values) else np.zeros(len(batch.feature_names))
    order = np.argsort(-means)
    return [
        {"feature": batch.feature_names[j], "mean_abs_shap": float(means[j])}
        for j in order
    ]


def _quantiles(column: pl.Series) -> np.ndarray:
    """Each value's rank quantile in [0, 1] (NaN for missing or categorical values)."""
    if column.dtype == pl.String or column.dtype == pl.Categorical:
        return np.full(len(column), np.nan)
    values = column.cast(pl.Float64).fill_nan(None).to_numpy().astype(float)
    out = np.full(len(values), np.nan)
    present = ~np.isnan(values)
    if present.sum() > 1:
        ranks = pl.Series(values[present]).rank("average").to_numpy()
        out[present] = (ranks - 1) / (present.sum() - 1)
    elif present.sum() == 1:
        out[present] = 0.5
    return out


def beeswarm(
    batch: ShapBatch, frame: pl.DataFrame, *, features: int = 15, points: int = BEESWARM_POINTS, seed: int = 0
) -> list[dict[str, Any]]:
    """For the top features: sampled (shap, value quantile) points; value quantile is null when missing."""
    top = [item["feature"] for item in mean_abs(batch)[:features]]
    rng = np.random.default_rng(seed)
    rows: np.ndarray | list[int] = (
        np.sort(rng.choice(len(frame), size=min(points, len(frame)), replace=False)) if len(frame) else [])
    out = []
    for name in top:
        j = batch.feature_names.index(name)
        q = _quantiles(frame[name])
        out.append({
            "feature": name,
            "points": [
                {"shap": float(batch.values[i, j]), "value_quantile": None if np.isnan(q[i]) else float(q[i])}
                for i in rows
            ],
        })
    return out
