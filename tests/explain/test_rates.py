"""Item 4 of issue 13: every default rate comes from one computation over one population, with n, and cells of
fewer than 30 clients carry no rate."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from credit_core.explain import distributions, joint, rates
from credit_core.explain.context import ExplainContext


def _book(values: list[Any], target: list[int], categorical: bool = True) -> rates.Rates:
    frame = pl.DataFrame({"X": pl.Series(values, dtype=pl.String if categorical else pl.Float64), "TARGET": target})
    return rates.Rates.from_reference(frame, {"X"} if categorical else set(), {"X": [0.0, 1.0, 2.0, 3.0]})


def test_small_cells_carry_n_but_no_rate() -> None:
    book = _book(["a"] * 40 + ["b"] * 29 + [None] * 3, [1] * 10 + [0] * 30 + [1] * 29 + [0] * 3)
    a, b = book.cells("X")
    assert a == {"value": "a", "n": 40, "defaulted": 10, "default_rate": 0.25, "suppressed": False}
    assert b == {"value": "b", "n": 29, "defaulted": None, "default_rate": None, "suppressed": True}
    assert book.missing("X") == {"n": 3, "defaulted": None, "default_rate": None, "suppressed": True}
    assert book.cell_of("X", "b")["default_rate"] is None and book.cell_of("X", "b")["n"] == 29
    assert book.cell_of("X", "never seen")["n"] == 0


def test_numeric_bins_follow_population_edges() -> None:
    values = [-5.0] * 30 + [0.5] * 10 + [1.5] * 40 + [9.0] * 5 + [None] * 31  # below and above fall in outer bins
    book = _book(values, [1] * 30 + [0] * 10 + [1] * 10 + [0] * 30 + [0] * 5 + [1] * 31, categorical=False)
    cells = book.cells("X")
    assert [(c["low"], c["high"], c["n"]) for c in cells] == [(0.0, 1.0, 40), (1.0, 2.0, 40), (2.0, 3.0, 5)]
    assert cells[0]["default_rate"] == 0.75 and cells[2]["suppressed"]
    assert book.missing("X")["default_rate"] == 1.0
    assert book.cell_of("X", 1.2) == {k: v for k, v in cells[1].items() if k not in ("low", "high")}


def test_same_cell_same_rate_and_n_everywhere(tiny_context: ExplainContext) -> None:
    """The bar chart (distribution), the box plot caption (grouped joint), the heat map margins (crosstab) and the
    client's cell agree, for every category; the crosstab's cells add up to its margins."""
    ctx = tiny_context
    bar = distributions.distribution(ctx.population, ctx.rates, "CODE_GENDER")
    grouped = joint.joint(ctx.reference, "AMT_CREDIT", "CODE_GENDER", None, ctx.rates)
    crosstab = joint.joint(ctx.reference, "CODE_GENDER", "NAME_CONTRACT_TYPE", None, ctx.rates)
    keys = ("n", "default_rate", "suppressed")
    by_bar = {c["value"]: {k: c[k] for k in keys} for c in bar["categories"]}
    by_box = {g["CODE_GENDER"]: {k: g[k] for k in keys} for g in grouped["groups"]}
    by_margin = {m["value"]: {k: m[k] for k in keys} for m in crosstab["margins"]["a"] if m["n"]}
    assert by_bar == by_box == by_margin and len(by_bar) == 2
    for value, cell in by_bar.items():
        assert {k: ctx.rates.cell_of("CODE_GENDER", value)[k] for k in keys} == cell
        assert sum(c["n"] for c in crosstab["cells"] if c["a"] == value) == cell["n"]
    assert sum(c["n"] for c in bar["categories"]) + bar["missing_cell"]["n"] == ctx.rates.n == len(ctx.reference)
    assert all(c["count"] == c["n"] for c in crosstab["cells"])


def test_no_rate_shown_below_the_minimum(tiny_context: ExplainContext) -> None:
    ctx = tiny_context
    views = [distributions.distribution(ctx.population, ctx.rates, name) for name in ("CODE_GENDER", "AMT_CREDIT")]
    cells = [*views[0]["categories"], views[0]["missing_cell"], *views[1]["cells"], views[1]["missing_cell"]]
    crosstab = joint.joint(ctx.reference, "CODE_GENDER", "NAME_CONTRACT_TYPE", None, ctx.rates)
    grouped = joint.joint(ctx.reference, "EXT_SOURCE_2", "NAME_CONTRACT_TYPE", None, ctx.rates)
    cells += crosstab["cells"] + crosstab["margins"]["a"] + crosstab["margins"]["b"] + grouped["groups"]
    assert any(c["suppressed"] for c in cells) and any(not c["suppressed"] for c in cells)
    for c in cells:
        assert c["suppressed"] == (c["n"] < rates.MIN_CELL)
        if c["suppressed"]:
            assert c["default_rate"] is None and c.get("defaulted") in (None, 0)
        else:
            assert c["default_rate"] == pytest.approx(c["defaulted"] / c["n"])
    small = [g for g in grouped["groups"] if g["n_with_value"] < rates.MIN_CELL]
    assert all(g["median"] is None and g["min"] is None for g in small)


def test_numeric_histogram_counts_are_the_rates_population(tiny_context: ExplainContext) -> None:
    ctx = tiny_context
    body = distributions.distribution(ctx.population, ctx.rates, "AMT_CREDIT")
    total = sum(body["counts"]["repaid"]) + sum(body["counts"]["defaulted"]) + body["missing_cell"]["n"]
    assert total == ctx.rates.n == body["population"]["repaid"] + body["population"]["defaulted"]
    assert [c["n"] for c in body["cells"]] == [r + d for r, d in zip(body["counts"]["repaid"],
                                                                     body["counts"]["defaulted"], strict=True)]
    assert np.all(np.diff(body["edges"]) > 0)
