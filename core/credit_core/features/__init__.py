"""Model features: the catalogue (what each feature is) and the pipeline (how it is computed).

`build_features` serves batch training and scoring; `features_for_application` runs the same code
on one new application. Everything else (column order, labels, units) comes from the catalogue.
"""

from __future__ import annotations

from credit_core.features.build import build_features
from credit_core.features.catalogue import (
    CATALOGUE,
    CATEGORICAL_FEATURES,
    FEATURE_NAMES,
    FEATURE_SET_VERSION,
    FEATURES_BY_NAME,
    NUMERIC_FEATURES,
    Feature,
)
from credit_core.features.single import features_for_application

__all__ = [
    "CATALOGUE",
    "CATEGORICAL_FEATURES",
    "FEATURES_BY_NAME",
    "FEATURE_NAMES",
    "FEATURE_SET_VERSION",
    "NUMERIC_FEATURES",
    "Feature",
    "build_features",
    "features_for_application",
]
