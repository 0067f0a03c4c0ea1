"""A trained model bundle (`models/<version>/`) as the scoring and explanation services use it.

Layout of a bundle directory (written by credit_pipeline.train.bundle_writer):
    model.cbm          CatBoost model, columns in catalogue order, categorical nulls as MISSING_CATEGORY
    metadata.json      feature schema, feature_set_version, threshold, costs, metrics, fingerprint, versions
    report.json        full evaluation report (curves, calibration, fairness)
    reference.parquet  stratified sample of training clients: SK_ID_CURR, TARGET, features, probability
    population.json    per-feature distributions by outcome (credit_core.population.summarise)
    model_card.md / model_card.html

Prediction input, measured (catboost 1.2.10, 229 features of which 19 categorical, 448 depth-4 trees, 2 cores):
- one row: Pool over a row-major numpy object array: ~0.1 ms to build the array + ~0.25 ms for the Pool, ~0.2 ms
  to predict: ~0.6 ms p50 end to end. A polars or pandas frame costs 10-15 ms of fixed per-column conversion;
  a list of lists is slower than the object array; predicting on the bare array builds the same Pool inside.
- batch: a polars frame handed to the Pool is converted column by column in C++: ~20 ms fixed, then ~2 µs/row
  (100k rows in ~0.23 s, >400k rows/s; 10k rows ~0.04 s) against ~28 µs/row for an object array and ~7 µs/row
  for pandas. The crossover is ~256 rows (SMALL_BATCH_ROWS); both paths give bit-identical raw scores.
- thread_count=1 below the crossover (a thread pool costs more than it saves on a few rows), 2 above.
`to_model_input` always returns a Pool: the explanation code passes it to get_feature_importance as is.
The scoring service avoids Pools altogether where it can: see credit_core.tree_eval.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from catboost import CatBoostClassifier, Pool

MISSING_CATEGORY = "__missing__"  # categorical nulls: CatBoost needs a string, "missing" is itself informative
SMALL_BATCH_ROWS = 256

MODEL_FILE = "model.cbm"
METADATA_FILE = "metadata.json"
REPORT_FILE = "report.json"
REFERENCE_FILE = "reference.parquet"
POPULATION_FILE = "population.json"
CARD_MD_FILE = "model_card.md"
CARD_HTML_FILE = "model_card.html"


class BundleError(RuntimeError):
    """A model bundle is missing, malformed or incompatible with this code."""


class FeatureSetMismatch(BundleError):
    """The bundle was trained on another feature set than the one this code computes."""


@dataclass
class ModelBundle:
    version: str
    path: Path
    model: CatBoostClassifier
    feature_names: list[str]
    categorical_features: list[str]
    threshold: float
    cost_fn: float
    cost_fp: float
    metadata: dict[str, Any]
    batch_threads: int = 2
    _is_cat: list[bool] = field(init=False, repr=False)
    _cat_index: list[int] = field(init=False, repr=False)
    _positions: dict[tuple[str, ...], list[int]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        cats = set(self.categorical_features)
        self._is_cat = [name in cats for name in self.feature_names]
        self._cat_index = [j for j, is_cat in enumerate(self._is_cat) if is_cat]

    @classmethod
    def load(cls, path: Path | str, *, feature_set_version: str | None = None) -> ModelBundle:
        """Read a bundle directory; raise FeatureSetMismatch unless it matches the current feature catalogue.

        `feature_set_version` defaults to credit_core.features.FEATURE_SET_VERSION (tests may pass another).
        """
        path = Path(path)
        try:
            metadata = json.loads((path / METADATA_FILE).read_text())
        except FileNotFoundError as exc:
            raise BundleError(f"{path} is not a model bundle: no {METADATA_FILE}") from exc
        if feature_set_version is None:
            from credit_core.features import FEATURE_SET_VERSION as feature_set_version
        if metadata.get("feature_set_version") != feature_set_version:
            raise FeatureSetMismatch(
                f"bundle {metadata.get('version')} was trained on feature set {metadata.get('feature_set_version')!r},"
                f" this code computes {feature_set_version!r}: retrain (credit train) or deploy matching code"
            )
        model = CatBoostClassifier()
        model.load_model(str(path / MODEL_FILE))
        schema = metadata["features"]
        names = [f["name"] for f in schema]
        if list(model.feature_names_) != names:
            raise BundleError(f"bundle {metadata.get('version')}: model columns differ from metadata features")
        return cls(
            version=metadata["version"],
            path=path,
            model=model,
            feature_names=names,
            categorical_features=[f["name"] for f in schema if f["kind"] == "categorical"],
            threshold=float(metadata["threshold"]),
            cost_fn=float(metadata["costs"]["false_negative"]),
            cost_fp=float(metadata["costs"]["false_positive"]),
            metadata=metadata,
        )

    def to_model_input(self, features: pl.DataFrame) -> Pool:
        """A CatBoost Pool of the model's columns (catalogue order); other columns (SK_ID_CURR...) are ignored."""
        if features.height <= SMALL_BATCH_ROWS:
            return Pool(self._object_rows(features), cat_features=self._cat_index, thread_count=1)
        return Pool(model_frame(features, self.feature_names, self.categorical_features),
                    cat_features=self.categorical_features)

    def predict_log_odds(self, model_input: Pool) -> np.ndarray:
        """Raw score (log-odds of default), one per row."""
        rows = model_input.num_row() if isinstance(model_input, Pool) else len(model_input)
        threads = 1 if rows <= SMALL_BATCH_ROWS else self.batch_threads  # a thread pool costs more than 1 row
        raw = self.model.predict(model_input, prediction_type="RawFormulaVal", thread_count=threads)
        return np.asarray(raw, dtype=np.float64)

    def predict_proba(self, model_input: Pool) -> np.ndarray:
        """P(default), one per row: CatBoost's own Probability output, so the very same bits as the training
        pipeline's predictions (a numpy sigmoid of the raw score may differ in the last bit)."""
        rows = model_input.num_row() if isinstance(model_input, Pool) else len(model_input)
        threads = 1 if rows <= SMALL_BATCH_ROWS else self.batch_threads
        both = self.model.predict(model_input, prediction_type="Probability", thread_count=threads)
        return np.ascontiguousarray(np.asarray(both, dtype=np.float64)[:, 1])

    def _object_rows(self, features: pl.DataFrame) -> np.ndarray:
        # Row-wise Python is cheapest for a handful of rows: polars expressions cost ~ms for 200+ columns.
        key = tuple(features.columns)
        positions = self._positions.get(key)
        if positions is None:
            missing = [n for n in self.feature_names if n not in key]
            if missing:
                raise KeyError(f"features missing from the input frame: {missing[:5]}")
            positions = self._positions[key] = [key.index(n) for n in self.feature_names]
        out = np.empty((features.height, len(positions)), dtype=object)
        is_cat = self._is_cat
        for i, row in enumerate(features.rows()):  # rows(): 10x cheaper than iter_rows() on one row
            values = [row[p] for p in positions]
            for j, value in enumerate(values):
                if value is None:
                    values[j] = MISSING_CATEGORY if is_cat[j] else math.nan
                elif is_cat[j] and not isinstance(value, str):
                    values[j] = str(value)
            out[i] = values
        return out


def model_frame(features: pl.DataFrame, feature_names: list[str], categorical_features: list[str]) -> pl.DataFrame:
    """The model's columns as CatBoost trains and predicts on them: numerics Float64 (null = missing),
    categoricals String with nulls as MISSING_CATEGORY. Used for training too, so both sides agree."""
    cats = set(categorical_features)
    return features.select(
        pl.col(n).cast(pl.String).fill_null(MISSING_CATEGORY) if n in cats else pl.col(n).cast(pl.Float64)
        for n in feature_names
    )
