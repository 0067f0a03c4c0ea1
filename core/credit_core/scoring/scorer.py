"""The one door to scoring with a model: `Scorer(bundle).predict(records) -> Scores`.

Everything that makes a score fast sits behind it, so following one score needs this module only:
- the compiled tree evaluator (credit_core.tree_eval): the model's symmetric trees walked by a numba kernel over
  the stored encoding of client_feature rows (float64 numeric vector + CatBoost's hashes of the categories,
  credit_core.category_hash), ~1.5 µs a client against ~0.5 ms for a CatBoost Pool of one row; same bits as
  CatBoost (checked at load on the bundle's reference clients);
- compiled in the background (`compile_in_background=True`, what the scoring service asks for when it loads or
  activates a model): CatBoost scores meanwhile, so neither startup nor an activation waits for numba;
- the CatBoost fallback, for a model the evaluator cannot run (CTR splits: CatBoost's default settings, or
  categories with more values than one_hot_max_size) or that fails the check: a Pool over an object array for a
  few rows (RecordDecoder), a polars frame above SMALL_BATCH. Logged once as a warning with the reason, which
  `Scorer.evaluator_fallback` keeps and the scoring service's /readyz shows.
A Scorer belongs to one bundle and lives as long as it is served (the scoring service's ModelHolder holds it):
nothing is cached per bundle elsewhere. The decision rule is credit_core.decision's (Scores.decided).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import asyncpg
import numpy as np
import polars as pl
from catboost import Pool

from credit_core import feature_store, features, model, tree_eval
from credit_core.category_hash import HASH_DTYPE
from credit_core.model import ModelBundle
from credit_core.scoring.application_features import Application, application_features, application_hash
from credit_core.scoring.scores import Scores

log = logging.getLogger("credit.scoring")
REFERENCE_CHECK_ROWS = 2_000  # clients checked at load: CatBoost and the evaluator must agree bit for bit
SMALL_BATCH = 256  # up to this many records, build the model input directly (DataFrames cost more)

FeatureRecord = asyncpg.Record
"""A client_feature row as feature_store.fetch_for_scoring reads it: sk_id_curr, numeric, category_hashes,
feature_hash, and categorical when `Scorer.needs_categories`."""


class Scorer:
    """P(default), decision and risk band of feature rows for one model bundle."""

    def __init__(self, bundle: ModelBundle, *, compile_in_background: bool = False) -> None:
        self.bundle = bundle
        self._ensemble: tree_eval.TreeEnsemble | None = None  # set once, by _compile
        self.evaluator_fallback: str | None = None  # why CatBoost scores this model, once known (logged once)
        try:
            self._decoder: RecordDecoder | None = RecordDecoder(bundle)
        except KeyError:
            self._decoder = None
        self.compiled = threading.Event()  # set once the evaluator is ready, or known not to be usable
        if compile_in_background:
            threading.Thread(target=self._compile, name="compile-model", daemon=True).start()
        else:
            self._compile()

    @property
    def version(self) -> str:
        return self.bundle.version

    @property
    def threshold(self) -> float:
        return self.bundle.threshold

    @property
    def compiled_evaluator(self) -> bool:
        """Whether the compiled tree evaluator scores (else CatBoost itself)."""
        return self._ensemble is not None

    @property
    def evaluator(self) -> str:
        """What scores now: "compiled" (the tree evaluator), "compiling" (CatBoost until it is ready) or "catboost"
        (for good: `evaluator_fallback` says why). Shown by the scoring service's /readyz."""
        if self._ensemble is not None:
            return "compiled"
        return "catboost" if self.compiled.is_set() else "compiling"

    @property
    def needs_categories(self) -> bool:
        """Whether predict() needs the rows' category strings (CatBoost scores), not only their hashes."""
        return self._ensemble is None

    def predict(self, records: Sequence[FeatureRecord]) -> Scores:
        """Score client_feature records (feature_store.fetch_for_scoring, with `categories=needs_categories`)."""
        return self._score_encoded(
            [r["sk_id_curr"] for r in records], [r["numeric"] for r in records],
            [r["category_hashes"] for r in records], [r["feature_hash"] for r in records],
            [r["categorical"] for r in records] if self.needs_categories else None,
        )

    def predict_applications(self, applications: Sequence[Application]) -> Scores:
        """Score new applications (raw fields, optional history) through the one feature pipeline, in one pass."""
        rows = [dict(zip(feature_store.COLUMNS, record, strict=True))
                for record in feature_store.encode(application_features(applications))]
        return self._score_encoded(
            [a.get("SK_ID_CURR") for a, _ in applications], [r["numeric"] for r in rows],
            [r["category_hashes"] for r in rows], [r["feature_hash"] for r in rows], [r["categorical"] for r in rows],
            [application_hash(a, h) for a, h in applications],
        )

    def _score_encoded(
        self, client_ids: list[int | None], numeric: Sequence[bytes], category_hashes: Sequence[bytes],
        feature_digests: Sequence[bytes], categorical: Sequence[Sequence[str | None]] | None,
        application_hashes: list[str | None] | None = None,
    ) -> Scores:
        n = len(numeric)
        matrix = np.frombuffer(b"".join(numeric), dtype="<f8").reshape(n, len(features.NUMERIC_FEATURES))
        hashes = np.frombuffer(b"".join(category_hashes), dtype=HASH_DTYPE).reshape(
            n, len(features.CATEGORICAL_FEATURES))
        probabilities = self._probabilities(matrix, hashes, categorical) if n else np.empty(0)
        return Scores.decided(self.bundle.version, float(self.bundle.threshold), probabilities,
                              b"".join(feature_digests), client_ids, application_hashes)

    def _probabilities(self, numeric: np.ndarray, category_hashes: np.ndarray,
                       categorical: Sequence[Sequence[str | None]] | None) -> np.ndarray:
        ensemble = self._ensemble
        if ensemble is not None:
            return ensemble.predict_proba(numeric, category_hashes)
        if categorical is None:
            raise ValueError("this model is scored by CatBoost, which needs the categories themselves")
        if self._decoder is not None and len(numeric) <= SMALL_BATCH:
            return self.bundle.predict_proba(self._decoder.model_input(numeric, _filled(categorical)))
        return self.bundle.predict_proba(self.bundle.to_model_input(feature_store.to_frame(numeric, categorical)))

    def _compile(self) -> None:
        try:
            compiled = evaluator_or_reason(self.bundle)
            if isinstance(compiled, str):
                self.evaluator_fallback = compiled
            else:
                self._ensemble = compiled
        finally:
            self.compiled.set()


