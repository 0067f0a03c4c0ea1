"""Threshold choice, business cost, calibration, curves and fairness tables on hand-made predictions."""

from __future__ import annotations

import numpy as np
import pytest

from credit_pipeline.train import calibration, evaluate, fairness, threshold


def test_best_threshold_on_a_hand_made_example() -> None:
    # Scores:     0.9  0.8  0.6  0.4  0.3  0.2  0.1
    # Outcomes:    1    0    1    0    0    1    0
    y = np.array([1, 0, 1, 0, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1])
    # FN cost 10, FP cost 1. Refusing the top k costs:
    #  k=0: 3 FN = 30; k=1: 2 FN = 20; k=2: 2 FN + 1 FP = 21; k=3: 1 FN + 1 FP = 11;
    #  k=4: 12; k=5: 13; k=6: 0 FN + 3 FP = 3 (best); k=7: 4 FP = 4.
    t = threshold.best_threshold(y, p, cost_fn=10, cost_fp=1)
    assert t == pytest.approx((0.2 + 0.1) / 2)
    assert threshold.business_cost(y, p, t, 10, 1) == 3
    assert threshold.confusion(y, p, t).as_dict() == {"tn": 1, "fp": 3, "fn": 0, "tp": 3}
    # Equal costs: refusing the top 1 (2 FN) ties with the top 3 (1 FN + 1 FP); the tie goes to fewer refusals.
    t_equal = threshold.best_threshold(y, p, cost_fn=1, cost_fp=1)
    assert t_equal == pytest.approx((0.9 + 0.8) / 2)
    assert threshold.business_cost(y, p, t_equal, 1, 1) == 2


def test_best_threshold_never_beaten_on_the_grid_and_handles_ties() -> None:
    rng = np.random.default_rng(0)
    p = np.round(rng.random(2000), 2)  # many ties
    y = (rng.random(2000) < p * 0.4).astype(int)
    t = threshold.best_threshold(y, p, 10, 1)
    best = threshold.business_cost(y, p, t, 10, 1)
    grid_costs = [c["cost"] for c in threshold.cost_curve(y, p, 10, 1, np.linspace(0, 1, 1001))]
    assert best <= min(grid_costs)
    assert best <= threshold.baselines(y, 10, 1)["grant_everyone"]
    assert best <= threshold.baselines(y, 10, 1)["refuse_everyone"]


def test_extreme_costs_grant_or_refuse_everybody() -> None:
    y = np.array([0, 0, 1, 0])
    p = np.array([0.1, 0.2, 0.3, 0.4])
    assert threshold.confusion(y, p, threshold.best_threshold(y, p, 1000, 1)).fn == 0  # refuse enough to catch it
    t = threshold.best_threshold(y, p, 1, 1000)  # refusing anyone good is ruinous: grant all
    assert threshold.confusion(y, p, t).as_dict() == {"tn": 3, "fp": 0, "fn": 1, "tp": 0}


def test_bayes_threshold() -> None:
    assert threshold.bayes_threshold(10, 1) == pytest.approx(1 / 11)


def test_cost_curve_points() -> None:
    y = np.array([0, 1, 0, 1])
    p = np.array([0.1, 0.9, 0.6, 0.4])
    curve = threshold.cost_curve(y, p, 10, 1)
    assert len(curve) == len(threshold.GRID)
    first, last = curve[0], curve[-1]
    assert first["threshold"] == 0.0 and first["refusal_rate"] == 1.0 and first["cost"] == 2  # refuse all: 2 FP
    assert last["threshold"] == 1.0 and last["refusal_rate"] == 0.0 and last["cost"] == 20  # grant all: 2 FN
    assert curve[100]["cost_per_client"] == pytest.approx(curve[100]["cost"] / 4)


def test_calibration_table_of_calibrated_and_miscalibrated_scores() -> None:
    rng = np.random.default_rng(1)
    p = rng.beta(1, 8, 50_000)
    y = (rng.random(p.size) < p).astype(int)
    table = calibration.calibration_table(y, p)
    assert [r["bin"] for r in table] == list(range(1, 11))
    assert sum(r["n"] for r in table) == p.size
    assert all(r["p_min"] <= r["mean_predicted"] <= r["p_max"] for r in table)
    assert [r["mean_predicted"] for r in table] == sorted(r["mean_predicted"] for r in table)
    assert calibration.expected_calibration_error(table) < 0.01
    inflated = calibration.calibration_table(y, np.sqrt(p))  # what class weighting does to probabilities
    assert calibration.expected_calibration_error(inflated) > 0.1


def test_scores_and_curves() -> None:
    y = np.array([0, 0, 1, 1] * 50)
    p = np.array([0.1, 0.4, 0.35, 0.8] * 50)
    s = evaluate.scores(y, p)
    assert s["auc"] == pytest.approx(0.75)
    assert s["ks"] == pytest.approx(0.5)
    assert 0 < s["brier"] < 0.25 and s["log_loss"] > 0 and 0 < s["pr_auc"] <= 1
    rng = np.random.default_rng(2)
    big_p = rng.random(10_000)
    big_y = (rng.random(10_000) < big_p).astype(int)
    roc, pr = evaluate.roc_points(big_y, big_p), evaluate.pr_points(big_y, big_p)
    assert 2 <= len(roc) <= evaluate.CURVE_POINTS and len(pr) <= evaluate.CURVE_POINTS
    assert roc[0]["fpr"] == 0 and roc[-1]["fpr"] == 1 and roc[-1]["tpr"] == 1
    assert [r["fpr"] for r in roc] == sorted(r["fpr"] for r in roc)
    assert evaluate.auc_or_none(np.array([0, 0]), np.array([0.1, 0.2])) is None


def test_fairness_groups() -> None:
    y = np.array([0, 1, 0, 1, 0, 0])
    p = np.array([0.05, 0.5, 0.2, 0.01, 0.3, 0.02])
    gender = np.array(["F", "F", "M", "M", None, "F"], dtype=object)
    age = np.array([22, 30.5, 44.9, 45, 70, np.nan])
    report = fairness.fairness_report(y, p, 0.1, gender, age)
    by_gender = {r["group"]: r for r in report["CODE_GENDER"]}
    assert by_gender["F"]["n"] == 3 and by_gender["F"]["approval_rate"] == pytest.approx(2 / 3)
    assert by_gender["M"]["missed_default_rate"] == 1.0  # its defaulter (p=0.01) is granted
    assert by_gender["unknown"]["n"] == 1
    bands = {r["group"]: r["n"] for r in report["age_band"]}
    assert bands == {"<25": 1, "25–34": 1, "35–44": 1, "45–54": 1, "55+": 1, "unknown": 1}
