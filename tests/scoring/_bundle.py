"""Tiny real model bundles (credit_core.model format) over the feature catalogue, trained on random rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from catboost import CatBoostClassifier

from credit_core import features, model


def random_features(n: int, seed: int, first_id: int = 100_000) -> pl.DataFrame:
    """SK_ID_CURR + every catalogue feature, random values (a few nulls)."""
    rng = np.random.default_rng(seed)
    columns: dict[str, pl.Series] = {"SK_ID_CURR": pl.Series(np.arange(first_id, first_id + n), dtype=pl.Int64)}
    for name in features.FEATURE_NAMES:
        if name in features.CATEGORICAL_FEATURES:
            values = rng.choice(np.array(["A", "B", "C"], dtype=object), n)
            columns[name] = pl.Series(name, [None if i % 17 == 0 else v for i, v in enumerate(values)],
                                      dtype=pl.String)
        else:
            values = rng.normal(0, 1, n)
            values[rng.random(n) < 0.05] = np.nan
            columns[name] = pl.Series(name, values, dtype=pl.Float64).fill_nan(None)
    return pl.DataFrame(columns)


def train(
    out: Path, version: str, *, seed: int = 0, threshold: float = 0.5, iterations: int = 20, depth: int = 3
) -> dict[str, Any]:
    """Write a bundle directory loadable by ModelBundle.load; return its metadata plus "path"."""
    frame = random_features(400, seed)
    target = (np.random.default_rng(seed).random(frame.height) < 0.3).astype(int)
    cats = list(features.CATEGORICAL_FEATURES)
    clf = CatBoostClassifier(iterations=iterations, depth=depth, verbose=0, random_seed=seed, thread_count=1,
                             allow_writing_files=False)
    clf.fit(model.model_frame(frame, list(features.FEATURE_NAMES), cats).to_pandas(), target, cat_features=cats)
    out.mkdir(parents=True, exist_ok=True)
    clf.save_model(str(out / model.MODEL_FILE))
    metadata = {
        "version": version,
        "feature_set_version": features.FEATURE_SET_VERSION,
        "features": [{"name": n, "kind": "categorical" if n in cats else "numeric"} for n in features.FEATURE_NAMES],
        "threshold": threshold,
        "costs": {"false_negative": 10.0, "false_positive": 1.0},
        "metrics": {"auc": 0.5},
        "created_at": datetime.now(UTC).isoformat(),
    }
    (out / model.METADATA_FILE).write_text(json.dumps(metadata))
    return {**metadata, "path": str(out)}
