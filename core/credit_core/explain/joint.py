"""Two features together over the reference sample: scatter, grouped quartiles or crosstab, plus the client."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from credit_core.explain import rates

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


def _grouped(ref: pl.DataFrame, num: str, cat: str, book: rates.Rates) -> dict[str, Any]:
    """Quartiles of `num` per category of `cat`. Each group's n and default rate are its category's cell (the same
    as the bar chart's); the quartiles use the group's clients with a value, and are withheld below MIN_CELL."""
    stats = (
        ref.fill_nan(None).drop_nulls(num)
        .group_by(cat)
        .agg(
            n_with_value=pl.len(),
            q1=pl.col(num).quantile(0.25),
            median=pl.col(num).median(),
            q3=pl.col(num).quantile(0.75),
            min=pl.col(num).min(),
            max=pl.col(num).max(),
        )
    )
    by_value = {row[cat]: row for row in stats.to_dicts()}
    groups = []
    for cell in book.margins(cat):
        if cell["n"] == 0:
            continue
        row = by_value.get(cell["value"], {"n_with_value": 0})
        shown = row["n_with_value"] >= rates.MIN_CELL
        groups.append({
            cat: cell["value"], "count": cell["n"], **cell,
            **{k: (row.get(k) if shown else None) for k in _QUARTILES}, "n_with_value": row["n_with_value"],
        })
        groups[-1].pop("value")
    groups.sort(key=lambda g: -int(g["n"]))
    return {"type": "grouped", "numeric": num, "categorical": cat, "groups": groups}


_QUARTILES = ("q1", "median", "q3", "min", "max")


def _crosstab(a: str, b: str, book: rates.Rates) -> dict[str, Any]:
    cells = [{**cell, "count": cell["n"]} for cell in book.pairs(a, b)]
    return {"type": "crosstab", "cells": cells, "margins": {"a": book.margins(a), "b": book.margins(b)}}


def joint(ref: pl.DataFrame, a: str, b: str, client: dict[str, Any] | None, book: rates.Rates, *,
          seed: int = 0) -> dict[str, Any]:
    """`ref` holds the features, TARGET and probability of the labelled reference clients; `book` its rates."""
    num_a, num_b = _numeric(ref, a), _numeric(ref, b)
    if num_a and num_b:
        body = _scatter(ref, a, b, seed)
    elif num_a or num_b:
        body = _grouped(ref, a if num_a else b, b if num_a else a, book)
    else:
        body = _crosstab(a, b, book)
    body.update({"a": a, "b": b, "n_reference": len(ref), "min_cell": rates.MIN_CELL,
                 "rates_population": book.describe()})
    if client is not None:
        body["client"] = client_position(client, a, b)
    return body


def client_position(client: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    return {a: _clean(client.get(a)), b: _clean(client.get(b))}


def _clean(value: Any) -> Any:
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
