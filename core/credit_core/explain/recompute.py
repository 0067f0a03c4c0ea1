"""Changed raw applications → feature rows, through the one feature pipeline (features_for_application).

The features that the change moves are recomputed; the others (e.g. history aggregates, which
features_for_application cannot see without the history tables) are kept from the client's stored row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from credit_core import features, homecredit
from credit_core.features import single

Featurizer = Callable[[list[dict[str, Any]]], pl.DataFrame]


def pipeline_featurizer(applications: list[dict[str, Any]]) -> pl.DataFrame:
    """The features of each application (no history), in order, in one batch pass of the pipeline.

    Same code path as features_for_application (typed raw frame → build_features), with each candidate
    under its own stand-in id so that the rows stay apart.
    """
    rows = [{**app, "SK_ID_CURR": i} for i, app in enumerate(applications)]
    application = single.typed_frame(homecredit.APPLICATION, rows)
    frame = features.build_features({"application": application}, engine="in-memory")
    return frame.sort("SK_ID_CURR")


def merged_rows(stored: pl.DataFrame, applications: list[dict[str, Any]], featurize: Featurizer) -> pl.DataFrame:
    """One row per application: `stored` (one row) with every feature that differs from applications[0]'s
    recomputation replaced. applications[0] must be the client's unchanged application."""
    recomputed = featurize(applications)
    base = recomputed.head(1)
    moving = [
        name for name in stored.columns
        if name in recomputed.columns and not recomputed[name].eq_missing(base[name].item()).all()
    ]
    repeated = pl.concat([stored.head(1)] * len(applications))
    if not moving:
        return repeated
    return repeated.with_columns(recomputed.select(moving).with_columns(
        pl.col(n).cast(repeated.schema[n]) for n in moving
    ))