class RecordDecoder:
    """Encoded feature rows (numeric matrix + categorical rows) straight into a bundle's CatBoost input, no
    DataFrame: for a few rows of a model the compiled tree evaluator cannot run.

    Same values as bundle.to_model_input(feature_store.decode(records)): NaN for missing numerics,
    MISSING_CATEGORY for missing categories, columns in the bundle's order.
    """

    def __init__(self, bundle: ModelBundle) -> None:
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


def _filled(categorical: Sequence[Sequence[str | None]]) -> list[list[str]]:
    """Missing categories as the model was trained on them."""
    missing = model.MISSING_CATEGORY
    return [[missing if v is None else v for v in row] for row in categorical]


def checked_ensemble(bundle: ModelBundle) -> tree_eval.TreeEnsemble | None:
    """The bundle's model as a tree evaluator, if it can be one and it gives CatBoost's very probabilities on
    the bundle's reference clients (a sample of its training set); otherwise None: CatBoost scores."""
    compiled = evaluator_or_reason(bundle)
    return None if isinstance(compiled, str) else compiled


def evaluator_or_reason(bundle: ModelBundle) -> tree_eval.TreeEnsemble | str:
    """checked_ensemble's answer, or why CatBoost must score this model (logged as a warning: the CatBoost path
    costs ~0.5 ms of CPU a client against ~1.5 µs, so an operator should know and see why)."""
    version = bundle.version
    try:
        compiled = tree_eval.compile_or_reason(bundle.model, features.NUMERIC_FEATURES, features.CATEGORICAL_FEATURES)
    except Exception as exc:  # an optimisation only: never let it stop a model from being served
        log.exception("model %s: the tree evaluator failed to compile it; CatBoost scores (slower)", version)
        return f"the tree evaluator failed to compile it: {exc!r}"
    if isinstance(compiled, str):
        log.warning("model %s is scored by CatBoost, not the compiled tree evaluator (slower): %s", version, compiled)
        return compiled
    ensemble = compiled
    reference_file = Path(bundle.path) / model.REFERENCE_FILE
    if reference_file.exists():
        reference = pl.read_parquet(reference_file).head(REFERENCE_CHECK_ROWS)
        numeric = reference.select(features.NUMERIC_FEATURES).to_numpy().astype(np.float64)
        hashes = feature_store.category_hashes(reference.select(features.CATEGORICAL_FEATURES).rows())
        expected = bundle.predict_proba(bundle.to_model_input(reference))
        if ensemble.predict_proba(numeric, hashes).tolist() != expected.tolist():
            log.error("model %s: the tree evaluator disagrees with CatBoost on its reference clients; "
                      "CatBoost scores", version)
            return "the tree evaluator disagrees with CatBoost on the bundle's reference clients"
    log.info("model %s: scored by the compiled tree evaluator", version)
    return ensemble
