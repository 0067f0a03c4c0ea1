"""Smallest change to the actionable loan terms that turns "refused" into "granted".

Only the loan itself may change: the credit amount (with the goods price, by the same factor) and the term
(the annuity follows: annuity × credit factor / term factor). Age, sex, family, income… never change.
Candidates form a grid, ordered by cost = (1 − credit factor) + TERM_WEIGHT × |term factor − 1|; the whole grid
is scored by the real model in one batch and the cheapest candidate under the threshold wins.

Features are recomputed from the raw application through the one pipeline (features_for_application); the
features that do not move across the grid (e.g. the history aggregates) are taken from the stored client row.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from credit_core import decision
from credit_core.explain._bundle import BundleLike, raw_output, sigmoid
from credit_core.explain.recompute import Featurizer, merged_rows

CREDIT_FACTORS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.3)
TERM_FACTORS = (1.0, 1.25, 1.5, 1.75, 2.0)
TERM_WEIGHT = 0.25
CHANGED_FIELDS = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")


@dataclass(frozen=True)
class Candidate:
    credit_factor: float
    term_factor: float

    @property
    def cost(self) -> float:
        return (1.0 - self.credit_factor) + TERM_WEIGHT * abs(self.term_factor - 1.0)

    def apply(self, application: dict[str, Any]) -> dict[str, Any]:
        out = dict(application)
        for name, factor in (("AMT_CREDIT", self.credit_factor), ("AMT_GOODS_PRICE", self.credit_factor),
                             ("AMT_ANNUITY", self.credit_factor / self.term_factor)):
            if out.get(name) is not None:
                out[name] = float(out[name]) * factor
        return out


def grid() -> list[Candidate]:
    """Every candidate, the unchanged one first, then by increasing cost."""
    cands = [Candidate(c, t) for c, t in itertools.product(CREDIT_FACTORS, TERM_FACTORS)]
    return sorted(cands, key=lambda c: (c.cost, -c.credit_factor))


def search(bundle: BundleLike, stored: pl.DataFrame, application: dict[str, Any], featurize: Featurizer,
           threshold: float) -> dict[str, Any]:
    """`stored` is the client's one-row feature frame; decided by credit_core.decision at `threshold`."""
    candidates = grid()
    frame = merged_rows(stored, [c.apply(application) for c in candidates], featurize)
    proba = sigmoid(raw_output(bundle, frame))
    current = float(sigmoid(raw_output(bundle, stored.head(1)))[0])
    result: dict[str, Any] = {
        "threshold": threshold,
        "current": {"probability": current, "decision": decision.decide(current, threshold)},
        "candidates_scored": len(candidates),
    }
    if not decision.is_refused(current, threshold):
        return {**result, "status": "already_granted"}
    ok = np.flatnonzero(~decision.is_refused(proba, threshold))
    if len(ok) == 0:
        return {**result, "status": "none_within_bounds",
                "bounds": {"credit_factor_min": min(CREDIT_FACTORS), "term_factor_max": max(TERM_FACTORS)}}
    best = candidates[int(ok[0])]  # candidates are sorted by cost: the first success is the cheapest
    changed = best.apply(application)
    return {
        **result,
        "status": "found",
        "credit_factor": best.credit_factor,
        "term_factor": best.term_factor,
        "changes": {f: {"from": application.get(f), "to": changed.get(f)} for f in CHANGED_FIELDS
                    if application.get(f) != changed.get(f)},
        "probability": float(proba[ok[0]]),
        "decision": decision.GRANTED,
    }
