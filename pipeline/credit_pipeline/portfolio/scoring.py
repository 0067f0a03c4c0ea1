"""Scores of feature rows: P(default) from the bundle's model, decision and risk band from credit_core.decision.

Both engines call this on their feature rows (Spark on each task's rows), so a client gets the same probability
and decision whichever engine ran: CatBoost's prediction of a row does not depend on the other rows.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from credit_core import decision
from credit_core.model import ModelBundle

SCHEMA = pl.Schema({"SK_ID_CURR": pl.Int64(), "probability": pl.Float64(), "decision": pl.String(),
                    "risk_band": pl.String(), "model_version": pl.String()})


def score_features(bundle: ModelBundle, frame: pl.DataFrame) -> pl.DataFrame:
    """SK_ID_CURR, probability, decision, risk_band and model_version of each row of catalogue features."""
    probabilities = bundle.predict_proba(bundle.to_model_input(frame)) if frame.height else np.empty(0)
    return pl.DataFrame(
        {
            "SK_ID_CURR": frame["SK_ID_CURR"],
            "probability": probabilities,
            "decision": decision.decide_all(probabilities, bundle.threshold),
            "risk_band": decision.risk_bands(probabilities, bundle.threshold),
            "model_version": [bundle.version] * frame.height,
        },
        schema=SCHEMA,
    )
