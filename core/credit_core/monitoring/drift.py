"""Drift of the scored population against the model's training population, computed by Evidently.

Reference: the training sample stored with the bundle (`reference.parquet`) and the model's served probability
on it. Current: the applications scored in a window (the audit table's known clients with their stored features,
and the probability the decision recorded) or a Kaggle-format folder. Per feature, Evidently's population
stability index (PSI) and its drift test (PSI ≥ THRESHOLD); the same for the predicted probability (prediction
drift); and, where outcomes are known, the AUC on them against the model's evaluation AUC (performance drift).

Numeric features with at most DISCRETE_MAX_VALUES distinct values in the reference (counts, flags) are tested as
categories: binning them as continuous values would split a single value across bins. Missing categories are a
category of their own ("(missing)"): a change in how often a field is missing is drift too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from credit_core import features
from credit_core.monitoring import _evidently

METHOD = "psi"
# PSI in credit practice: < 0.1 stable, 0.1-0.2 worth watching, ≥ 0.2 a significant shift.
THRESHOLD = 0.2
DISCRETE_MAX_VALUES = 20
PREDICTION = "probability"
MISSING = "(missing)"
# Evidently's PSI bins numeric features in 30: with a few hundred applications, sampling noise alone reaches the
# threshold (expected PSI of two samples of the same population ~ bins × (1/n_current + 1/n_reference)).
SMALL_SAMPLE = 1_000
PERFORMANCE_MIN_OUTCOMES = 50  # fewer known outcomes: no AUC reported (too noisy to compare)
AUC_DROP_ALERT = 0.05  # AUC on outcomes this far below the evaluation AUC: performance drift


@dataclass(frozen=True, slots=True)
class Population:
    """Features (catalogue columns) and the served probability of each row."""

    features: pl.DataFrame
    probability: np.ndarray


@dataclass(frozen=True)
class DriftResult:
    summary: dict[str, Any]
    snapshot: Any  # Evidently's Snapshot: the full report

    def save_html(self, path: Path) -> None:
        with _evidently.quiet():
            self.snapshot.save_html(str(path))


def feature_kinds(reference: pl.DataFrame) -> tuple[list[str], list[str]]:
    """(numeric, categorical) feature names as the drift tests treat them."""
    numeric, categorical = [], []
    for name in features.FEATURE_NAMES:
        discrete = reference[name].drop_nulls().n_unique() <= DISCRETE_MAX_VALUES
        if name in features.CATEGORICAL_FEATURES or discrete:
            categorical.append(name)
        else:
            numeric.append(name)
    return numeric, categorical


def _frame(population: Population, numeric: list[str], categorical: list[str]) -> Any:
    frame = population.features.select(
        *(pl.col(n).cast(pl.Float64) for n in numeric),
        *(pl.col(n).cast(pl.String).fill_null(MISSING) for n in categorical),
    ).with_columns(pl.Series(PREDICTION, population.probability, dtype=pl.Float64))
    return frame.to_pandas()


def compare(reference: Population, current: Population, *, model_version: str,
            outcomes: tuple[np.ndarray, np.ndarray] | None = None, evaluation_auc: float | None = None,
            source: str = "", window: tuple[datetime | None, datetime] | None = None) -> DriftResult:
    """Evidently's drift report of `current` against `reference`, and its summary (what is stored and shown).

    `outcomes` (defaulted, probability) of current decisions with a known outcome give performance drift."""
    if not current.features.height:
        raise ValueError("no current applications to compare (nothing scored in the window?)")
    evidently = _evidently.load()
    from evidently.metrics import ValueDrift
    from evidently.presets import DataDriftPreset

    numeric, categorical = feature_kinds(reference.features)
    testable = [n for n in numeric + categorical if _has_values(reference.features, current.features, n)]
    definition = evidently.DataDefinition(numerical_columns=[n for n in numeric if n in testable] + [PREDICTION],
                                          categorical_columns=[n for n in categorical if n in testable])
    with _evidently.quiet():
        ref_data = evidently.Dataset.from_pandas(_frame(reference, numeric, categorical), data_definition=definition)
        cur_data = evidently.Dataset.from_pandas(_frame(current, numeric, categorical), data_definition=definition)
        report = evidently.Report([
            DataDriftPreset(columns=testable, method=METHOD, threshold=THRESHOLD),
            ValueDrift(column=PREDICTION, method=METHOD, threshold=THRESHOLD),
        ])
        snapshot = report.run(cur_data, ref_data)
        scores = _column_scores(snapshot.dict())
    rows: list[dict[str, Any]] = [{"feature": name, "kind": "numeric" if name in numeric else "categorical",
             "score": scores[name], "drifted": scores[name] >= THRESHOLD} for name in testable]
    rows.sort(key=lambda r: -float(r["score"]))
    drifted = [r["feature"] for r in rows if r["drifted"]]
    summary: dict[str, Any] = {
        "model_version": model_version, "method": METHOD, "threshold": THRESHOLD, "source": source,
        "window": None if window is None else {"start": _iso(window[0]), "end": _iso(window[1])},
        "n_reference": reference.features.height, "n_current": current.features.height,
        "small_sample": current.features.height < SMALL_SAMPLE,
        "features": rows, "drifted_features": drifted,
        "drifted_share": len(drifted) / len(rows) if rows else 0.0,
        "untested_features": [n for n in features.FEATURE_NAMES if n not in testable],
        "prediction": {
            "score": scores[PREDICTION], "drifted": scores[PREDICTION] >= THRESHOLD,
            "mean_reference": float(np.mean(reference.probability)),
            "mean_current": float(np.mean(current.probability)),
        },
        "performance": _performance(outcomes, evaluation_auc),
    }
    return DriftResult(summary, snapshot)


def _has_values(reference: pl.DataFrame, current: pl.DataFrame, name: str) -> bool:
    """A numeric column entirely missing on one side has no distribution to compare."""
    if name in features.CATEGORICAL_FEATURES:
        return True
    return bool(reference[name].drop_nulls().len() and current[name].drop_nulls().len())


def _column_scores(snapshot: dict[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for metric in snapshot["metrics"]:
        config = metric.get("config", {})
        if config.get("type", "").endswith(":ValueDrift"):
            scores[config["column"]] = float(metric["value"])
    return scores


def _performance(outcomes: tuple[np.ndarray, np.ndarray] | None, evaluation_auc: float | None
                 ) -> dict[str, Any] | None:
    from credit_core.monitoring.performance import auc

    if outcomes is None:
        return None
    defaulted, probability = outcomes
    current_auc = auc(defaulted, probability) if len(defaulted) >= PERFORMANCE_MIN_OUTCOMES else None
    change = None if current_auc is None or evaluation_auc is None else current_auc - evaluation_auc
    return {"n_outcomes": len(defaulted), "defaults": int(np.sum(defaulted)), "auc_current": current_auc,
            "auc_reference": evaluation_auc, "auc_change": change,
            "drifted": change is not None and change <= -AUC_DROP_ALERT}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
