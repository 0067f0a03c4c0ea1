"""What a history-group module hands to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Aggregate:
    """Per-client columns of one history group.

    `frame` holds SK_ID_CURR plus the group's aggregated features (one row per client that has rows).
    `zero_fill` names the additive features (counts, sums) that are 0 — not unknown — for a client
    without any row in a table we do have; everything else stays null for such a client.
    """

    frame: pl.LazyFrame
    zero_fill: tuple[str, ...] = ()
