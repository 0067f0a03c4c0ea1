"""Which engineered ratios matter: their share of the deployed model's importance and their own AUC.

The ratios public solutions found useful on this data (credit/annuity, annuity/income, goods/credit,
employment/age, the EXT_SOURCE combinations, document and enquiry counts) are catalogue features like any other;
this reports, for each, its share of CatBoost's PredictionValuesChange importance (how much predictions move when
the feature's splits are taken away, in % of the total), its rank among all features, and its univariate AUC on
the training rows (max(AUC, 1 - AUC), rows with a value), so the card can say which ones carry weight.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from catboost import CatBoostClassifier
from sklearn.metrics import roc_auc_score

from credit_pipeline.train.data import TrainingData

ENGINEERED = (
    "EXT_SOURCE_MEAN", "EXT_SOURCE_MIN", "EXT_SOURCE_MAX", "EXT_SOURCE_PROD", "EXT_SOURCE_WEIGHTED", "EXT_SOURCE_STD",
    "CREDIT_TERM", "ANNUITY_TO_INCOME", "ANNUITY_TO_CREDIT", "CREDIT_TO_INCOME", "GOODS_TO_CREDIT", "EMPLOYED_TO_AGE",
    "DOCUMENT_COUNT", "BUREAU_REQUESTS_TOTAL",
)  # fmt: skip
WHAT = {
    "CREDIT_TERM": "credit / annuity",
    "ANNUITY_TO_INCOME": "annuity / income",
    "ANNUITY_TO_CREDIT": "annuity / credit",
    "CREDIT_TO_INCOME": "credit / income",
    "GOODS_TO_CREDIT": "goods price / credit",
    "EMPLOYED_TO_AGE": "employment / age",
    "EXT_SOURCE_MEAN": "mean of EXT_SOURCE_1..3",
    "EXT_SOURCE_MIN": "min of EXT_SOURCE_1..3",
    "EXT_SOURCE_MAX": "max of EXT_SOURCE_1..3",
    "EXT_SOURCE_PROD": "product of EXT_SOURCE_1..3",
    "EXT_SOURCE_WEIGHTED": "weighted mean of EXT_SOURCE_1..3",
    "EXT_SOURCE_STD": "spread of EXT_SOURCE_1..3",
    "DOCUMENT_COUNT": "documents handed in",
    "BUREAU_REQUESTS_TOTAL": "credit-bureau enquiries",
}


def univariate_auc(x: np.ndarray, y: np.ndarray) -> float | None:
    present = ~np.isnan(x)
    if present.sum() < 2 or len(np.unique(y[present])) < 2:
        return None
    auc = float(roc_auc_score(y[present], x[present]))
    return max(auc, 1.0 - auc)


def feature_effects(model: CatBoostClassifier, data: TrainingData, y: np.ndarray) -> list[dict[str, Any]]:
    """One entry per engineered feature the model uses, most important first (PredictionValuesChange needs no
    data: it reads the leaf weights)."""
    importance = np.asarray(model.get_feature_importance(type="PredictionValuesChange"), dtype=np.float64)
    total = float(importance.sum()) or 1.0
    share = dict(zip(data.feature_names, 100.0 * importance / total, strict=True))
    rank = {name: i + 1 for i, name in enumerate(sorted(share, key=lambda n: -share[n]))}
    out = []
    for name in ENGINEERED:
        if name not in share:
            continue
        x = data.frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy()
        auc = univariate_auc(x, y)
        auc_text = f"{auc:.3f}" if auc is not None else "n/a"
        out.append({
            "feature": name,
            "importance": round(share[name], 3),
            "rank": rank[name],
            "univariate_auc": auc,
            "note": f"{WHAT[name]}: {share[name]:.1f}% of the model's importance (rank {rank[name]} of "
                    f"{len(share)}); alone, AUC {auc_text}",
        })
    return sorted(out, key=lambda e: -e["importance"])
