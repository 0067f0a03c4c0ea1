"""One feature's distribution as the dashboard draws it: the histogram or bar chart over the rates population.

Counts, n and default rates come from credit_core.explain.rates (one population, small cells suppressed); the
bins (edges) and the shape hints (discrete, min, max) come from population.json, so the bins are the ones the
whole training population was summarised with.
"""

from __future__ import annotations

from typing import Any

from credit_core.explain.population import Population
from credit_core.explain.rates import MIN_CELL, Rates


def _outcomes(cell: dict[str, Any]) -> dict[str, Any]:
    """repaid / defaulted of a public cell (null when the cell is suppressed)."""
    if cell["defaulted"] is None:
        return {"repaid": None, "defaulted": None}
    return {"repaid": cell["n"] - cell["defaulted"], "defaulted": cell["defaulted"]}


def distribution(population: Population, rates: Rates, name: str) -> dict[str, Any]:
    """The body of the distribution endpoint (without the client part)."""
    n = rates.n
    defaulted = int(rates.target.sum())
    head: dict[str, Any] = {
        "population": {"repaid": n - defaulted, "defaulted": defaulted},
        "rates_population": rates.describe(), "min_cell": MIN_CELL,
    }
    missing = rates.missing(name)
    summary = population.distribution(name)
    if summary.get("kind") == "categorical":
        categories = [{**_outcomes(c), **c} for c in rates.cells(name) if c["n"] > 0]
        return {**head, "kind": "categorical", "categories": categories, "missing": _outcomes(missing),
                "missing_cell": missing}
    # Histogram shapes: counts by outcome per bin over the same population (what the areas are drawn from).
    raw, _ = rates.counts(name)
    counts = {"repaid": [c.n - c.defaulted for c in raw], "defaulted": [c.defaulted for c in raw]}
    return {
        **head, "kind": "numeric", "edges": summary.get("edges", []), "counts": counts, "missing": _outcomes(missing),
        "missing_cell": missing, "cells": rates.cells(name),
        **{k: summary[k] for k in ("discrete", "min", "max") if k in summary},
    }
