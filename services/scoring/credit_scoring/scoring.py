"""HTTP-free scoring: feature rows in, probabilities and decisions out (reused by routes and benchmarks)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import polars as pl
from catboost import Pool

from credit_core import feature_store, features, model

SMALL_BATCH = 256  # up to this many records, build the model input directly (DataFrames cost more)


@dataclass(frozen=True, slots=True)
class ScoreResult:
    client_id: int | None
    probability: float
    decision: str
    threshold: float
    risk_band: str
    model_version: str
    feature_hash: str
    application_hash: str | None = None

    @property
    def margin(self) -> float:
        return self.probability - self.threshold


def feature_hash(numeric: bytes, categorical: Sequence[str | None]) -> str:
    """sha256 of one encoded feature row (same encoding as client_feature): proves what was scored."""
    digest = hashlib.sha256(numeric)
    digest.update(orjson.dumps(list(categorical)))
    return digest.hexdigest()


def application_hash(application: dict[str, Any], history: dict[str, Any] | None) -> str:
    """sha256 of the canonical JSON of a new application (sorted keys, nulls dropped)."""
    canonical = {
        "application": {k: v for k, v in application.items() if v is not None},
        "history": {t: [{k: v for k, v in row.items() if v is not None} for row in rows]
                    for t, rows in (history or {}).items()},
    }
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def score_frame(
    bundle: Any, frame: pl.DataFrame, hashes: Sequence[str], client_ids: Sequence[int | None],
    application_hashes: Sequence[str | None] | None = None,
) -> list[ScoreResult]:
    """Score feature rows (SK_ID_CURR + catalogue features), one ScoreResult per row, same order."""
    if frame.height == 0:
        return []
    return _results(bundle, bundle.predict_proba(bundle.to_model_input(frame)), hashes, client_ids,
                    application_hashes)


def _results(
    bundle: Any, probabilities: np.ndarray, hashes: Sequence[str], client_ids: Sequence[int | None],
    application_hashes: Sequence[str | None] | None,
) -> list[ScoreResult]:
    threshold = float(bundle.threshold)
    version = str(bundle.version)
    apps = application_hashes or [None] * len(hashes)
    results = []
    for i, p in enumerate(probabilities.tolist()):
        results.append(ScoreResult(
            client_id=client_ids[i], probability=float(p), decision=str(bundle.decide(p)), threshold=threshold,
            risk_band=model.risk_band(p, threshold), model_version=version, feature_hash=hashes[i],
            application_hash=apps[i],
        ))
    return results


class RecordDecoder:
    """client_feature records straight into a bundle's CatBoost input: no DataFrame on the hot path.

    Same values as bundle.to_model_input(feature_store.decode(records)): NaN for missing numerics,
    MISSING_CATEGORY for missing categories, columns in the bundle's order.
    """

    def __init__(self, bundle: Any) -> None:
        self.names = list(bundle.feature_names)
        index = {name: j for j, name in enumerate(self.names)}
        self.numeric_positions = np.array([index[n] for n in features.NUMERIC_FEATURES], dtype=np.intp)
        self.categorical_positions = np.array([index[n] for n in features.CATEGORICAL_FEATURES], dtype=np.intp)
        if len(index) != len(self.numeric_positions) + len(self.categorical_positions):
            raise KeyError("the bundle's features are not the catalogue's")
        self._cat_list = self.categorical_positions.tolist()

    def model_input(self, records: Sequence[Any]) -> Pool:
        n = len(records)
        out = np.empty((n, len(self.names)), dtype=object)
        numeric = np.frombuffer(b"".join(r["numeric"] for r in records), dtype="<f8")
        out[:, self.numeric_positions] = numeric.reshape(n, len(self.numeric_positions))
        missing = model.MISSING_CATEGORY
        out[:, self.categorical_positions] = [[missing if v is None else v for v in r["categorical"]] for r in records]
        # No feature_names: the columns are already in the bundle's order (checked at load), and naming them
        # costs ~25 % of the Pool's construction for a few rows. One thread: waking a thread pool costs more
        # than converting a few rows (and busy workers burn CPU the event loop needs).
        return Pool(out, cat_features=self._cat_list, thread_count=1)


_decoders: dict[int, tuple[Any, RecordDecoder | None]] = {}


def _decoder(bundle: Any) -> RecordDecoder | None:
    cached = _decoders.get(id(bundle))
    if cached is not None and cached[0] is bundle:
        return cached[1]
    try:
        decoder: RecordDecoder | None = RecordDecoder(bundle)
    except KeyError:
        decoder = None
    if len(_decoders) > 8:
        _decoders.clear()
    _decoders[id(bundle)] = (bundle, decoder)
    return decoder


def score_records(bundle: Any, records: Sequence[Any]) -> list[ScoreResult]:
    """Score client_feature records (as fetched by feature_store.fetch)."""
    hashes = [feature_hash(r["numeric"], r["categorical"]) for r in records]
    ids = [int(r["sk_id_curr"]) for r in records]
    decoder = _decoder(bundle)
    if decoder is not None and len(records) <= SMALL_BATCH:
        return _results(bundle, bundle.predict_proba(decoder.model_input(records)), hashes, ids, None)
    return score_frame(bundle, feature_store.decode(records), hashes, ids)


def score_applications(
    bundle: Any, applications: Sequence[tuple[dict[str, Any], dict[str, Any] | None]]
) -> list[ScoreResult]:
    """Score new applications through the one feature pipeline (batched: see credit_scoring.applications)."""
    from credit_scoring.applications import application_features

    frame = application_features(applications)
    hashes = [feature_hash(rec[2], rec[3]) for rec in feature_store.encode(frame)]
    app_hashes = [application_hash(a, h) for a, h in applications]
    ids = [a.get("SK_ID_CURR") for a, _ in applications]
    return score_frame(bundle, frame, hashes, ids, app_hashes)
