"""A CatBoost model's oblivious trees as arrays, evaluated by a small compiled loop: scoring without a Pool.

Building a CatBoost Pool costs ~0.2 ms plus ~30 µs a row (object arrays), so a one-client score spent ~0.5 ms
of CPU in CatBoost's Python/C++ glue for ~10 µs of arithmetic, and numpy formulations of the trees cost ~10 µs
a client in a batch. Here the trees are a few arrays walked by one numba kernel (credit_core._tree_kernel:
compiled once, cached on disk, loaded on first use; it releases the GIL), reading the stored feature encoding
directly (float64 numeric matrix + the int32 hashes of the categories, see credit_core.feature_store and
credit_core.category_hash), with CatBoost's own rules:
- a float split is `float32(value) > border` (CatBoost compares in float32); a NaN goes to the side its
  feature's `nan_value_treatment` says (AsTrue: right, otherwise left, as `NaN > border` is False);
- a one-hot split is `hash(category) == value`, with CatBoost's own category hash;
- split k of a tree sets bit k of the leaf index (trees shorter than the model's depth are padded with a
  split that is never true);
- leaf values are summed tree after tree in float64 (the order CatBoost adds them in), then scale and bias;
  P(default) = 1 / (1 + exp(-raw)) with the C library's exp, like CatBoost.
tests/core/test_tree_eval.py checks the result against CatBoost's own predictions, bit for bit, and the
scoring service checks it again on every model it loads.

Models with splits this does not know (CTRs: target statistics of categories with more values than
`one_hot_max_size`, and of category combinations; text or embedding features, non-symmetric trees, multi-class)
give `None` from `compile_model`, and `compile_or_reason` says which property declined them: their callers keep
CatBoost's path and say why. CatBoost's default settings (one_hot_max_size 2, max_ctr_complexity 4) make CTRs of
this catalogue's categoricals, so a model shipped as "CatBoost's defaults" by the tuning is scored by CatBoost;
the product's own configuration one-hot encodes categories of up to 10 values, but a larger training set can still
split on a CTR of a category with more (ORGANIZATION_TYPE, OCCUPATION_TYPE: 72 of 2,184 splits of the model
tuned on 50k generated clients), and that model is scored by CatBoost too.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from catboost import CatBoost

SUPPORTED_SPLITS = frozenset({"FloatFeature", "OneHotFeature"})


@dataclass
class TreeEnsemble:
    """Oblivious trees over `numeric_names` (float64 columns) and `categorical_names` (hashed categories).

    Every split (tree t, level d) is `values[split_column[t, d]] > split_border[t, d]` over one float32 row per
    client: the numeric features, then one 0/1 indicator per one-hot test (categorical column
    `onehot_column` has hash `onehot_value`). A level a short tree lacks compares with +inf: never true."""

    numeric_names: list[str]
    categorical_names: list[str]
    split_column: np.ndarray  # (trees, depth) int64
    split_border: np.ndarray  # (trees, depth) float32
    nan_is_right: np.ndarray  # per numeric column: True when NaN goes right (AsTrue)
    onehot_column: np.ndarray  # per one-hot test: the categorical column it reads
    onehot_value: np.ndarray  # per one-hot test: the category hash it looks for
    leaf_values: np.ndarray  # (trees, 2**depth) float64
    scale: float
    bias: float
    _nan_right_columns: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._nan_right_columns = np.flatnonzero(self.nan_is_right)

    @property
    def depth(self) -> int:
        return int(self.split_column.shape[1])

    def raw_scores(self, numeric: np.ndarray, category_hashes: np.ndarray) -> np.ndarray:
        """Log-odds per row. `numeric`: (rows, len(numeric_names)) float64, NaN = missing; `category_hashes`:
        (rows, len(categorical_names)) CatBoost hashes (credit_core.category_hash)."""
        return self._evaluate(numeric, category_hashes)[0]

    def predict_proba(self, numeric: np.ndarray, category_hashes: np.ndarray) -> np.ndarray:
        """P(class 1) per row (arguments as raw_scores)."""
        return self._evaluate(numeric, category_hashes)[1]

    def _evaluate(self, numeric: np.ndarray, category_hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from credit_core import _tree_kernel  # numba, on first use only

        rows = len(numeric)
        raw, probability = np.empty(rows), np.empty(rows)
        _tree_kernel.evaluate(self._split_values(numeric, category_hashes), self.split_column, self.split_border,
                              self.leaf_values, self.scale, self.bias, raw, probability)
        return raw, probability

    def _split_values(self, numeric: np.ndarray, category_hashes: np.ndarray) -> np.ndarray:
        """(rows, numeric columns + one-hot tests) float32: what the splits compare with their borders."""
        n_numeric = len(self.numeric_names)
        values = np.empty((len(numeric), n_numeric + len(self.onehot_value)), dtype=np.float32)
        values[:, :n_numeric] = numeric  # CatBoost compares in float32
        if self._nan_right_columns.size:  # NaN > border is False: make the AsTrue ones +inf
            block = values[:, self._nan_right_columns]
            values[:, self._nan_right_columns] = np.where(np.isnan(block), np.inf, block)
        if len(self.onehot_value):
            values[:, n_numeric:] = category_hashes[:, self.onehot_column] == self.onehot_value
        return values


def compile_model(model: CatBoost, numeric_names: Sequence[str], categorical_names: Sequence[str]
                  ) -> TreeEnsemble | None:
    """The model as a TreeEnsemble reading columns by name, or None if it uses what this module does not know."""
    compiled = compile_or_reason(model, numeric_names, categorical_names)
    return compiled if isinstance(compiled, TreeEnsemble) else None


def compile_or_reason(model: CatBoost, numeric_names: Sequence[str], categorical_names: Sequence[str]
                      ) -> TreeEnsemble | str:
    """The model as a TreeEnsemble, or why not (one sentence naming the model property this module lacks)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.json"
        model.save_model(str(path), format="json")
        spec = json.loads(path.read_text())
    for tree in spec.get("oblivious_trees") or []:
        tree["splits"] = tree["splits"] or []  # a tree without splits (one leaf) has `null` there
    reason = _unsupported(spec)
    if reason is not None:
        return reason
    info = spec["features_info"]
    scale, biases = spec["scale_and_bias"]
    numeric_index = {name: j for j, name in enumerate(numeric_names)}
    categorical_index = {name: j for j, name in enumerate(categorical_names)}
    try:
        float_col = {f["feature_index"]: numeric_index[f["feature_id"]] for f in info["float_features"]}
        cat_col = {f["feature_index"]: categorical_index[f["feature_id"]] for f in info.get("categorical_features", [])}
    except KeyError as missing:
        return f"the model reads a column the feature catalogue does not have ({missing})"
    nan_is_right = np.zeros(len(numeric_names), dtype=bool)
    for f in info["float_features"]:
        nan_is_right[float_col[f["feature_index"]]] = f.get("nan_value_treatment") == "AsTrue"

    trees = spec["oblivious_trees"]
    if any(len(t["leaf_values"]) != 2 ** len(t["splits"]) for t in trees):
        return "trees whose leaf count is not 2 ** depth"
    indicators: dict[tuple[int, int], int] = {}  # (categorical column, hash) -> indicator
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
                key = (cat_col[s["cat_feature_index"]], s["value"])
                column[t, d] = len(numeric_names) + indicators.setdefault(key, len(indicators))
                border[t, d] = 0.5
        leaf_values[t, :len(tree["leaf_values"])] = tree["leaf_values"]
    return TreeEnsemble(
        numeric_names=list(numeric_names), categorical_names=list(categorical_names), split_column=column,
        split_border=border, nan_is_right=nan_is_right,
        onehot_column=np.array([column for column, _ in indicators], dtype=np.intp),
        onehot_value=np.array([value for _, value in indicators], dtype=np.int64),
        leaf_values=leaf_values, scale=float(scale), bias=float(biases[0]),
    )


