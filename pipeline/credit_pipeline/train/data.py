"""Training data: labelled clients' features, plus what evaluation needs beside them.

Two sources give the same TrainingData: a folder of Kaggle CSVs (no database involved) or the features
Parquet written by `credit features build`. Fairness groups come from the raw CODE_GENDER / DAYS_BIRTH
when the raw application table is at hand, else from the equivalent catalogue features.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from credit_core import features

TRUTH_FILE = "truth.csv"  # written by the synthetic generator: SK_ID_CURR, PD (the true default probability)
DAYS_PER_YEAR = 365.25


@dataclass
class TrainingData:
    frame: pl.DataFrame  # SK_ID_CURR, TARGET (0/1), then the model features in catalogue order
    gender: np.ndarray | None  # CODE_GENDER per row (fairness), aligned with frame
    age_years: np.ndarray | None
    truth: np.ndarray | None  # true default probability per row (synthetic data only)
    source: str
    feature_names: list[str]
    categorical_features: list[str]
    feature_set_version: str = features.FEATURE_SET_VERSION

    @property
    def target(self) -> np.ndarray:
        return self.frame["TARGET"].to_numpy().astype(np.int64)

    @property
    def n(self) -> int:
        return self.frame.height


def from_frame(frame: pl.DataFrame, *, source: str = "frame", raw: pl.DataFrame | None = None,
               truth: pl.DataFrame | None = None, feature_names: list[str] | None = None,
               categorical_features: list[str] | None = None,
               feature_set_version: str = features.FEATURE_SET_VERSION) -> TrainingData:
    """Labelled rows of `frame` (SK_ID_CURR, TARGET, features). `raw` may hold SK_ID_CURR, CODE_GENDER, DAYS_BIRTH;
    `truth` SK_ID_CURR, PD. Rows are sorted by SK_ID_CURR so that the input order never changes the model."""
    names = feature_names if feature_names is not None else list(features.FEATURE_NAMES)
    cats = categorical_features if categorical_features is not None else list(features.CATEGORICAL_FEATURES)
    absent = [n for n in ("SK_ID_CURR", "TARGET", *names) if n not in frame.columns]
    if absent:
        raise ValueError(f"the training data lacks {len(absent)} columns ({', '.join(absent[:5])}...): features "
                         "computed by another feature-set version? Rebuild them (credit features build)")
    labelled = (
        frame.filter(pl.col("TARGET").is_not_null())
        .with_columns(pl.col("TARGET").cast(pl.Int8))
        .sort("SK_ID_CURR")
        .select("SK_ID_CURR", "TARGET", *names)
    )
    if labelled.height == 0 or labelled["TARGET"].n_unique() < 2:
        raise ValueError("training needs labelled clients of both outcomes (TARGET 0 and 1)")
    ids = labelled.select("SK_ID_CURR")
    gender, age = _groups(labelled, ids, raw)
    pd_true = None
    if truth is not None:
        pd_true = ids.join(truth.select("SK_ID_CURR", "PD"), on="SK_ID_CURR", how="left")["PD"]
        pd_true = pd_true.to_numpy().astype(np.float64) if pd_true.null_count() == 0 else None
    return TrainingData(labelled, gender, age, pd_true, source, names, cats, feature_set_version)


def from_csv_dir(data_dir: Path, truth_file: Path | None = None) -> TrainingData:
    """Features straight from Kaggle CSVs (application_train.csv required, other tables optional), no database."""
    from credit_core.features import build_features
    from credit_pipeline import sources

    tables = dict(sources.scan_csv_dir(data_dir))
    target = sources.read_target(data_dir)  # raises, naming the file, without application_train.csv
    # Only labelled clients are featurised: history rows of test clients fall away at the join.
    tables["application"] = tables["application"].filter(pl.col("TARGET").is_not_null())
    built = build_features(tables)
    raw = tables["application"].select("SK_ID_CURR", "CODE_GENDER", "DAYS_BIRTH").collect()
    frame = built.join(target, on="SK_ID_CURR", how="inner")
    truth = read_truth(truth_file if truth_file is not None else data_dir / TRUTH_FILE)
    return from_frame(frame, source=f"csv:{data_dir}", raw=raw, truth=truth)


def from_parquet(path: Path, truth_file: Path | None = None) -> TrainingData:
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `credit features build` first (or pass --data-dir)")
    truth = read_truth(truth_file) if truth_file is not None else None
    return from_frame(pl.read_parquet(path), source=f"parquet:{path}", truth=truth)


def read_truth(path: Path) -> pl.DataFrame | None:
    """SK_ID_CURR, PD of a synthetic data set's truth.csv (None when there is no such file)."""
    if not path.exists():
        return None
    return pl.read_csv(path, schema_overrides={"SK_ID_CURR": pl.Int64, "PD": pl.Float64}).select("SK_ID_CURR", "PD")


def _groups(labelled: pl.DataFrame, ids: pl.DataFrame,
            raw: pl.DataFrame | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    if raw is not None and {"CODE_GENDER", "DAYS_BIRTH"} <= set(raw.columns):
        joined = ids.join(raw.select("SK_ID_CURR", "CODE_GENDER", "DAYS_BIRTH"), on="SK_ID_CURR", how="left")
        age = (-joined["DAYS_BIRTH"].cast(pl.Float64) / DAYS_PER_YEAR).fill_null(np.nan).to_numpy()
        return np.array(joined["CODE_GENDER"].to_list(), dtype=object), age
    columns = set(labelled.columns)
    gender = np.array(labelled["CODE_GENDER"].to_list(), dtype=object) if "CODE_GENDER" in columns else None
    age = labelled["AGE_YEARS"].cast(pl.Float64).fill_null(np.nan).to_numpy() if "AGE_YEARS" in columns else None
    return gender, age
