"""What the explanation code needs from a model bundle (credit_core.model.ModelBundle satisfies it)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import polars as pl
from catboost import CatBoostClassifier, Pool


class BundleLike(Protocol):
    version: str
    model: CatBoostClassifier
    feature_names: list[str]
    categorical_features: list[str]
    threshold: float

    def to_model_input(self, df: pl.DataFrame) -> Any: ...


def pool(bundle: BundleLike, frame: pl.DataFrame) -> Pool:
    """A CatBoost Pool of `frame` in the bundle's column order (via the bundle's own input conversion)."""
    data = bundle.to_model_input(frame)
    if isinstance(data, Pool):
        return data
    return Pool(data, cat_features=list(bundle.categorical_features))


def raw_output(bundle: BundleLike, frame: pl.DataFrame) -> np.ndarray:
    """The model's log-odds (CatBoost RawFormulaVal) for each row."""
    return np.asarray(bundle.model.predict(pool(bundle, frame), prediction_type="RawFormulaVal"), dtype=np.float64)


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
