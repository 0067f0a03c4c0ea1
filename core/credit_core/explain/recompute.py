"""Changed raw applications → feature rows, through the one feature pipeline (features_for_application).

The features that the change moves are recomputed; the others (e.g. history aggregates, which
features_for_application cannot see without the history tables) are kept from the client's stored row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
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
    return merged_many(stored.head(1), np.zeros(len(applications), dtype=np.int64), applications, featurize)


def merged_many(stored: pl.DataFrame, owners: np.ndarray, applications: Sequence[Mapping[str, Any]],
                featurize: Featurizer) -> pl.DataFrame:
    """One row per application: its owner's stored row (`stored[owners[i]]`) with every feature that the changes
    move replaced by its recomputation. Each owner's first application must be its unchanged one: a feature moves
    when some application's recomputation differs from its owner's unchanged one. Features the recomputation cannot
    see (history aggregates) never move, so they keep their stored value. One pipeline pass for every owner."""
    owners = np.asarray(owners, dtype=np.int64)
    recomputed = featurize([dict(a) for a in applications])
    first = {int(k): i for i, k in reversed(list(enumerate(owners.tolist())))}
    base = pl.Series(np.array([first[int(k)] for k in owners], dtype=np.int64))
    moving = [
        name for name in stored.columns
        if name in recomputed.columns and not recomputed[name].eq_missing(recomputed[name].gather(base)).all()
    ]
    repeated = stored[owners] if len(owners) else stored.clear()
    if not moving:
        return repeated
    return repeated.with_columns(recomputed.select(moving).with_columns(
        pl.col(n).cast(repeated.schema[n]) for n in moving
    ))
