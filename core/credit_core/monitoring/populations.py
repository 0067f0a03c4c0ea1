"""Where the drift report's populations come from, and where its results go (table drift_report).

- reference: the bundle's training sample (`reference.parquet`) scored by the bundle now, so its probability is
  the one the service serves (the same model, calibration included);
- a window of audited decisions: each known client scored in it once (its latest decision: a client looked up
  ten times is one application, not ten), with its stored features and the probability the decision recorded.
  New applications (audited by hash only, their inputs not kept) are not part of it;
- a Kaggle-format folder: built by the caller (credit_pipeline), scored here by the bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import numpy as np
import orjson
import polars as pl

from credit_core import feature_store, features, model
from credit_core.model import ModelBundle
from credit_core.monitoring.drift import Population
from credit_core.monitoring.outcomes import LABELLED

_WINDOW = """
SELECT DISTINCT ON (d.client_id) d.client_id, d.probability, f.sk_id_curr, f.numeric, f.categorical
FROM decision d JOIN client_feature f ON f.sk_id_curr = d.client_id
WHERE d.model_version = $1 AND d.created_at >= $2 AND d.created_at < $3
ORDER BY d.client_id, d.id DESC
"""
_OUTCOMES = f"""
SELECT defaulted, probability FROM ({LABELLED}) labelled
WHERE model_version = $1 AND created_at >= $2 AND created_at < $3 AND defaulted IS NOT NULL
"""
_STORE = """
INSERT INTO drift_report (model_version, window_start, window_end, source, n_current, drifted_share, summary,
                          html_path)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id, created_at
"""
_LATEST = """
SELECT DISTINCT ON (model_version) id, model_version, created_at, window_start, window_end, source, n_current,
       drifted_share, summary, html_path
FROM drift_report {where} ORDER BY model_version, id DESC
"""


def scored(bundle: ModelBundle, frame: pl.DataFrame) -> Population:
    """Catalogue features scored by the bundle (its served probability)."""
    selected = frame.select(features.FEATURE_NAMES)
    return Population(selected, bundle.predict_proba(bundle.to_model_input(selected)))


def reference(bundle: ModelBundle) -> Population:
    """The bundle's training sample and the served probability on it."""
    path = bundle.path / model.REFERENCE_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: this bundle has no reference sample (train it again)")
    return scored(bundle, pl.read_parquet(path))


async def window(conn: asyncpg.Connection, model_version: str, start: datetime, end: datetime) -> Population:
    """The known clients the version scored in [start, end), with their stored features."""
    rows = await conn.fetch(_WINDOW, model_version, start, end)
    frame = feature_store.decode(rows)
    return Population(frame.select(features.FEATURE_NAMES),
                      np.array([r["probability"] for r in rows], dtype=np.float64))


async def window_outcomes(conn: asyncpg.Connection, model_version: str, start: datetime, end: datetime
                          ) -> tuple[np.ndarray, np.ndarray]:
    """(defaulted, probability) of the window's decisions whose outcome is known."""
    rows = await conn.fetch(_OUTCOMES, model_version, start, end)
    return (np.array([r["defaulted"] for r in rows], dtype=bool),
            np.array([r["probability"] for r in rows], dtype=np.float64))


async def store(conn: asyncpg.Connection, summary: dict[str, Any], *, html_path: str | None,
                window_bounds: tuple[datetime | None, datetime | None] = (None, None)) -> int:
    """Keep a report's summary (and where its HTML is); its id."""
    row = await conn.fetchrow(_STORE, summary["model_version"], window_bounds[0], window_bounds[1],
                              summary.get("source", ""), summary["n_current"], summary["drifted_share"],
                              orjson.dumps(summary).decode(), html_path)
    assert row is not None
    return int(row["id"])


async def latest(conn: asyncpg.Connection, versions: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The latest stored report of each model version (of `versions` when given)."""
    if versions is None:
        rows = await conn.fetch(_LATEST.format(where=""))
    else:
        rows = await conn.fetch(_LATEST.format(where="WHERE model_version = ANY($1::text[])"), list(versions))
    return [{**dict(r), "summary": orjson.loads(r["summary"]) if isinstance(r["summary"], str) else r["summary"]}
            for r in rows]


async def report_html_path(conn: asyncpg.Connection, report_id: int) -> str | None:
    value = await conn.fetchval("SELECT html_path FROM drift_report WHERE id = $1", report_id)
    return None if value is None else str(value)
