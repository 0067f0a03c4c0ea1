"""Item 1 of issue 13: the reasons follow the decision (refused: what raised the risk; granted: what lowered it),
ordered by |SHAP|, as structured data the dashboard turns into sentences."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from credit_core.explain import explanation, reasons
from credit_core.explain.context import ExplainContext
from tests.explain import _tiny

Tiny = tuple[_tiny.TinyBundle, pl.DataFrame]
NAMES = ["AMT_CREDIT", "EXT_SOURCE_2", "CODE_GENDER", "AMT_ANNUITY", "CREDIT_TERM", "AMT_INCOME_TOTAL"]
SHAP = [0.1, 0.9, 0.3, -1.2, 0.05, -0.02]
VALUES = [500_000.0, 0.12, "M", 20_000.0, 25.0, None]
BASE = -2.4  # the average client's log-odds
ORDER = sorted(range(len(SHAP)), key=lambda i: -abs(SHAP[i]))
POINTS = explanation.probability_points(BASE, SHAP, ORDER)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_probability_points_are_the_waterfall_steps_and_add_up() -> None:
    assert sum(POINTS) == pytest.approx(100 * (_sigmoid(BASE + sum(SHAP)) - _sigmoid(BASE)))
    # The first step (largest |SHAP|, AMT_ANNUITY's −1.2) starts from the average client.
    assert POINTS[3] == pytest.approx(100 * (_sigmoid(BASE - 1.2) - _sigmoid(BASE)))
    # The second (EXT_SOURCE_2's +0.9) starts where the first ended.
    assert POINTS[1] == pytest.approx(100 * (_sigmoid(BASE - 1.2 + 0.9) - _sigmoid(BASE - 1.2)))


def test_a_grant_is_explained_by_what_lowered_the_risk(tiny_context: ExplainContext) -> None:
    got = reasons.top_reasons(NAMES, SHAP, VALUES, tiny_context.population, refused=False,
                              rates=tiny_context.rates, points=POINTS, categorical={"CODE_GENDER"})
    assert [r.feature for r in got] == ["AMT_ANNUITY", "AMT_INCOME_TOTAL"]  # the −1.2 first, never a positive one
    assert all(r.direction == "lowers_risk" and r.shap < 0 for r in got)
    assert got[0].contribution_pp == POINTS[3] < 0  # the factor's step on the waterfall, quoted as it is drawn
    assert got[1].kind == "missing" and got[1].comparison is None


def test_a_refusal_is_explained_by_what_raised_the_risk(tiny_context: ExplainContext) -> None:
    got = reasons.top_reasons(NAMES, SHAP, VALUES, tiny_context.population, refused=True,
                              rates=tiny_context.rates, points=POINTS, categorical={"CODE_GENDER"})
    assert [r.feature for r in got] == ["EXT_SOURCE_2", "CODE_GENDER", "AMT_CREDIT", "CREDIT_TERM"]
    assert all(r.direction == "raises_risk" and r.shap > 0 for r in got)
    ext, gender = got[0], got[1]
    assert ext.kind == "numeric" and ext.comparison == "lower" and ext.percentile is not None
    assert ext.share_pct == 100 - round(ext.percentile)
    assert ext.contribution_pp == POINTS[1]
    cell = tiny_context.rates.cell_of("CODE_GENDER", "M")
    assert gender.kind == "categorical" and gender.value_code == "M"
    assert (gender.n, gender.default_rate, gender.suppressed) == (cell["n"], cell["default_rate"], cell["suppressed"])


@pytest.mark.parametrize("want", ["granted", "refused"])
def test_explanation_reasons_match_its_decision(tiny: Tiny, tiny_context: ExplainContext, want: str) -> None:
    bundle, frame = tiny
    proba = bundle.predict_proba(bundle.to_model_input(frame))
    i = int(np.argmin(proba) if want == "granted" else np.argmax(proba))
    payload = explanation.explain_frame(bundle, frame.slice(i, 1), tiny_context.population, top=20,
                                        rates=tiny_context.rates)
    assert payload["reasons_for"] == want
    got = payload["reasons"]
    assert got, "a decision always has reasons on a model with signal"
    sign = 1 if want == "refused" else -1
    assert all(sign * r["shap"] > 0 for r in got)
    assert [abs(r["shap"]) for r in got] == sorted((abs(r["shap"]) for r in got), reverse=True)
    contributions = sorted((c for c in payload["contributions"] if sign * c["shap"] > 0), key=lambda c: -abs(c["shap"]))
    assert got[0]["feature"] == contributions[0]["feature"]  # the biggest factor in the decision's direction
    for r in got:
        assert set(r) >= {"feature", "direction", "shap", "contribution_pp", "value", "value_code", "kind",
                          "percentile", "comparison", "share_pct", "default_rate", "n", "suppressed"}
        assert np.sign(r["contribution_pp"]) == sign
