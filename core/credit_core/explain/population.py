"""Look-ups in a bundle's `population.json` (precomputed per model version by credit_core.population.summarise;
see that module for the layout). Nothing here ever scans the population.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from credit_core import population as summaries

OUTCOMES = summaries.OUTCOMES


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass
class Population:
    n: dict[str, int]
    features: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, path: Path) -> Population:
        return cls.from_dict(json.loads(path.read_text()))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Population:
        return cls(n={k: int(v) for k, v in data.get("n", {}).items()}, features=data["features"])

    def has(self, name: str) -> bool:
        return name in self.features

    def percentile(self, name: str, value: Any) -> float | None:
        """Share (0–100) of clients with a lower value, from the 101 stored percentiles; None if not numeric."""
        spec = self.features.get(name)
        if spec is None or spec.get("kind") != "numeric" or is_missing(value):
            return None
        cuts = [p for p in spec.get("percentiles", []) if p is not None and not math.isnan(p)]
        if not cuts:
            return None
        x = float(value)
        lo, hi = bisect.bisect_left(cuts, x), bisect.bisect_right(cuts, x)
        rank = (lo + hi) / 2  # ties: the middle of the tied block
        return float(min(100.0, max(0.0, 100.0 * rank / len(cuts))))

    def default_rate(self, name: str, value: Any) -> float | None:
        spec = self.features.get(name)
        if spec is None or spec.get("kind") != "categorical":
            return None
        rates = {cat["value"]: cat["default_rate"] for cat in spec.get("categories", [])}
        rate = rates.get(value, rates.get(summaries.OTHER_CATEGORY)) if value is not None else None
        return None if rate is None else float(rate)

    def distribution(self, name: str) -> dict[str, Any]:
        """The stored summary without the percentiles (bins/counts or categories, missing counts)."""
        return {k: v for k, v in self.features[name].items() if k != "percentiles"}


def from_frame(frame: pl.DataFrame, target: pl.Series, categorical: set[str]) -> Population:
    """A Population summarised from a labelled frame (when a bundle lacks population.json)."""
    return Population.from_dict(summaries.summarise(frame, target, categorical=categorical))
