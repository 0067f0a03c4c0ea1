"""Nearest labelled (historical) clients.

Similarity: Euclidean distance on the model's most important numeric features (top `N_FEATURES` by mean |SHAP|
over the reference sample), each standardised (z-score over the labelled clients) and weighted by its share of
mean |SHAP|, so that what matters to the model matters to the neighbourhood. Missing values sit at the mean
(z = 0). The matrix is built once per model version; a query is one vectorised pass + argpartition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from credit_core.explain.rates import Cell

N_FEATURES = 12
SIDE_BY_SIDE = 5


@dataclass
class SimilarIndex:
    feature_names: list[str]  # the features used, by decreasing weight
    ids: np.ndarray  # (n,) int64
    target: np.ndarray  # (n,) int8
    raw: np.ndarray  # (n, f) float32, NaN = missing
    scaled: np.ndarray  # (n, f) float32, weighted z-scores
    mean: np.ndarray
    std: np.ndarray
    weight: np.ndarray
    norms: np.ndarray  # (n,) float32, squared norms of the scaled rows

    @classmethod
    def build(cls, ids: np.ndarray, target: np.ndarray, raw: np.ndarray, names: list[str],
              importance: np.ndarray) -> SimilarIndex:
        raw = raw.astype(np.float32, copy=False)
        mean = np.nanmean(raw, axis=0) if len(raw) else np.zeros(raw.shape[1], np.float32)
        std = np.nanstd(raw, axis=0) if len(raw) else np.ones(raw.shape[1], np.float32)
        mean, std = np.nan_to_num(mean), np.where(np.nan_to_num(std) > 0, np.nan_to_num(std), 1.0)
        weight = np.sqrt(importance / importance.sum()) if importance.sum() > 0 else np.ones(len(names))
        scaled = cls._scale(raw, mean, std, weight)
        return cls(names, ids.astype(np.int64), target.astype(np.int8), raw, scaled, mean.astype(np.float32),
                   std.astype(np.float32), weight.astype(np.float32), np.einsum("ij,ij->i", scaled, scaled))

    @staticmethod
    def _scale(raw: np.ndarray, mean: np.ndarray, std: np.ndarray, weight: np.ndarray) -> np.ndarray:
        z = (raw - mean) / std * weight
        return np.ascontiguousarray(np.nan_to_num(z, nan=0.0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def query(self, values: np.ndarray, k: int, exclude_id: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row indices and distances of the k nearest clients (the client itself excluded)."""
        q = self._scale(values.reshape(1, -1).astype(np.float32), self.mean, self.std, self.weight)[0]
        d = self.norms - 2.0 * (self.scaled @ q) + float(q @ q)  # ‖x − q‖² without an (n, f) temporary
        if exclude_id is not None:
            d[self.ids == exclude_id] = np.inf
        k = min(k, int(np.isfinite(d).sum()))
        idx = np.argpartition(d, k - 1)[:k] if k > 0 else np.array([], dtype=np.int64)
        idx = idx[np.argsort(d[idx])]
        return idx, np.sqrt(np.maximum(d[idx], 0.0))

    def neighbours(self, values: np.ndarray, k: int, exclude_id: int | None = None) -> dict[str, Any]:
        idx, dist = self.query(values, k, exclude_id)
        shown = self.feature_names[:SIDE_BY_SIDE]
        cols = [self.feature_names.index(n) for n in shown]

        def clean(x: float) -> float | None:
            return None if np.isnan(x) else float(x)

        # The neighbours' rate follows every other rate's rule (rates.Cell): none under MIN_CELL clients.
        neighbourhood = Cell(len(idx), int(self.target[idx].sum()))
        return {
            "similarity": "weighted_standardised_euclidean",
            "features_used": self.feature_names,
            "k": len(idx),
            "default_rate": neighbourhood.default_rate,
            "rate_suppressed": neighbourhood.suppressed,
            "population_default_rate": float(self.target.mean()) if len(self) else None,
            "client": {n: clean(float(values[c])) for n, c in zip(shown, cols, strict=True)},
            "neighbours": [
                {"client_id": int(self.ids[i]), "distance": float(d), "defaulted": bool(self.target[i]),
                 "features": {n: clean(float(self.raw[i, c])) for n, c in zip(shown, cols, strict=True)}}
                for i, d in zip(idx, dist, strict=True)
            ],
        }
