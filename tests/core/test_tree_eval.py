"""The compiled tree evaluator gives CatBoost's own predictions, bit for bit, and declines models it cannot run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from catboost import CatBoostClassifier, Pool

from credit_core import tree_eval
from credit_core.category_hash import CategoryHasher, catboost_hashes

NUMERIC = ["income", "age", "ratio"]
CATEGORICAL = ["contract", "gender"]


def _data(n: int, seed: int) -> tuple[np.ndarray, list[list[str]], np.ndarray]:
    rng = np.random.default_rng(seed)
    numeric = rng.normal(0, 1, (n, len(NUMERIC)))
    numeric[rng.random((n, len(NUMERIC))) < 0.1] = np.nan
    contract = rng.choice(["Cash loans", "Revolving loans", "Consumer"], n)
    gender = rng.choice(["F", "M", "XNA"], n)
    categorical = [[c, g] for c, g in zip(contract, gender, strict=True)]
    logit = np.nan_to_num(numeric[:, 0]) - (contract == "Revolving loans") + 0.5 * (gender == "M")
    target = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return numeric, categorical, target


def _frame(numeric: np.ndarray, categorical: list[list[str]], columns: list[str]) -> pd.DataFrame:
    """Columns in `columns` order (the model's), numerics and categoricals interleaved as in the catalogue."""
    data = {**dict(zip(NUMERIC, numeric.T, strict=True)),
            **dict(zip(CATEGORICAL, map(list, zip(*categorical, strict=True)), strict=True))}
    return pd.DataFrame({c: data[c] for c in columns})


def _fit(nan_mode: str, one_hot_max_size: int, depth: int) -> tuple[CatBoostClassifier, list[str]]:
    numeric, categorical, target = _data(600, seed=1)
    columns = ["gender", "income", "age", "contract", "ratio"]  # not the evaluator's numeric-then-categorical order
    model = CatBoostClassifier(iterations=60, depth=depth, nan_mode=nan_mode, one_hot_max_size=one_hot_max_size,
                               verbose=0, random_seed=0, thread_count=1, allow_writing_files=False)
    model.fit(_frame(numeric, categorical, columns), target, cat_features=CATEGORICAL)
    return model, columns


@pytest.mark.parametrize(("nan_mode", "depth"), [("Min", 4), ("Max", 6)])
def test_predictions_are_catboosts_bit_for_bit(nan_mode: str, depth: int) -> None:
    model, columns = _fit(nan_mode, one_hot_max_size=10, depth=depth)
    ensemble = tree_eval.compile_model(model, NUMERIC, CATEGORICAL)
    assert ensemble is not None and ensemble.depth == depth and len(ensemble.onehot_value) > 0
    numeric, categorical, _ = _data(2_000, seed=2)
    categorical[0] = ["never seen", "F"]  # an unknown category takes no one-hot branch, as in CatBoost
    expected_raw = model.predict(Pool(_frame(numeric, categorical, columns), cat_features=CATEGORICAL),
                                 prediction_type="RawFormulaVal")
    expected = model.predict_proba(Pool(_frame(numeric, categorical, columns), cat_features=CATEGORICAL))[:, 1]
    hashes = CategoryHasher().hash_rows(categorical, len(CATEGORICAL))
    assert ensemble.raw_scores(numeric, hashes).tolist() == expected_raw.tolist()
    assert ensemble.predict_proba(numeric, hashes).tolist() == expected.tolist()
    one = ensemble.predict_proba(numeric[5:6], hashes[5:6])  # a single client, as the API scores it
    assert one.tolist() == expected[5:6].tolist()


def test_category_hashes_are_catboosts() -> None:
    """The hashes of the one-hot split values of a model trained on known categories."""
    model, _ = _fit("Min", one_hot_max_size=10, depth=3)
    ensemble = tree_eval.compile_model(model, NUMERIC, CATEGORICAL)
    assert ensemble is not None
    hashes = catboost_hashes(["Cash loans", "Revolving loans", "Consumer", "F", "M", "XNA"])
    assert set(ensemble.onehot_value.tolist()) <= set(hashes.values())
    assert len(set(hashes.values())) == 6


def test_the_hasher_caches_catboosts_hashes_and_hashes_missing_as_the_placeholder() -> None:
    hasher = CategoryHasher(missing="__gone__")
    rows = [["F", None], ["M", "F"]]
    expected = catboost_hashes(["F", "M", "__gone__"])
    assert hasher.hash_rows(rows, 2).tolist() == [[expected["F"], expected["__gone__"]], [expected["M"], expected["F"]]]
    assert hasher.hash_rows(rows[:1], 2).tolist() == [[expected["F"], expected["__gone__"]]]  # from the cache
    with pytest.raises(ValueError, match="2 categories"):
        hasher.hash_rows([["F"]], 2)


def test_models_with_ctr_splits_are_declined() -> None:
    model, _ = _fit("Min", one_hot_max_size=1, depth=4)  # no one-hot: categories become CTR features
    assert tree_eval.compile_model(model, NUMERIC, CATEGORICAL) is None


def test_a_model_reading_unknown_columns_is_declined() -> None:
    model, _ = _fit("Min", one_hot_max_size=10, depth=3)
    assert tree_eval.compile_model(model, ["income", "age"], CATEGORICAL) is None


def test_a_declined_model_comes_with_the_reason() -> None:
    model, _ = _fit("Min", one_hot_max_size=1, depth=4)
    reason = tree_eval.compile_or_reason(model, NUMERIC, CATEGORICAL)
    assert isinstance(reason, str) and reason.startswith("CTR splits") and "one_hot_max_size" in reason
    unknown = tree_eval.compile_or_reason(_fit("Min", one_hot_max_size=10, depth=3)[0], ["income", "age"], CATEGORICAL)
    assert isinstance(unknown, str) and "ratio" in unknown
    compiled, _ = _fit("Min", one_hot_max_size=10, depth=3)
    assert isinstance(tree_eval.compile_or_reason(compiled, NUMERIC, CATEGORICAL), tree_eval.TreeEnsemble)
