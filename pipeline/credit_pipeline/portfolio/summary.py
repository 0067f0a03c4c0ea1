"""The audit summary of a run, the same JSON whichever engine ran: what was read, which model decided, how many
clients were granted or refused, in which risk bands, and how long it took."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credit_core import decision
from credit_core.features import FEATURE_SET_VERSION
from credit_core.model import ModelBundle

BANDS = (*(band for _, band in decision.RISK_BANDS), "very high")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def rescore_summary(*, engine: str, master: str | None, inputs: Mapping[str, str], output: str, buckets: int,
                    bundle: ModelBundle, counts: Iterable[tuple[str, str, int, float]], started_at: str,
                    seconds: float, shuffle_partitions: int | None = None) -> dict[str, Any]:
    """`counts`: (decision, risk band, clients, sum of their probabilities) per group present in the output."""
    by_decision = dict.fromkeys((decision.GRANTED, decision.REFUSED), 0)
    by_band = dict.fromkeys(BANDS, 0)
    clients, probability_sum = 0, 0.0
    for verdict, band, n, total in counts:
        by_decision[verdict] += n
        by_band[band] += n
        clients += n
        probability_sum += total
    return {
        "job": "rescore", "engine": engine, "spark_master": master, "spark_shuffle_partitions": shuffle_partitions,
        "inputs": dict(inputs), "output": output,
        "layout": {"format": "parquet", "partitioned_by": "client_bucket = SK_ID_CURR mod buckets",
                   "buckets": buckets},
        "model": {"version": bundle.version, "threshold": bundle.threshold,
                  "feature_set_version": FEATURE_SET_VERSION},
        "clients": clients,
        "decisions": by_decision,
        "approval_rate": by_decision[decision.GRANTED] / clients if clients else None,
        "risk_bands": by_band,
        "mean_probability": probability_sum / clients if clients else None,
        "started_at": started_at, "finished_at": now(), "seconds": round(seconds, 3),
    }


def features_summary(*, engine: str, master: str | None, inputs: Mapping[str, str], output: str, buckets: int,
                     clients: int, started_at: str, seconds: float, shuffle_partitions: int | None = None
                     ) -> dict[str, Any]:
    return {
        "job": "features", "engine": engine, "spark_master": master, "spark_shuffle_partitions": shuffle_partitions,
        "inputs": dict(inputs), "output": output,
        "layout": {"format": "parquet", "partitioned_by": "client_bucket = SK_ID_CURR mod buckets",
                   "buckets": buckets},
        "feature_set_version": FEATURE_SET_VERSION, "clients": clients,
        "started_at": started_at, "finished_at": now(), "seconds": round(seconds, 3),
    }


def write(summary: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2) + "\n")
