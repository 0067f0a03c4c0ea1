"""A tiny CatBoost bundle over a few application features, and a matching featurizer (test doubles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from catboost import CatBoostClassifier

NUMERIC = ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "CREDIT_TO_INCOME",
           "ANNUITY_TO_INCOME", "CREDIT_TERM", "EXT_SOURCE_2"]
CATEGORICAL = ["CODE_GENDER", "NAME_CONTRACT_TYPE"]
FEATURES = CATEGORICAL + NUMERIC
MISSING = "__missing__"


def featurize(apps: list[dict[str, Any]]) -> pl.DataFrame:
    """The tiny model's features from raw applications (stands in for features_for_application)."""
    frame = pl.DataFrame(apps).select(
        pl.col("SK_ID_CURR").cast(pl.Int64),
        *[pl.col(c).cast(pl.String) for c in CATEGORICAL],
        *[pl.col(c).cast(pl.Float64) for c in ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE",
                                                "EXT_SOURCE_2")],
    )
    return frame.with_columns(
        CREDIT_TO_INCOME=pl.col("AMT_CREDIT") / pl.col("AMT_INCOME_TOTAL"),
        ANNUITY_TO_INCOME=pl.col("AMT_ANNUITY") / pl.col("AMT_INCOME_TOTAL"),
        CREDIT_TERM=pl.col("AMT_CREDIT") / pl.col("AMT_ANNUITY"),
    ).select("SK_ID_CURR", *FEATURES)


def applications(n: int, seed: int) -> tuple[list[dict[str, Any]], np.ndarray]:
    rng = np.random.default_rng(seed)
    income = rng.lognormal(11.8, 0.5, n)
    credit = income * rng.uniform(1, 8, n)
    annuity = credit / rng.uniform(10, 60, n)
    ext = np.where(rng.random(n) < 0.1, np.nan, rng.beta(4, 2, n))
    gender = rng.choice(["F", "M"], n)
    contract = np.where(rng.random(n) < 0.05, None, rng.choice(["Cash loans", "Revolving loans"], n))
    logit = -2.0 + 1.8 * (annuity / income) * 4 - 3 * np.nan_to_num(ext, nan=0.3) + 0.4 * (gender == "M")
    target = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    apps = [
        {"SK_ID_CURR": 100_000 + i, "AMT_INCOME_TOTAL": float(income[i]), "AMT_CREDIT": float(credit[i]),
         "AMT_ANNUITY": float(annuity[i]), "AMT_GOODS_PRICE": float(credit[i] * 0.9),
         "EXT_SOURCE_2": None if np.isnan(ext[i]) else float(ext[i]), "CODE_GENDER": str(gender[i]),
         "NAME_CONTRACT_TYPE": contract[i]}
        for i in range(n)
    ]
    return apps, target


@dataclass
class TinyBundle:
    version: str
    path: Path
    model: CatBoostClassifier
    threshold: float
    feature_names: list[str] = field(default_factory=lambda: list(FEATURES))
    categorical_features: list[str] = field(default_factory=lambda: list(CATEGORICAL))

    def to_model_input(self, df: pl.DataFrame) -> pd.DataFrame:
        frame = df.select(self.feature_names).with_columns(pl.col(CATEGORICAL).fill_null(MISSING)).to_pandas()
        return frame

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(x)[:, 1]


def train(out: Path, n: int = 3000, seed: int = 3) -> tuple[TinyBundle, pl.DataFrame]:
    """Bundle + the full labelled feature frame (SK_ID_CURR, TARGET, features); writes reference.parquet."""
    apps, target = applications(n, seed)
    frame = featurize(apps).with_columns(TARGET=pl.Series(target))
    model = CatBoostClassifier(iterations=120, depth=4, verbose=0, random_seed=0, thread_count=2,
                               allow_writing_files=False)
    bundle = TinyBundle("tiny-1", out, model, threshold=0.3)
    model.fit(bundle.to_model_input(frame), target, cat_features=CATEGORICAL)
    out.mkdir(parents=True, exist_ok=True)
    frame.sample(800, seed=1).write_parquet(out / "reference.parquet")
    return bundle, frame
