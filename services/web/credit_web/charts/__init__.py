"""Vega-Lite charts built on the server with Altair: pure functions from API payloads to `ChartSpec`.

No HTTP, no templates: each function takes the JSON payload of a scoring/explain endpoint as a plain dict and
the reader's language, and returns the spec (data inlined, width "container"), its text alternative and, where
it helps screen-reader users, a small table.
"""

from __future__ import annotations

from credit_web.charts._base import ChartSpec
from credit_web.charts.challenger import challenger_scores
from credit_web.charts.distribution import distribution
from credit_web.charts.importance import beeswarm, importance
from credit_web.charts.joint import joint
from credit_web.charts.model import calibration, confusion_matrix, cost_curve, pr_curve, roc_curve
from credit_web.charts.score import score_gauge
from credit_web.charts.waterfall import waterfall

__all__ = [
    "ChartSpec", "beeswarm", "calibration", "challenger_scores", "confusion_matrix", "cost_curve", "distribution",
    "importance", "joint", "pr_curve", "roc_curve", "score_gauge", "waterfall",
]
