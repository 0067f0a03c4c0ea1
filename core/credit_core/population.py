"""Per-feature population summaries by known outcome, precomputed at training time (`population.json`).

The explanation service answers "where does this client stand?" from this file alone (never from the
training data): the client's percentile, the histogram of repaid vs defaulted clients, the default rate
of the client's category. Layout (read by credit_core.explain.population.Population):

    {"n": {"repaid": int, "defaulted": int}, "default_rate": float,
     "features": {
       "<numeric>": {"kind": "numeric", "edges": [k+1 floats], "counts": {"repaid": [k], "defaulted": [k]},
                     "missing": {"repaid": int, "defaulted": int}, "percentiles": [101 floats],
                     "discrete": bool, "min": float, "max": float,
                     "below": {"repaid": int, "defaulted": int}, "above": {...}},
       "<categorical>": {"kind": "categorical",
                         "categories": [{"value": str, "repaid": int, "defaulted": int, "default_rate": float}],
                         "missing": {"repaid": int, "defaulted": int}}},
     "probability": <numeric summary of the model's probabilities, or absent>}

Numeric histograms span the 1-99 % quantile range (robust to outliers); the values outside it are counted in
the outer bins (so counts add up to the population) and also reported in `below` / `above`. Features with at
most MAX_DISCRETE distinct values (flags, counts) get one bin per value instead. Categorical features keep
their TOP_CATEGORIES most frequent values; the rest are pooled under OTHER_CATEGORY. Floats are rounded to
6 significant digits to keep the file small (~1 MB for 230 features).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

OUTCOMES = ("repaid", "defaulted")  # TARGET 0, TARGET 1
N_BINS = 30
MAX_DISCRETE = 30
TOP_CATEGORIES = 20
OTHER_CATEGORY = "__other__"
TAIL = 0.01


def summarise(
    features_df: pl.DataFrame,
    target: pl.Series | np.ndarray | Iterable[int | None],
    probability: pl.Series | np.ndarray | None = None,
    *,
    categorical: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Summary of every feature column of `features_df` (SK_ID_CURR / TARGET / probability are skipped).

    Rows whose target is null (clients without a known outcome) are left out. Categorical columns are the
    String columns unless `categorical` names them.
    """
    t = _as_float(target)
    labelled = ~np.isnan(t)
    frame = features_df.filter(pl.Series(labelled)) if not labelled.all() else features_df
    y = t[labelled].astype(np.int64)
    cats = set(categorical) if categorical is not None else {n for n, d in frame.schema.items() if d == pl.String}
    out: dict[str, Any] = {
        "n": _split_counts(y),
        "default_rate": _round(float(y.mean())) if y.size else None,
        "features": {},
    }
    for name in frame.columns:
        if name in ("SK_ID_CURR", "TARGET", "probability"):
            continue
        column = frame.get_column(name)
        if name in cats:
            out["features"][name] = summarise_categorical(column, y)
        else:
            out["features"][name] = summarise_numeric(column.cast(pl.Float64).fill_null(np.nan).to_numpy(), y)
    if probability is not None:
        out["probability"] = summarise_numeric(_as_float(probability)[labelled], y)
    return out


