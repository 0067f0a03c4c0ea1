"""Item 4 of issue 13: every default rate comes from one computation over one population, with n, and cells of
fewer than 30 clients carry no rate."""

from __future__ import annotations

from typing import Any

import polars as pl

from credit_core.explain import rates


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
