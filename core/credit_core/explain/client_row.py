"""A client_feature record as {feature: value} without building a DataFrame (the explanation fast path)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from credit_core import features


def as_dict(record: Any) -> dict[str, Any]:
    numeric = np.frombuffer(record["numeric"], dtype="<f8")
    row: dict[str, Any] = {
        name: (None if math.isnan(v) else float(v)) for name, v in zip(features.NUMERIC_FEATURES, numeric.tolist(),
                                                                        strict=True)
    }
    row.update(zip(features.CATEGORICAL_FEATURES, record["categorical"], strict=True))
    return row


def as_frame(row: dict[str, Any], names: list[str]) -> pl.DataFrame:
    """One-row frame of the catalogue features (numeric as Float64, categorical as String)."""
    categorical = set(features.CATEGORICAL_FEATURES)
    return pl.DataFrame(
        {n: pl.Series([row.get(n)], dtype=pl.String if n in categorical else pl.Float64) for n in names}
    )