def summarise_numeric(values: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    present = ~np.isnan(values)
    v, t = values[present], y[present]
    summary: dict[str, Any] = {"kind": "numeric", "missing": _split_counts(y[~present])}
    if v.size == 0:
        return {**summary, "edges": [], "counts": {o: [] for o in OUTCOMES}, "percentiles": [], "discrete": False}
    # One sort serves everything: distinct values, quantiles, and bin counts (by bisecting the edges into the
    # sorted values and differencing a running count of defaults, instead of binning every value).
    order = np.argsort(v, kind="stable")
    ordered = v[order]
    defaults = np.concatenate([[0], np.cumsum(t[order])])
    distinct = ordered[np.r_[True, ordered[1:] != ordered[:-1]]]
    if distinct.size <= MAX_DISCRETE:
        edges, discrete = _discrete_edges(distinct), True
    else:
        edges, discrete = _robust_edges(ordered), False
    # Bin j holds edges[j] <= x < edges[j+1]; the first bin also takes what is below, the last what is above.
    bounds = np.concatenate([[0], np.searchsorted(ordered, edges[1:-1], side="left"), [ordered.size]])
    defaulted = np.diff(defaults[bounds])
    below_end = int(np.searchsorted(ordered, edges[0], side="left"))
    above_start = int(np.searchsorted(ordered, edges[-1], side="right"))
    return {
        **summary,
        "edges": _round_list(edges),
        "counts": {"repaid": (np.diff(bounds) - defaulted).tolist(), "defaulted": defaulted.tolist()},
        "percentiles": _round_list(_quantiles(ordered, np.linspace(0.0, 1.0, 101))),
        "discrete": discrete,
        "min": _round(float(ordered[0])),
        "max": _round(float(ordered[-1])),
        "below": _counts(below_end, int(defaults[below_end])),
        "above": _counts(ordered.size - above_start, int(defaults[-1] - defaults[above_start])),
    }


def summarise_categorical(values: pl.Series, y: np.ndarray) -> dict[str, Any]:
    frame = pl.DataFrame({"value": values.cast(pl.String), "y": y})
    missing = frame.filter(pl.col("value").is_null())["y"].to_numpy()
    table = (
        frame.drop_nulls("value")
        .group_by("value")
        .agg(repaid=(pl.col("y") == 0).sum(), defaulted=(pl.col("y") == 1).sum(), n=pl.len())
        .sort(["n", "value"], descending=[True, False])
    )
    rows = table.select("value", "repaid", "defaulted").rows()
    if len(rows) > TOP_CATEGORIES:
        rest = rows[TOP_CATEGORIES:]
        rows = [*rows[:TOP_CATEGORIES], (OTHER_CATEGORY, sum(r[1] for r in rest), sum(r[2] for r in rest))]
    categories = [
        {"value": value, "repaid": int(r), "defaulted": int(d), "default_rate": _round(d / (r + d))}
        for value, r, d in rows
    ]
    return {"kind": "categorical", "categories": categories, "missing": _split_counts(missing)}


def _discrete_edges(distinct: np.ndarray) -> np.ndarray:
    # One bin per value: edges halfway between consecutive values, half a gap outside the extremes.
    if distinct.size == 1:
        return np.array([distinct[0] - 0.5, distinct[0] + 0.5])
    mids = (distinct[1:] + distinct[:-1]) / 2
    return np.concatenate([[2 * distinct[0] - mids[0]], mids, [2 * distinct[-1] - mids[-1]]])


def _robust_edges(ordered: np.ndarray) -> np.ndarray:
    # Widen the quantile range until it is not degenerate (e.g. 99 % zeros and a long tail).
    for tail in (TAIL, TAIL / 10, 0.0):
        lo, hi = _quantiles(ordered, np.array([tail, 1.0 - tail]))
        if hi > lo:
            return np.linspace(lo, hi, N_BINS + 1)
    return np.array([ordered[0] - 0.5, ordered[0] + 0.5])  # unreachable with > MAX_DISCRETE distinct values


def _quantiles(ordered: np.ndarray, q: np.ndarray) -> np.ndarray:
    """np.quantile's default (linear) method on already sorted values."""
    position = q * (ordered.size - 1)
    lo = np.floor(position).astype(np.int64)
    hi = np.minimum(lo + 1, ordered.size - 1)
    interpolated: np.ndarray = ordered[lo] + (position - lo) * (ordered[hi] - ordered[lo])
    return interpolated


def _counts(n: int, defaulted: int) -> dict[str, int]:
    return {"repaid": n - defaulted, "defaulted": defaulted}


def _split_counts(y: np.ndarray) -> dict[str, int]:
    return {o: int((y == i).sum()) for i, o in enumerate(OUTCOMES)}


def _as_float(values: pl.Series | np.ndarray | Iterable[Any]) -> np.ndarray:
    if isinstance(values, pl.Series):
        return values.cast(pl.Float64).fill_null(np.nan).to_numpy()
    return np.array([np.nan if v is None else v for v in values] if not isinstance(values, np.ndarray) else values,
                    dtype=np.float64)


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def _round_list(values: np.ndarray) -> list[float]:
    return [_round(x) for x in values.tolist()]
