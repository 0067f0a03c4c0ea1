"""Champion/challenger on the same traffic: the decisions the champion made and the challenger's shadow scores of
them (decision_shadow), compared (agreement, approval rates, score distributions, and AUC and business cost on
the decisions whose outcome is known)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import numpy as np

from credit_core.monitoring import performance
from credit_core.monitoring.outcomes import LABELLED

BINS = 10  # score histogram: P(default) in tenths
MIN_OUTCOMES = 50  # below this, AUC and cost are not reported (too noisy to compare)

_PAIRS = f"""
SELECT l.model_version AS champion, l.probability AS champion_p, l.decision AS champion_decision,
       s.model_version AS challenger, s.probability AS challenger_p, s.decision AS challenger_decision, l.defaulted
FROM decision_shadow s JOIN ({LABELLED}) l ON l.id = s.decision_id
WHERE s.model_version = $1 AND l.created_at >= $2
"""


async def compare(conn: asyncpg.Connection, challenger: str, since: datetime, *, cost_false_negative: float,
                  cost_false_positive: float) -> dict[str, Any]:
    """The comparison over the decisions since `since` that the challenger scored in the shadow."""
    rows = await conn.fetch(_PAIRS, challenger, since)
    n = len(rows)
    result: dict[str, Any] = {"challenger_version": challenger, "since": since.isoformat(), "n": n,
                              "champion_versions": sorted({r["champion"] for r in rows}), "agreement_rate": None,
                              "champion": None, "challenger": None, "bins": BINS, "min_outcomes": MIN_OUTCOMES,
                              "outcomes": None}
    if not n:
        return result
    p_champion = np.array([r["champion_p"] for r in rows])
    p_challenger = np.array([r["challenger_p"] for r in rows])
    refused_champion = np.array([r["champion_decision"] == "refused" for r in rows])
    refused_challenger = np.array([r["challenger_decision"] == "refused" for r in rows])
    known = np.array([r["defaulted"] is not None for r in rows])
    defaulted = np.array([bool(r["defaulted"]) for r in rows])[known]
    result |= {
        "agreement_rate": float(np.mean(refused_champion == refused_challenger)),
        "champion": _side(p_champion, refused_champion),
        "challenger": _side(p_challenger, refused_challenger),
    }
    if known.sum() >= MIN_OUTCOMES:
        costs = {"cost_false_negative": cost_false_negative, "cost_false_positive": cost_false_positive}
        result["outcomes"] = {
            "n": int(known.sum()), "defaults": int(defaulted.sum()),
            "auc_champion": performance.auc(defaulted, p_champion[known]),
            "auc_challenger": performance.auc(defaulted, p_challenger[known]),
            "cost_champion": performance.business_cost(defaulted, refused_champion[known], **costs),
            "cost_challenger": performance.business_cost(defaulted, refused_challenger[known], **costs),
        }
    elif known.any():
        result["outcomes"] = {"n": int(known.sum()), "defaults": int(defaulted.sum())}
    return result


def _side(probability: np.ndarray, refused: np.ndarray) -> dict[str, Any]:
    counts, _ = np.histogram(probability, bins=BINS, range=(0.0, 1.0))
    return {"approval_rate": float(1.0 - refused.mean()), "mean_probability": float(probability.mean()),
            "histogram": counts.tolist()}