def _unsupported(spec: dict[str, Any]) -> str | None:
    """Why the evaluator cannot run a model given as CatBoost's JSON, or None."""
    trees = spec.get("oblivious_trees")
    if not trees:
        return "non-symmetric trees (grow_policy Depthwise or Lossguide): the evaluator walks oblivious trees only"
    splits = [s["split_type"] for t in trees for s in t["splits"]]
    unknown = Counter(kind for kind in splits if kind not in SUPPORTED_SPLITS)
    if unknown.get("OnlineCtr"):
        ctrs = spec.get("features_info", {}).get("ctrs", [])
        combined = ", some on combinations of categories" if any(len(c.get("elements", [])) > 1 for c in ctrs) else ""
        return (f"CTR splits: {unknown['OnlineCtr']} of {len(splits)} splits read target statistics of categories "
                f"(categories with more values than one_hot_max_size{combined}), which the evaluator does not compute")
    if unknown:
        return f"split kinds the evaluator does not know: {', '.join(sorted(unknown))}"
    extra = set(spec) - {"features_info", "model_info", "oblivious_trees", "scale_and_bias", "ctr_data"}
    extra |= set(spec.get("features_info", {})) - {"float_features", "categorical_features", "ctrs"}
    if extra:
        return f"model parts the evaluator does not know: {', '.join(sorted(extra))}"
    if len(spec["scale_and_bias"][1]) != 1:
        return "a multi-dimensional output (multi-class)"
    return None
