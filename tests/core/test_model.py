"""ModelBundle: load/save round trip, input conversion paths, feature-set guard, decisions and risk bands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from credit_core import features, model
from credit_core.decision import decide, decide_all, risk_band, risk_bands
from credit_core.model import FeatureSetMismatch, ModelBundle
from credit_pipeline import train as training

TINY = training.TrainConfig(iterations=40, depth=4, border_count=32, early_stopping_rounds=10, progress=False,
                            reference_size=200)


def labelled_features(n: int, seed: int) -> pl.DataFrame:
    """SK_ID_CURR, TARGET and every catalogue feature (random, with nulls); default depends on two of them."""
    rng = np.random.default_rng(seed)
    columns: dict[str, pl.Series] = {"SK_ID_CURR": pl.Series(np.arange(1000, 1000 + n), dtype=pl.Int64)}
    for name in features.FEATURE_NAMES:
        if name in features.CATEGORICAL_FEATURES:
            values = rng.choice(["A", "B", "C", None], n, p=[0.4, 0.3, 0.2, 0.1])
            columns[name] = pl.Series(name, values.tolist(), dtype=pl.String)
        else:
            values = rng.normal(0, 1, n)
            values[rng.random(n) < 0.1] = np.nan
            columns[name] = pl.Series(name, values).fill_nan(None)
    frame = pl.DataFrame(columns)
    risk = -2.0 - 1.5 * frame["EXT_SOURCE_3"].fill_null(0).to_numpy() + 1.0 * (frame["CODE_GENDER"] == "A").fill_null(
        False).to_numpy()
    target = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    return frame.with_columns(TARGET=pl.Series(target))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[training.TrainResult, pl.DataFrame]:
    frame = labelled_features(1200, 0)
    result = training.train(training.from_frame(frame), TINY, tmp_path_factory.mktemp("models"))
    return result, frame


def test_bundle_files_and_metadata(trained: tuple[training.TrainResult, pl.DataFrame]) -> None:
    result, frame = trained
    names = {p.name for p in result.path.iterdir()}
    assert names == {model.MODEL_FILE, model.METADATA_FILE, model.REPORT_FILE, model.REFERENCE_FILE,
                     model.POPULATION_FILE, model.CARD_MD_FILE, model.CARD_HTML_FILE}
    meta = json.loads((result.path / model.METADATA_FILE).read_text())
    assert result.path.name == meta["version"] == result.version
    assert [f["name"] for f in meta["features"]] == features.FEATURE_NAMES
    assert {f["name"] for f in meta["features"] if f["kind"] == "categorical"} == set(features.CATEGORICAL_FEATURES)
    assert meta["feature_set_version"] == features.FEATURE_SET_VERSION
    assert meta["n_train"] == frame.height and len(meta["training"]["fingerprint"]) == 64
    assert meta["version"].endswith(meta["training"]["fingerprint"][:6])
    assert {"catboost", "shap", "polars", "numpy", "python"} <= set(meta["libraries"])
    assert meta["costs"] == {"false_negative": 10.0, "false_positive": 1.0}
    assert 0 < meta["threshold"] < 1 and meta["metrics"]["auc"] > 0.5


def test_load_round_trip_gives_identical_predictions(trained: tuple[training.TrainResult, pl.DataFrame]) -> None:
    result, frame = trained
    bundle = ModelBundle.load(result.path)
    reference = pl.read_parquet(result.path / model.REFERENCE_FILE)
    # The reference probabilities were computed by the in-memory model before saving.
    p = bundle.predict_proba(bundle.to_model_input(reference))
    np.testing.assert_array_equal(p, reference["probability"].to_numpy())
    assert reference.columns[:2] == ["SK_ID_CURR", "TARGET"] and reference.columns[-1] == "probability"
    assert abs(reference["TARGET"].mean() - frame["TARGET"].mean()) < 0.02  # stratified
    # Log-odds and probabilities agree with CatBoost's own Probability output.
    x = bundle.to_model_input(frame)
    np.testing.assert_allclose(bundle.predict_proba(x), bundle.model.predict_proba(x)[:, 1], rtol=1e-12)
    np.testing.assert_allclose(bundle.predict_log_odds(x), np.log(p_ := bundle.predict_proba(x)) - np.log1p(-p_))


def test_small_and_batch_inputs_agree_whatever_the_column_order(
    trained: tuple[training.TrainResult, pl.DataFrame],
) -> None:
    result, frame = trained
    bundle = ModelBundle.load(result.path)
    assert frame.height > model.SMALL_BATCH_ROWS
    batch = bundle.predict_proba(bundle.to_model_input(frame))
    shuffled = frame.select(list(reversed(frame.columns)))  # extra columns and another order are fine
    for start in (0, 100, 500):
        rows = shuffled.slice(start, 7)
        np.testing.assert_array_equal(bundle.predict_proba(bundle.to_model_input(rows)), batch[start:start + 7])
    single = frame.slice(3, 1)
    assert bundle.predict_proba(bundle.to_model_input(single))[0] == batch[3]


def test_null_categories_are_the_missing_category(trained: tuple[training.TrainResult, pl.DataFrame]) -> None:
    result, frame = trained
    bundle = ModelBundle.load(result.path)
    rows = frame.head(20)
    explicit = rows.with_columns(pl.col(features.CATEGORICAL_FEATURES).fill_null(model.MISSING_CATEGORY))
    assert rows["CODE_GENDER"].null_count() > 0
    np.testing.assert_array_equal(bundle.predict_proba(bundle.to_model_input(rows)),
                                  bundle.predict_proba(bundle.to_model_input(explicit)))


def test_missing_feature_column_is_an_error(trained: tuple[training.TrainResult, pl.DataFrame]) -> None:
    bundle = ModelBundle.load(trained[0].path)
    with pytest.raises(KeyError, match="EXT_SOURCE_3"):
        bundle.to_model_input(trained[1].head(2).drop("EXT_SOURCE_3"))


def test_feature_set_mismatch_fails_at_load(trained: tuple[training.TrainResult, pl.DataFrame],
                                            tmp_path: Path) -> None:
    copy = tmp_path / "bundle"
    shutil.copytree(trained[0].path, copy)
    meta = json.loads((copy / model.METADATA_FILE).read_text())
    meta["feature_set_version"] = "fs0-000000000000"
    (copy / model.METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(FeatureSetMismatch, match="fs0-000000000000"):
        ModelBundle.load(copy)
    with pytest.raises(FeatureSetMismatch):
        ModelBundle.load(trained[0].path, feature_set_version="fs9-other")
    with pytest.raises(model.BundleError):
        ModelBundle.load(tmp_path / "nowhere")


def test_decide_and_risk_bands(trained: tuple[training.TrainResult, pl.DataFrame]) -> None:
    t = ModelBundle.load(trained[0].path).threshold
    assert decide(t, t) == "refused" and decide(np.nextafter(t, 0), t) == "granted"
    assert [risk_band(p, 0.1) for p in (0.0, 0.049, 0.05, 0.099, 0.1, 0.199, 0.2, 1.0)] == [
        "low", "low", "moderate", "moderate", "high", "high", "very high", "very high"]
    assert risk_band(t, t) == "high"
    # The batch forms give the same answers, edges included.
    edges = np.array([0.0, 0.049, 0.05, np.nextafter(0.05, 0), 0.099, 0.1, np.nextafter(0.1, 1), 0.199, 0.2, 1.0])
    assert risk_bands(edges, 0.1) == [risk_band(p, 0.1) for p in edges.tolist()]
    around = np.array([np.nextafter(t, 0), t, np.nextafter(t, 1), 0.0, 1.0])
    assert decide_all(around, t) == [decide(p, t) for p in around.tolist()] == [
        "granted", "refused", "refused", "granted", "refused"]
