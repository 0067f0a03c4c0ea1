"""Every default rate the dashboard shows, from one computation over one population.

The population is the model bundle's labelled reference sample (`reference.parquet`: features + TARGET). A cell
is the clients sharing a category, a histogram bin (the bins of `population.json`, so the bars line up with the
histogram) or a pair of those; its rate is defaulted / n. A cell of fewer than MIN_CELL clients is suppressed:
it keeps its n but carries no rate and no count of defaults, because a rate over a handful of clients is noise
and tells who those few clients are (a privacy rule as much as a statistical one).

The bar chart, the box plot captions, the heat map and the reasons all read their rates here, so the same cell
shows the same n and rate everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

MIN_CELL = 30
POPULATION_NAME = "reference"


@dataclass(frozen=True, slots=True)
class Cell:
    n: int
    defaulted: int

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_CELL

    @property
    def default_rate(self) -> float | None:
        return None if self.suppressed else self.defaulted / self.n

    def public(self) -> dict[str, Any]:
        """The cell as the API shows it: no rate and no count of defaults when suppressed."""
        hidden = self.suppressed
        return {"n": self.n, "defaulted": None if hidden and self.n else self.defaulted,
                "default_rate": self.default_rate, "suppressed": hidden}


EMPTY = Cell(0, 0)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def bin_index(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    """Bin of each value as population.summarise bins them: bin j holds edges[j] <= x < edges[j+1], the first bin
    also takes what lies below, the last what lies above; -1 for a missing value."""
    inner = np.asarray(edges[1:-1], dtype=np.float64)
    idx = np.searchsorted(inner, values, side="right").astype(np.int64)
    idx[np.isnan(values)] = -1
    return idx


class Rates:
    """Cells of one population; each variable's cells are computed on first use, then kept (they never change
    for a model version)."""

    def __init__(self, frame: pl.DataFrame, target: np.ndarray, categorical: set[str],
                 edges: Mapping[str, Sequence[float]]) -> None:
        self.frame, self.categorical, self.edges = frame, categorical, edges
        self.target = np.asarray(target, dtype=np.int64)
        self._codes: dict[str, tuple[np.ndarray, list[Any]]] = {}

    @classmethod
    def from_reference(cls, reference: pl.DataFrame, categorical: set[str],
                       edges: Mapping[str, Sequence[float]]) -> Rates:
        labelled = reference.filter(pl.col("TARGET").is_not_null())
        return cls(labelled, labelled["TARGET"].to_numpy(), categorical, edges)

    @property
    def n(self) -> int:
        return len(self.target)

    def describe(self) -> dict[str, Any]:
        return {"name": POPULATION_NAME, "n": self.n, "min_cell": MIN_CELL}

    def has(self, name: str) -> bool:
        return name in self.frame.columns and (name in self.categorical or len(self.edges.get(name, ())) >= 2)

    def _keys(self, name: str) -> tuple[np.ndarray, list[Any]]:
        """Each row's cell index in `labels` (-1 = missing) and the cells' labels: category values (most clients
        first, then by value) or bin indices."""
        cached = self._codes.get(name)
        if cached is not None:
            return cached
        column = self.frame[name]
        if name in self.categorical:
            values = column.cast(pl.String)
            counts = values.drop_nulls().value_counts(name="n")
            ordered = counts.sort(["n", name], descending=[True, False])[name].to_list()
            position = {v: i for i, v in enumerate(ordered)}
            idx = np.array([-1 if v is None else position[v] for v in values.to_list()], dtype=np.int64)
            labels: list[Any] = ordered
        else:
            edges = list(self.edges.get(name, ()))
            raw = column.cast(pl.Float64).fill_nan(None).fill_null(np.nan).to_numpy()
            idx = bin_index(raw, edges) if len(edges) >= 2 else np.full(len(raw), -1, dtype=np.int64)
            labels = list(range(max(len(edges) - 1, 0)))
        self._codes[name] = (idx, labels)
        return idx, labels

    def _cells(self, idx: np.ndarray, size: int) -> list[Cell]:
        present = idx >= 0
        n = np.bincount(idx[present], minlength=size)
        d = np.bincount(idx[present], weights=self.target[present], minlength=size)
        return [Cell(int(n[j]), int(d[j])) for j in range(size)]

    def counts(self, name: str) -> tuple[list[Cell], Cell]:
        """The variable's cells (categories or bins, in `cells` order) and its missing cell, unsuppressed: for
        shapes that are not shown as rates (a histogram's outcome curves)."""
        idx, labels = self._keys(name)
        gone = idx < 0
        return self._cells(idx, len(labels)), Cell(int(gone.sum()), int(self.target[gone].sum()))

    def cells(self, name: str) -> list[dict[str, Any]]:
        """One public cell per category (`value`) or histogram bin (`low`, `high`); missing values are apart."""
        _, labels = self._keys(name)
        cells, _ = self.counts(name)
        if name in self.categorical:
            return [{"value": v, **c.public()} for v, c in zip(labels, cells, strict=True)]
        edges = list(self.edges[name])
        return [{"low": edges[j], "high": edges[j + 1], **c.public()} for j, c in enumerate(cells)]

    def missing(self, name: str) -> dict[str, Any]:
        return self.counts(name)[1].public()

    def cell_of(self, name: str, value: Any) -> dict[str, Any]:
        """The public cell a client with this value falls in (its category, its bin, or the missing cell)."""
        if _is_missing(value):
            return self.missing(name)
        idx, labels = self._keys(name)
        if name in self.categorical:
            try:
                j = labels.index(str(value))
            except ValueError:
                return EMPTY.public()
        else:
            j = int(bin_index(np.array([float(value)]), self.edges[name])[0])
        rows = idx == j
        return Cell(int(rows.sum()), int(self.target[rows].sum())).public()

    def pairs(self, a: str, b: str) -> list[dict[str, Any]]:
        """Cells of two variables together (missing values form their own row / column, label null)."""
        ia, la = self._keys(a)
        ib, lb = self._keys(b)
        size_b = len(lb) + 1  # + the missing column
        flat = (np.where(ia < 0, len(la), ia) * size_b + np.where(ib < 0, len(lb), ib)).astype(np.int64)
        cells = self._cells(flat, (len(la) + 1) * size_b)
        out = []
        for k, cell in enumerate(cells):
            if cell.n == 0:
                continue
            ja, jb = divmod(k, size_b)
            out.append({"a": self._label(a, la, ja), "b": self._label(b, lb, jb), **cell.public()})
        return out

    def margins(self, name: str) -> list[dict[str, Any]]:
        """The variable's cells with its missing cell last (label null): what `pairs` sums to along the other."""
        _, labels = self._keys(name)
        present = [{**c, "value": self._label(name, labels, j)} for j, c in enumerate(self.cells(name))]
        return [*present, {"value": None, **self.missing(name)}]

    def _label(self, name: str, labels: list[Any], j: int) -> Any:
        if j >= len(labels):
            return None
        if name in self.categorical:
            return labels[j]
        edges = self.edges[name]
        return [edges[j], edges[j + 1]]
