"""Two features together over the reference sample: scatter, grouped quartiles or crosstab, plus the client."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

SCATTER_POINTS = 500


def _numeric(frame: pl.DataFrame, name: str) -> bool:
    return frame.schema[name].is_numeric()


def _scatter(ref: pl.DataFrame, a: str, b: str, seed: int) -> dict[str, Any]:
    sample = ref.select(a, b, "probability", "TARGET").fill_nan(None).drop_nulls([a, b])
    if len(sample) > SCATTER_POINTS:
        sample = sample.sample(SCATTER_POINTS, seed=seed)
    return {
        "type": "scatter",
        "points": [{"x": x, "y": y, "probability": p, "defaulted": t} for x, y, p, t in sample.iter_rows()],
    }


def _grouped(ref: pl.DataFrame, num: str, cat: str) -> dict[str, Any]:
    groups = (
        ref.fill_nan(None).drop_nulls(num)
        .group_by(cat)
        .agg(
            count=pl.len(),
            q1=pl.col(num).quantile(0.25),
            median=pl.col(num).median(),
            q3=pl.col(num).quantile(0.75),
            min=pl.col(num).min(),
            max=pl.col(num).max(),
            default_rate=pl.col("TARGET").mean(),
        )
        .sort("count", descending=True)
    )
    return {"type": "grouped", "numeric": num, "categorical": cat, "groups": groups.to_dicts()}


def _crosstab(ref: pl.DataFrame, a: str, b: str) -> dict[str, Any]:
    cells = ref.group_by(a, b).agg(count=pl.len(), default_rate=pl.col("TARGET").mean()).sort(a, b, nulls_last=True)
    return {"type": "crosstab", "cells": [{"a": x, "b": y, "count": n, "default_rate": r}
                                          for x, y, n, r in cells.iter_rows()]}


def joint(ref: pl.DataFrame, a: str, b: str, client: dict[str, Any] | None, *, seed: int = 0) -> dict[str, Any]:
    """`ref` holds the features, TARGET and probability of the labelled reference clients."""
    num_a, num_b = _numeric(ref, a), _numeric(ref, b)
    if num_a and num_b:
        body = _scatter(ref, a, b, seed)
    elif num_a or num_b:
        body = _grouped(ref, a if num_a else b, b if num_a else a)
    else:
        body = _crosstab(ref, a, b)
    body.update({"a": a, "b": b, "n_reference": len(ref)})
    if client is not None:
        body["client"] = client_position(client, a, b)
    return body


def client_position(client: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    return {a: _clean(client.get(a)), b: _clean(client.get(b))}


def _clean(value: Any) -> Any:
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
