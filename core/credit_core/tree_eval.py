"""A CatBoost model's oblivious trees as arrays, evaluated by a small compiled loop: scoring without a Pool.

Building a CatBoost Pool costs ~0.2 ms plus ~30 µs a row (object arrays), so a one-client score spent ~0.5 ms
of CPU in CatBoost's Python/C++ glue for ~10 µs of arithmetic, and numpy formulations of the trees cost ~10 µs
a client in a batch. Here the trees are a few arrays walked by one numba kernel (compiled once, cached on
disk; it releases the GIL), reading the stored feature encoding directly (float64 numeric matrix + categorical
strings, see credit_core.feature_store), with CatBoost's own rules:
- a float split is `float32(value) > border` (CatBoost compares in float32); a NaN goes to the side its
  feature's `nan_value_treatment` says (AsTrue: right, otherwise left, as `NaN > border` is False);
- a one-hot split is `hash(category) == value`, with CatBoost's own category hash (computed by CatBoost once
  per distinct string, then cached);
- split k of a tree sets bit k of the leaf index (trees shorter than the model's depth are padded with a
  split that is never true);
- leaf values are summed tree after tree in float64 (the order CatBoost adds them in), then scale and bias;
  P(default) = 1 / (1 + exp(-raw)) with the C library's exp, like CatBoost.
tests/core/test_tree_eval.py checks the result against CatBoost's own predictions, bit for bit, and the
scoring service checks it again on every model it loads.

Models with splits this does not know (CTRs of high-cardinality categories, text or embedding features,
non-symmetric trees, multi-class) give `None` from `compile_model`: their callers keep CatBoost's path.
"""

from __future__ import annotations

import json
import math
import operator
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numba
import numpy as np
from catboost import CatBoost, Pool

SUPPORTED_SPLITS = frozenset({"FloatFeature", "OneHotFeature"})
MAX_CACHED_CATEGORIES = 100_000


@numba.njit(nogil=True, cache=True)
def _evaluate(values, column, border, leaf_values, scale, bias, raw, probability):  # pragma: no cover - compiled
    # Branch-free on the data: every split is `values[i, column] > border` (see TreeEnsemble._split_values).
    trees, depth = column.shape
    for i in range(values.shape[0]):
        row = values[i]
        total = 0.0
        for t in range(trees):
            leaf = 0
            for d in range(depth):
                leaf |= np.int64(row[column[t, d]] > border[t, d]) << d
            total += leaf_values[t, leaf]
        raw[i] = scale * total + bias
        probability[i] = 1.0 / (1.0 + math.exp(-raw[i]))


@dataclass
class TreeEnsemble:
    """Oblivious trees over `numeric_names` (float64 columns) and `categorical_names` (strings).

    Every split (tree t, level d) is `values[split_column[t, d]] > split_border[t, d]` over one float32 row per
    client: the numeric features, then one 0/1 indicator per one-hot test (`indicator_column`, a position in
    `onehot_columns`, equals `indicator_value`). A level a short tree lacks compares with +inf: never true."""

    numeric_names: list[str]
    categorical_names: list[str]
    split_column: np.ndarray  # (trees, depth) int64
    split_border: np.ndarray  # (trees, depth) float32
    nan_is_right: np.ndarray  # per numeric column: True when NaN goes right (AsTrue)
    onehot_columns: list[int]  # the categorical columns some one-hot split reads
    indicator_column: np.ndarray  # per one-hot test: its position in onehot_columns
    indicator_value: np.ndarray  # per one-hot test: the int64 category hash it looks for
    leaf_values: np.ndarray  # (trees, 2**depth) float64
    scale: float
    bias: float
    missing_category: str | None = None  # what a missing (None) category was trained as
    _hashes: dict[str | None, int] = field(default_factory=dict, repr=False)
    _nan_right_columns: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._nan_right_columns = np.flatnonzero(self.nan_is_right)

    @property
    def depth(self) -> int:
        return int(self.split_column.shape[1])

    @property
    def onehot_value(self) -> np.ndarray:
        """The category hashes the one-hot splits test."""
        return self.indicator_value

    def raw_scores(self, numeric: np.ndarray, categorical: Sequence[Sequence[str | None]]) -> np.ndarray:
        """Log-odds per row. `numeric`: (rows, len(numeric_names)) float64, NaN = missing; `categorical`: rows of
        strings in `categorical_names` order (None = missing, when the ensemble knows `missing_category`)."""
        return self._evaluate(numeric, categorical)[0]

    def predict_proba(self, numeric: np.ndarray, categorical: Sequence[Sequence[str | None]]) -> np.ndarray:
        """P(class 1) per row."""
        return self._evaluate(numeric, categorical)[1]

    def _evaluate(self, numeric: np.ndarray, categorical: Sequence[Sequence[str | None]]
                  ) -> tuple[np.ndarray, np.ndarray]:
        rows = len(numeric)
        raw, probability = np.empty(rows), np.empty(rows)
        _evaluate(self._split_values(numeric, categorical), self.split_column, self.split_border,
                  self.leaf_values, self.scale, self.bias, raw, probability)
        return raw, probability

    def _split_values(self, numeric: np.ndarray, categorical: Sequence[Sequence[str | None]]) -> np.ndarray:
        """(rows, numeric columns + one-hot tests) float32: what the splits compare with their borders."""
        n_numeric = len(self.numeric_names)
        values = np.empty((len(numeric), n_numeric + len(self.indicator_value)), dtype=np.float32)
        values[:, :n_numeric] = numeric  # CatBoost compares in float32
        if self._nan_right_columns.size:  # NaN > border is False: make the AsTrue ones +inf
            block = values[:, self._nan_right_columns]
            values[:, self._nan_right_columns] = np.where(np.isnan(block), np.inf, block)
        if len(self.indicator_value):
            hashes = self._category_hashes(categorical)
            values[:, n_numeric:] = hashes[:, self.indicator_column] == self.indicator_value
        return values

    def _category_hashes(self, categorical: Sequence[Sequence[str | None]]) -> np.ndarray:
        """(rows, len(onehot_columns)) int64 hashes of the categories the one-hot splits read."""
        width = len(self.onehot_columns)
        pick = operator.itemgetter(*self.onehot_columns)
        picked = list(chain.from_iterable(map(pick, categorical))) if width > 1 else list(map(pick, categorical))
        lookup = self._hashes.__getitem__
        try:
            flat = np.fromiter(map(lookup, picked), dtype=np.int64, count=len(picked))
        except KeyError:  # a category not hashed yet: hash every new one at once, then look up again
            self._learn(set(picked) - self._hashes.keys())
            flat = np.fromiter(map(lookup, picked), dtype=np.int64, count=len(picked))
        return flat.reshape(len(categorical), width)

    def _learn(self, new: set[str | None]) -> None:
        if len(self._hashes) > MAX_CACHED_CATEGORIES:  # category vocabularies are small; never grow unbounded
            self._hashes.clear()
        if None in new:
            if self.missing_category is None:
                raise ValueError("a category is missing and the ensemble was not told how the model saw those")
            self._hashes[None] = category_hashes([self.missing_category])[self.missing_category]
            new.discard(None)
        self._hashes.update(category_hashes(sorted(new - self._hashes.keys())))


