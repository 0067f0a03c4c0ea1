"""population.summarise: per-feature distributions by outcome, as the explanation service reads them."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from credit_core import population
from credit_core.explain.population import Population


@pytest.fixture
def frame() -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 5000
    income = rng.lognormal(11, 0.6, n)
    income[:10] = 1e9  # extreme outliers must not flatten the histogram
    income[10:400] = np.nan
    occupations = [f"job{i:02d}" for i in range(30)]
    occupation = rng.choice(occupations, n, p=np.r_[np.full(10, 0.07), np.full(20, 0.3 / 20)])
    df = pl.DataFrame({
        "SK_ID_CURR": np.arange(n),
        "AMT_INCOME_TOTAL": income,
        "CNT_CHILDREN": rng.integers(0, 4, n).astype(float),
        "OCCUPATION_TYPE": [None if i % 50 == 0 else str(v) for i, v in enumerate(occupation)],
        "CONSTANT": np.ones(n),
    }).with_columns(pl.col("AMT_INCOME_TOTAL").fill_nan(None))
    target = (rng.random(n) < 0.1).astype(int)
    return df, target


def test_numeric_summary(frame: tuple[pl.DataFrame, np.ndarray]) -> None:
    df, y = frame
    s = population.summarise(df, y)["features"]["AMT_INCOME_TOTAL"]
    assert s["kind"] == "numeric" and not s["discrete"]
    assert len(s["edges"]) == population.N_BINS + 1
    assert s["edges"][-1] < 1e8  # 99th percentile, not the outliers
    missing = s["missing"]["repaid"] + s["missing"]["defaulted"]
    assert missing == 390
    assert sum(s["counts"]["repaid"]) + sum(s["counts"]["defaulted"]) + missing == df.height
    assert s["above"]["repaid"] + s["above"]["defaulted"] >= 10
    assert len(s["percentiles"]) == 101 and s["percentiles"] == sorted(s["percentiles"])
    assert s["max"] == 1e9
    present = ~np.isnan(df["AMT_INCOME_TOTAL"].fill_null(np.nan).to_numpy())
    assert sum(s["counts"]["defaulted"]) == int(y[present].sum())


def test_bin_counts_match_naive_binning() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 500, 20_000).astype(float)  # integers: no value sits on a (rounded) edge
    values[:300] = rng.integers(-10_000, 10_000, 300)  # tails beyond the 1-99 % range
    y = (rng.random(values.size) < 0.2).astype(np.int64)
    s = population.summarise_numeric(values, y)
    edges = np.array(s["edges"])
    bins = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    for label, outcome in (("repaid", 0), ("defaulted", 1)):
        assert s["counts"][label] == np.bincount(bins[y == outcome], minlength=len(edges) - 1).tolist()
        assert s["below"][label] == int(((values < edges[0]) & (y == outcome)).sum())
        assert s["above"][label] == int(((values > edges[-1]) & (y == outcome)).sum())
    np.testing.assert_allclose(s["percentiles"], np.quantile(values, np.linspace(0, 1, 101)), rtol=1e-5)


def test_discrete_numeric_gets_one_bin_per_value(frame: tuple[pl.DataFrame, np.ndarray]) -> None:
    df, y = frame
    s = population.summarise(df, y)["features"]["CNT_CHILDREN"]
    assert s["discrete"] and len(s["edges"]) == 5
    values = df["CNT_CHILDREN"].to_numpy()
    for k in range(4):
        assert s["edges"][k] < k < s["edges"][k + 1]
        assert s["counts"]["repaid"][k] == int(((values == k) & (y == 0)).sum())
    const = population.summarise(df, y)["features"]["CONSTANT"]
    assert const["edges"] == [0.5, 1.5] and const["counts"]["repaid"] == [int((y == 0).sum())]


def test_categorical_summary_groups_rare_categories(frame: tuple[pl.DataFrame, np.ndarray]) -> None:
    df, y = frame
    s = population.summarise(df, y)["features"]["OCCUPATION_TYPE"]
    values = [c["value"] for c in s["categories"]]
    assert len(values) == population.TOP_CATEGORIES + 1 and values[-1] == population.OTHER_CATEGORY
    assert s["missing"]["repaid"] + s["missing"]["defaulted"] == 100
    total = sum(c["repaid"] + c["defaulted"] for c in s["categories"])
    assert total + 100 == df.height
    first = s["categories"][0]
    mask = (df["OCCUPATION_TYPE"] == first["value"]).fill_null(False).to_numpy()
    assert first["defaulted"] == int(y[mask].sum())
    assert first["default_rate"] == pytest.approx(y[mask].mean(), rel=1e-5)


def test_unlabelled_rows_are_left_out_and_probability_is_summarised(frame: tuple[pl.DataFrame, np.ndarray]) -> None:
    df, y = frame
    target = pl.Series([None if i < 1000 else int(v) for i, v in enumerate(y)], dtype=pl.Int64)
    proba = np.linspace(0.01, 0.9, df.height)
    s = population.summarise(df, target, proba)
    assert s["n"]["repaid"] + s["n"]["defaulted"] == df.height - 1000
    assert s["probability"]["percentiles"][0] == pytest.approx(proba[1000], rel=1e-5)
    assert "SK_ID_CURR" not in s["features"]


def test_json_small_and_readable_by_the_explanation_service(frame: tuple[pl.DataFrame, np.ndarray]) -> None:
    df, y = frame
    summary = population.summarise(df, y)
    text = json.dumps(summary, allow_nan=False)
    assert len(text) < 20_000  # ~4 KB per feature at most
    pop = Population.from_dict(json.loads(text))
    median = summary["features"]["AMT_INCOME_TOTAL"]["percentiles"][50]
    assert pop.percentile("AMT_INCOME_TOTAL", median) == pytest.approx(50, abs=1.5)
    top = summary["features"]["OCCUPATION_TYPE"]["categories"][0]
    assert pop.default_rate("OCCUPATION_TYPE", top["value"]) == top["default_rate"]
