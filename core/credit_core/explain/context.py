"""Everything the explanation service keeps in memory for one model version, built once when it is served."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from credit_core.explain import importance, joint, population, rates
from credit_core.explain._bundle import BundleLike, raw_output, sigmoid
from credit_core.explain.shap_values import ShapBatch, compute
from credit_core.explain.similar import N_FEATURES, SimilarIndex

JOINT_CACHE_SIZE = 512  # feature pairs kept per model version (a scatter is ~40 kB)
# SHAP (importance, beeswarm) needs no more than this many reference rows; the rates use every row.
SHAP_ROWS = 2000


@dataclass
class ExplainContext:
    bundle: BundleLike
    population: population.Population
    reference: pl.DataFrame  # SK_ID_CURR?, TARGET, features, probability
    reference_shap: ShapBatch
    importance: list[dict[str, Any]]
    beeswarm: list[dict[str, Any]]
    rates: rates.Rates
    similar: SimilarIndex | None = field(default=None)
    # Population side of the joint views, per feature pair: the same for every client of this model version.
    _joint: OrderedDict[tuple[str, str], dict[str, Any]] = field(default_factory=OrderedDict, repr=False)

    @property
    def version(self) -> str:
        return self.bundle.version

    def similarity_features(self) -> list[str]:
        """The top numeric features by mean |SHAP|, the similarity space."""
        categorical = set(self.bundle.categorical_features)
        return [i["feature"] for i in self.importance if i["feature"] not in categorical][:N_FEATURES]

    def joint_view(self, a: str, b: str) -> dict[str, Any]:
        """The pair's view over the reference sample, computed on first use and kept (least recently used out).
        Callers must not mutate it."""
        key = (a, b)
        view = self._joint.get(key)
        if view is None:
            view = joint.joint(self.reference, a, b, None, self.rates)
            self._joint[key] = view
            if len(self._joint) > JOINT_CACHE_SIZE:
                self._joint.popitem(last=False)
        else:
            self._joint.move_to_end(key)
        return view

    def build_similar(self, ids: np.ndarray, target: np.ndarray, matrix: np.ndarray,
                      matrix_names: list[str]) -> SimilarIndex:
        """Index of labelled clients; `matrix` holds their numeric features (columns named by matrix_names)."""
        names = [n for n in self.similarity_features() if n in matrix_names]
        weights = {i["feature"]: i["mean_abs_shap"] for i in self.importance}
        raw = matrix[:, [matrix_names.index(n) for n in names]]
        return SimilarIndex.build(ids, target, raw, names, np.array([weights[n] for n in names]))


def load(bundle: BundleLike, reference: pl.DataFrame | None = None) -> ExplainContext:
    """Read the bundle's reference sample and population, compute the reference SHAP (CPU: run in a thread)."""
    path = Path(getattr(bundle, "path", "."))
    if reference is None:
        reference = pl.read_parquet(path / "reference.parquet")
    if "probability" not in reference.columns:
        reference = reference.with_columns(probability=pl.Series(sigmoid(raw_output(bundle, reference))))
    pop_file = path / "population.json"
    if pop_file.exists():
        pop = population.Population.load(pop_file)
    else:
        feats = reference.select(bundle.feature_names)
        pop = population.from_frame(feats, reference["TARGET"], set(bundle.categorical_features))
    sample = reference if len(reference) <= SHAP_ROWS else reference.sample(SHAP_ROWS, seed=0)
    shap = compute(bundle, sample)
    edges = {name: spec["edges"] for name, spec in pop.features.items() if spec.get("kind") == "numeric"}
    rate_book = rates.Rates.from_reference(reference, set(bundle.categorical_features), edges)
    return ExplainContext(bundle, pop, reference, shap, importance.mean_abs(shap), importance.beeswarm(shap, sample),
                          rate_book)