def category_hashes(values: Sequence[str]) -> dict[str, int]:
    """CatBoost's hash of each string as its model files store one-hot split values: the low 32 bits (signed)
    of CityHash64, which CatBoost also uses for group ids, so it hands it out through Pool.get_group_id_hash."""
    if not values:
        return {}
    hashed = Pool(np.zeros((len(values), 1)), group_id=list(values)).get_group_id_hash()
    return {text: int(np.uint64(h) & np.uint64(0xFFFFFFFF)) - (1 << 32) * bool(int(h) & 0x80000000)
            for text, h in zip(values, hashed, strict=True)}


def compile_model(model: CatBoost, numeric_names: Sequence[str], categorical_names: Sequence[str],
                  missing_category: str | None = None) -> TreeEnsemble | None:
    """The model as a TreeEnsemble reading columns by name, or None if it uses what this module does not know.
    `missing_category`: the placeholder a missing category was trained as (lets rows carry None)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.json"
        model.save_model(str(path), format="json")
        spec = json.loads(path.read_text())
    if set(spec) - {"features_info", "model_info", "oblivious_trees", "scale_and_bias"}:
        return None  # e.g. non-symmetric trees
    info = spec["features_info"]
    if set(info) - {"float_features", "categorical_features"} or not spec.get("oblivious_trees"):
        return None
    scale, biases = spec["scale_and_bias"]
    if len(biases) != 1:
        return None  # multi-dimensional output
    numeric_index = {name: j for j, name in enumerate(numeric_names)}
    categorical_index = {name: j for j, name in enumerate(categorical_names)}
    try:
        float_col = {f["feature_index"]: numeric_index[f["feature_id"]] for f in info["float_features"]}
        cat_col = {f["feature_index"]: categorical_index[f["feature_id"]] for f in info.get("categorical_features", [])}
    except KeyError:
        return None  # the model reads a column these names do not have
    nan_is_right = np.zeros(len(numeric_names), dtype=np.bool_)
    for f in info["float_features"]:
        nan_is_right[float_col[f["feature_index"]]] = f.get("nan_value_treatment") == "AsTrue"

    trees = spec["oblivious_trees"]
    if any(s["split_type"] not in SUPPORTED_SPLITS for t in trees for s in t["splits"]) or any(
            len(t["leaf_values"]) != 2 ** len(t["splits"]) for t in trees):
        return None
    onehot_columns = sorted({cat_col[s["cat_feature_index"]] for t in trees for s in t["splits"]
                             if s["split_type"] == "OneHotFeature"})
    onehot_position = {column: k for k, column in enumerate(onehot_columns)}
    indicators: dict[tuple[int, int], int] = {}  # (position in onehot_columns, hash) -> indicator
    # CatBoost may stop a tree short of the model's depth: its missing levels compare with +inf (never true,
    # bit 0) and its leaves are padded with zeros that its leaf indexes then never reach.
    depth = max(len(t["splits"]) for t in trees)
    column = np.zeros((len(trees), depth), dtype=np.int64)
    border = np.full((len(trees), depth), np.inf, dtype=np.float32)
    leaf_values = np.zeros((len(trees), 2 ** depth), dtype=np.float64)
    for t, tree in enumerate(trees):
        for d, s in enumerate(tree["splits"]):
            if s["split_type"] == "FloatFeature":
                column[t, d], border[t, d] = float_col[s["float_feature_index"]], s["border"]
            else:
                key = (onehot_position[cat_col[s["cat_feature_index"]]], s["value"])
                column[t, d] = len(numeric_names) + indicators.setdefault(key, len(indicators))
                border[t, d] = 0.5
        leaf_values[t, :len(tree["leaf_values"])] = tree["leaf_values"]
    return TreeEnsemble(
        numeric_names=list(numeric_names), categorical_names=list(categorical_names), split_column=column,
        split_border=border, nan_is_right=nan_is_right, onehot_columns=onehot_columns,
        indicator_column=np.array([position for position, _ in indicators], dtype=np.intp),
        indicator_value=np.array([value for _, value in indicators], dtype=np.int64),
        leaf_values=leaf_values, scale=float(scale), bias=float(biases[0]), missing_category=missing_category,
    )
