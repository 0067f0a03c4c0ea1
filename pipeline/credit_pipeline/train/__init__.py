"""Training the scoring model: CatBoost on per-client features, honest evaluation, cost-based threshold,
versioned bundle (see pipeline.py for the protocol and credit_core.model for the bundle layout)."""

from __future__ import annotations

from credit_pipeline.train.config import TrainConfig
from credit_pipeline.train.data import TrainingData, from_csv_dir, from_frame, from_parquet
from credit_pipeline.train.pipeline import TrainResult, evaluation_report, train

__all__ = [
    "TrainConfig",
    "TrainResult",
    "TrainingData",
    "evaluation_report",
    "from_csv_dir",
    "from_frame",
    "from_parquet",
    "train",
]
