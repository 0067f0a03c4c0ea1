"""HTTP-free scoring: feature rows in, probabilities and decisions out (reused by routes and benchmarks)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import polars as pl
from catboost import Pool

from credit_core import feature_store, features, model, tree_eval
from credit_core.category_hash import HASH_DTYPE
from credit_core.feature_store import DIGEST_SIZE

log = logging.getLogger("credit.scoring")
REFERENCE_CHECK_ROWS = 2_000  # clients checked at load: CatBoost and the evaluator must agree bit for bit
SMALL_BATCH = 256  # up to this many records, build the model input directly (DataFrames cost more)


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """One scored row (a view of one row of Scores)."""

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


@dataclass(frozen=True, slots=True)
class Scores:
    """Scored rows column by column: a batch of 10,000 costs no object per row."""

    model_version: str
    threshold: float
    client_ids: list[int | None]
    probabilities: list[float]
    decisions: list[str]
    risk_bands: list[str]
    feature_digests: bytes  # the rows' sha256 digests (feature_store.row_digest), end to end
    application_hashes: list[str | None]

    def __len__(self) -> int:
        return len(self.probabilities)

    def feature_hash(self, i: int) -> str:
        return self.feature_digests[i * DIGEST_SIZE:(i + 1) * DIGEST_SIZE].hex()

    def feature_hashes(self) -> list[str]:
        return [self.feature_hash(i) for i in range(len(self))]

    def result(self, i: int) -> ScoreResult:
        return ScoreResult(self.client_ids[i], self.probabilities[i], self.decisions[i], self.threshold,
                           self.risk_bands[i], self.model_version, self.feature_hash(i), self.application_hashes[i])


def application_hash(application: dict[str, Any], history: dict[str, Any] | None) -> str:
    """sha256 of the canonical JSON of a new application (sorted keys, nulls dropped)."""
    canonical = {
        "application": {k: v for k, v in application.items() if v is not None},
        "history": {t: [{k: v for k, v in row.items() if v is not None} for row in rows]
                    for t, rows in (history or {}).items()},
    }
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _scores(
    bundle: Any, probabilities: np.ndarray, digests: bytes, client_ids: list[int | None],
    application_hashes: list[str | None] | None,
) -> Scores:
    threshold = float(bundle.threshold)
    return Scores(
        model_version=str(bundle.version), threshold=threshold, client_ids=client_ids,
        probabilities=probabilities.tolist(), decisions=bundle.decisions(probabilities),
        risk_bands=model.risk_bands(probabilities, threshold), feature_digests=digests,
        application_hashes=application_hashes or [None] * len(client_ids),
    )


class RecordDecoder:
    """Encoded feature rows (numeric matrix + categorical rows) straight into a bundle's CatBoost input, no
    DataFrame: for a few rows of a model the compiled tree evaluator cannot run (see _ModelRunner).

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

    def model_input(self, numeric: np.ndarray, categorical: Sequence[Sequence[str]]) -> Pool:
        out = np.empty((len(numeric), len(self.names)), dtype=object)
        out[:, self.numeric_positions] = numeric
        out[:, self.categorical_positions] = categorical
        # No feature_names: the columns are already in the bundle's order (checked at load), and naming them
        # costs ~25 % of the Pool's construction for a few rows. One thread: waking a thread pool costs more
        # than converting a few rows (and busy workers burn CPU the event loop needs).
        return Pool(out, cat_features=self._cat_list, thread_count=1)


class _ModelRunner:
    """P(default) of encoded feature rows (numeric matrix, category hashes, and the categories themselves when
    CatBoost scores; catalogue order) for one bundle: the compiled tree evaluator when the model allows it (same
    bits as CatBoost, no Pool to build), else CatBoost itself.

    In the background (the service's model loads), CatBoost scores until the evaluator is compiled and checked
    (~0.6–1 s: numba's import and cache load, the reference check), so neither startup nor an activation waits
    for it."""

    def __init__(self, bundle: Any, *, background: bool = False) -> None:
        self.bundle = bundle
        self.ensemble: tree_eval.TreeEnsemble | None = None  # set once, by _compile
        try:
            self.decoder: RecordDecoder | None = RecordDecoder(bundle)
        except KeyError:
            self.decoder = None
        self.compiled = threading.Event()
        if background:
            threading.Thread(target=self._compile, name="compile-model", daemon=True).start()
        else:
            self._compile()

    def _compile(self) -> None:
        try:
            self.ensemble = _checked_ensemble(self.bundle)
        finally:
            self.compiled.set()

    def predict_proba(self, numeric: np.ndarray, category_hashes: np.ndarray,
                      categorical: Sequence[Sequence[str | None]] | None) -> np.ndarray:
        ensemble = self.ensemble
        if ensemble is not None:
            return ensemble.predict_proba(numeric, category_hashes)
        if categorical is None:
            raise ValueError("this model is scored by CatBoost, which needs the categories themselves")
        if self.decoder is not None and len(numeric) <= SMALL_BATCH:
            return self.bundle.predict_proba(self.decoder.model_input(numeric, _filled(categorical)))
        return self.bundle.predict_proba(self.bundle.to_model_input(feature_store.to_frame(numeric, categorical)))


