"""The compiled loop of credit_core.tree_eval, in its own module so that importing numba (~0.3 s) and loading
the compiled code from numba's disk cache (~0.3 s) happen on first use, not when tree_eval is imported."""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(nogil=True, cache=True)
def evaluate(values: np.ndarray, column: np.ndarray, border: np.ndarray, leaf_values: np.ndarray, scale: float,
             bias: float, raw: np.ndarray, probability: np.ndarray) -> None:  # pragma: no cover - compiled
    # Branch-free on the data: every split is `values[i, column] > border` (see TreeEnsemble._split_values).
    trees, depth = column.shape
    for i in range(values.shape[0]):
        row = values[i]
        total = 0.0
        for t in range(trees):
            leaf = np.int64(0)
            for d in range(depth):
                leaf |= np.int64(row[column[t, d]] > border[t, d]) << d
            total += leaf_values[t, leaf]
        raw[i] = scale * total + bias
        probability[i] = 1.0 / (1.0 + math.exp(-raw[i]))