def _filled(categorical: Sequence[Sequence[str | None]]) -> list[list[str]]:
    """Missing categories as the model was trained on them."""
    missing = model.MISSING_CATEGORY
    return [[missing if v is None else v for v in row] for row in categorical]


def _checked_ensemble(bundle: Any) -> tree_eval.TreeEnsemble | None:
    """The bundle's model as a tree evaluator, if it can be one and it gives CatBoost's very probabilities on
    the bundle's reference clients (a sample of its training set); otherwise None: CatBoost scores."""
    version = getattr(bundle, "version", "?")
    try:
        ensemble = tree_eval.compile_model(bundle.model, features.NUMERIC_FEATURES, features.CATEGORICAL_FEATURES)
    except Exception:  # an optimisation only: never let it stop a model from being served
        log.exception("model %s: the tree evaluator failed to compile it; CatBoost scores", version)
        return None
    if ensemble is None:
        log.info("model %s: splits the tree evaluator does not know (CTRs); CatBoost scores", version)
        return None
    reference_file = Path(bundle.path) / model.REFERENCE_FILE
    if reference_file.exists():
        reference = pl.read_parquet(reference_file).head(REFERENCE_CHECK_ROWS)
        numeric = reference.select(features.NUMERIC_FEATURES).to_numpy().astype(np.float64)
        hashes = feature_store.category_hashes(reference.select(features.CATEGORICAL_FEATURES).rows())
        expected = bundle.predict_proba(bundle.to_model_input(reference))
        if ensemble.predict_proba(numeric, hashes).tolist() != expected.tolist():
            log.error("model %s: the tree evaluator disagrees with CatBoost on its reference clients; "
                      "CatBoost scores", version)
            return None
    log.info("model %s: scored by the compiled tree evaluator", version)
    return ensemble


_runners: dict[int, _ModelRunner] = {}


def _runner(bundle: Any, *, background: bool = False) -> _ModelRunner:
    cached = _runners.get(id(bundle))
    if cached is not None and cached.bundle is bundle:
        return cached
    if len(_runners) >= 4:  # the served bundle and a few predecessors (a swap is rare)
        _runners.clear()
    runner = _runners[id(bundle)] = _ModelRunner(bundle, background=background)
    return runner


def prepare(bundle: Any) -> None:
    """Start compiling the bundle's model for scoring (at load or activation), in the background: until it is
    ready, CatBoost scores (same results, more CPU)."""
    _runner(bundle, background=True)


def compiling(bundle: Any) -> bool:
    """Whether the bundle's evaluator is still being compiled in the background (see prepare)."""
    runner = _runners.get(id(bundle))
    return runner is not None and runner.bundle is bundle and not runner.compiled.is_set()


def needs_categories(bundle: Any) -> bool:
    """Whether scoring this bundle needs the category strings (CatBoost scores it), not only their hashes."""
    return _runner(bundle).ensemble is None


def score_encoded(
    bundle: Any, client_ids: list[int | None], numeric: Sequence[bytes], category_hashes: Sequence[bytes],
    feature_digests: Sequence[bytes], categorical: Sequence[Sequence[str | None]] | None,
    application_hashes: list[str | None] | None = None,
) -> Scores:
    """Score feature rows in client_feature's encoding (feature_store): numeric vectors, category hashes and
    row digests as bytes, per row; the categories themselves are needed only when needs_categories()."""
    n = len(numeric)
    matrix = np.frombuffer(b"".join(numeric), dtype="<f8").reshape(n, len(features.NUMERIC_FEATURES))
    hashes = np.frombuffer(b"".join(category_hashes), dtype=HASH_DTYPE).reshape(n, len(features.CATEGORICAL_FEATURES))
    probabilities = _runner(bundle).predict_proba(matrix, hashes, categorical) if n else np.empty(0)
    return _scores(bundle, probabilities, b"".join(feature_digests), client_ids, application_hashes)


def score_records(bundle: Any, records: Sequence[Any]) -> Scores:
    """Score client_feature records as feature_store.fetch_for_scoring reads them."""
    return score_encoded(
        bundle, [r["sk_id_curr"] for r in records], [r["numeric"] for r in records],
        [r["category_hashes"] for r in records], [r["feature_hash"] for r in records],
        [r["categorical"] for r in records] if needs_categories(bundle) else None,
    )


def score_applications(
    bundle: Any, applications: Sequence[tuple[dict[str, Any], dict[str, Any] | None]]
) -> Scores:
    """Score new applications through the one feature pipeline (batched: see credit_scoring.applications)."""
    from credit_scoring.applications import application_features

    rows = [dict(zip(feature_store.COLUMNS, record, strict=True))
            for record in feature_store.encode(application_features(applications))]
    return score_encoded(
        bundle, [a.get("SK_ID_CURR") for a, _ in applications], [r["numeric"] for r in rows],
        [r["category_hashes"] for r in rows], [r["feature_hash"] for r in rows], [r["categorical"] for r in rows],
        [application_hash(a, h) for a, h in applications],
    )
