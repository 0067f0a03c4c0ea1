"""The synthetic Home Credit generator: Kaggle format, determinism, keys, volumes, risk signal."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from credit_core import homecredit
from credit_core.homecredit import Kind
from credit_pipeline.synth import _reference, generate
from credit_pipeline.synth._quantiles import QUANTILE_LEVELS, Marginal

CLIENTS = 20_000
SEED = 2024
HISTORY_FILES = [t.files[0] for t in homecredit.TABLES[1:]]
ALL_FILES = [homecredit.TRAIN_FILE, homecredit.TEST_FILE, *HISTORY_FILES, "truth.csv"]
# Kaggle rows per client (356,255 clients): the generator scales these linearly.
KAGGLE_ROWS_PER_CLIENT = {
    "bureau.csv": 1_716_428 / 356_255,
    "bureau_balance.csv": 27_299_925 / 356_255,
    "previous_application.csv": 1_670_214 / 356_255,
    "POS_CASH_balance.csv": 10_001_358 / 356_255,
    "installments_payments.csv": 13_605_401 / 356_255,
    "credit_card_balance.csv": 3_840_312 / 356_255,
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synth20k")
    return out, generate(CLIENTS, SEED, out, progress=False)


def read(path: Path) -> pl.DataFrame:
    """A generated file with the schema's types (keys and TARGET integers, text, floats)."""
    if path.name == "truth.csv":
        return pl.read_csv(path, schema={"SK_ID_CURR": pl.Int64, "PD": pl.Float64})
    table = homecredit.TABLE_BY_FILE[path.name]
    kinds = {Kind.KEY: pl.Int64, Kind.TARGET: pl.Int64, Kind.CAT: pl.String, Kind.NUM: pl.Float64}
    return pl.read_csv(path, schema={c: kinds[table.column(c).kind] for c in table.file_columns(path.name)})


@pytest.fixture(scope="module")
def data(generated: tuple[Path, dict[str, int]]) -> dict[str, pl.DataFrame]:
    out, _ = generated
    return {f: read(out / f) for f in ALL_FILES}


def rank_auc(score: np.ndarray, target: np.ndarray) -> float:
    ranks = pl.Series(np.asarray(score, dtype=float)).rank("average").to_numpy()
    positives = float(target.sum())
    negatives = len(target) - positives
    return float((ranks[target == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def contained(child: pl.Series, parent: pl.Series) -> bool:
    return bool(np.isin(child.to_numpy(), parent.to_numpy()).all())


def header(path: Path) -> list[str]:
    with path.open(newline="") as f:
        return next(csv.reader(f))


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(1_500, 11, first, progress=False)
    generate(1_500, 11, again, progress=False)
    generate(1_500, 12, other, progress=False)
    for f in ALL_FILES:
        assert (first / f).read_bytes() == (again / f).read_bytes(), f
        assert (first / f).read_bytes() != (other / f).read_bytes(), f


def test_headers_are_exactly_the_kaggle_ones(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    for f in ALL_FILES[:-1]:
        assert header(out / f) == homecredit.TABLE_BY_FILE[f].file_columns(f), f
    assert header(out / homecredit.TEST_FILE)[1] != "TARGET"
    assert header(out / "truth.csv") == ["SK_ID_CURR", "PD"]


def test_returned_counts_are_the_data_rows_written(generated: tuple[Path, dict[str, int]]) -> None:
    out, rows = generated
    assert set(rows) == set(ALL_FILES)
    for f in ALL_FILES:
        with (out / f).open("rb") as handle:
            assert sum(1 for _ in handle) - 1 == rows[f], f


def test_clients_split_86_14_with_consecutive_ids_and_truth_for_all(data: dict[str, pl.DataFrame]) -> None:
    train, test, truth = data[homecredit.TRAIN_FILE], data[homecredit.TEST_FILE], data["truth.csv"]
    assert train.height + test.height == CLIENTS
    assert 0.125 < test.height / CLIENTS < 0.149  # Kaggle: 48,744 / 356,255 = 13.7 %
    ids = np.sort(np.concatenate([train["SK_ID_CURR"].to_numpy(), test["SK_ID_CURR"].to_numpy()]))
    assert (ids == 100_002 + np.arange(CLIENTS)).all()
    assert (truth["SK_ID_CURR"].to_numpy() == ids).all()
    assert truth["PD"].is_between(0.0, 1.0, closed="none").all()
    assert set(train["TARGET"].unique()) == {0, 1}


def test_history_keys_point_to_existing_parents(data: dict[str, pl.DataFrame]) -> None:
    clients = pl.concat([data[homecredit.TRAIN_FILE]["SK_ID_CURR"], data[homecredit.TEST_FILE]["SK_ID_CURR"]])
    bureau, previous = data["bureau.csv"], data["previous_application.csv"]
    assert contained(bureau["SK_ID_CURR"], clients)
    assert bureau["SK_ID_BUREAU"].is_unique().all()
    assert contained(data["bureau_balance.csv"]["SK_ID_BUREAU"], bureau["SK_ID_BUREAU"])
    assert contained(previous["SK_ID_CURR"], clients)
    assert previous["SK_ID_PREV"].is_unique().all()
    owners = previous.select("SK_ID_PREV", pl.col("SK_ID_CURR").alias("OWNER"))
    for f in ("POS_CASH_balance.csv", "installments_payments.csv", "credit_card_balance.csv"):
        joined = data[f].select("SK_ID_PREV", "SK_ID_CURR").join(owners, on="SK_ID_PREV", how="left")
        assert joined["OWNER"].null_count() == 0, f
        assert (joined["OWNER"] == joined["SK_ID_CURR"]).all(), f
        # Repayment rows exist only for approved contracts.
        used = np.isin(previous["SK_ID_PREV"].to_numpy(), data[f]["SK_ID_PREV"].to_numpy())
        status = previous.filter(pl.Series(used))["NAME_CONTRACT_STATUS"]
        assert set(status.unique()) == {"Approved"}, f


def test_history_volumes_scale_like_kaggle(data: dict[str, pl.DataFrame]) -> None:
    for f, per_client in KAGGLE_ROWS_PER_CLIENT.items():
        assert data[f].height / CLIENTS == pytest.approx(per_client, rel=0.12), f
    assert data["bureau.csv"]["SK_ID_CURR"].n_unique() / CLIENTS == pytest.approx(305_811 / 356_255, abs=0.02)
    assert data["previous_application.csv"]["SK_ID_CURR"].n_unique() / CLIENTS == pytest.approx(
        338_857 / 356_255, abs=0.02
    )
    assert data["credit_card_balance.csv"]["SK_ID_CURR"].n_unique() / CLIENTS == pytest.approx(
        103_558 / 356_255, abs=0.02
    )


def test_values_are_encoded_like_the_kaggle_files(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    with (out / homecredit.TRAIN_FILE).open(newline="") as f:
        reader = csv.DictReader(f)
        rows = [next(reader) for _ in range(500)]
    # Integer columns are written as integers, the others as floats, missing values as empty fields.
    assert all(r["DAYS_BIRTH"].lstrip("-").isdigit() and int(r["DAYS_BIRTH"]) < 0 for r in rows)
    assert all(r["CNT_CHILDREN"].isdigit() and r["FLAG_DOCUMENT_3"] in {"0", "1"} for r in rows)
    assert all(r["AMT_INCOME_TOTAL"].endswith(".0") for r in rows)
    assert all(r["CNT_FAM_MEMBERS"].endswith(".0") for r in rows)
    assert any(r["EXT_SOURCE_1"] == "" for r in rows) and any(r["EXT_SOURCE_1"] != "" for r in rows)
    for f in ALL_FILES:
        raw = pl.read_csv(out / f, infer_schema=False)  # every field as written
        for column in raw.columns:
            assert not raw[column].is_in(["NaN", "nan", "inf", "-inf", "None"]).any(), (f, column)
    assert '"Stone, brick"' in (out / homecredit.TRAIN_FILE).read_text()  # a comma inside a category is quoted


def test_application_rules_of_the_real_file_hold(data: dict[str, pl.DataFrame]) -> None:
    app = pl.concat([data[homecredit.TRAIN_FILE].drop("TARGET"), data[homecredit.TEST_FILE]])
    sentinel = app["DAYS_EMPLOYED"] == 365243
    assert 0.16 < sentinel.mean() < 0.21
    not_employed = app["NAME_INCOME_TYPE"].is_in(["Pensioner", "Unemployed"])
    assert (sentinel == not_employed).all()
    assert ((app["ORGANIZATION_TYPE"] == "XNA") == sentinel).all()
    assert app.filter(sentinel)["OCCUPATION_TYPE"].null_count() == sentinel.sum()
    assert (app.filter(~sentinel)["DAYS_EMPLOYED"] <= 0).all()
    assert (app["DAYS_BIRTH"] < 0).all() and (app["DAYS_REGISTRATION"] <= 0).all()
    assert ((app["FLAG_OWN_CAR"] == "N") == app["OWN_CAR_AGE"].is_null()).all()
    assert (app["CNT_FAM_MEMBERS"] >= app["CNT_CHILDREN"] + 1).all()
    assert app["EXT_SOURCE_1"].null_count() / app.height == pytest.approx(0.5682, abs=0.03)
    # The building block is missing in nested layers: AVG/MODE/MEDI of a measure vanish together.
    for base in ("APARTMENTS", "FLOORSMAX", "LIVINGAREA"):
        nulls = [app[f"{base}_{s}"].is_null() for s in ("AVG", "MODE", "MEDI")]
        assert (nulls[0] == nulls[1]).all() and (nulls[0] == nulls[2]).all()
    assert (app["COMMONAREA_AVG"].is_null() | app["APARTMENTS_AVG"].is_not_null()).all()


def test_history_shows_the_real_dynamics(data: dict[str, pl.DataFrame]) -> None:
    inst, pos, card = data["installments_payments.csv"], data["POS_CASH_balance.csv"], data["credit_card_balance.csv"]
    late = (inst["DAYS_ENTRY_PAYMENT"] > inst["DAYS_INSTALMENT"]).mean()
    partial = (inst["AMT_PAYMENT"] < inst["AMT_INSTALMENT"]).mean()
    assert 0.02 < late < 0.2 and 0.02 < partial < 0.25
    assert set(data["bureau_balance.csv"]["STATUS"].unique()) == {"C", "X", "0", "1", "2", "3", "4", "5"}
    assert (data["bureau.csv"]["AMT_CREDIT_SUM_OVERDUE"] > 0).any()
    previous = data["previous_application.csv"]
    refused = previous.filter(pl.col("NAME_CONTRACT_STATUS") == "Refused")
    assert 0.12 < refused.height / previous.height < 0.19
    assert (refused["CODE_REJECT_REASON"] != "XAP").all()
    approved = previous.filter(pl.col("NAME_CONTRACT_STATUS") == "Approved")
    assert (approved["CODE_REJECT_REASON"] == "XAP").all()
    assert (pos["SK_DPD"] > 0).any() and (pos["SK_DPD_DEF"] <= pos["SK_DPD"]).all()
    assert (pos["CNT_INSTALMENT_FUTURE"] <= pos["CNT_INSTALMENT"]).all()
    assert (card["AMT_BALANCE"] > card["AMT_CREDIT_LIMIT_ACTUAL"]).any()
    assert (inst["DAYS_ENTRY_PAYMENT"] < 0).all() and (pos["MONTHS_BALANCE"] < 0).all()


def test_default_rate_is_about_8_percent(data: dict[str, pl.DataFrame]) -> None:
    assert 0.07 < data[homecredit.TRAIN_FILE]["TARGET"].mean() < 0.095
    assert data["truth.csv"]["PD"].mean() == pytest.approx(0.0807, abs=0.006)


def _train_with_truth(data: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return data[homecredit.TRAIN_FILE].join(data["truth.csv"], on="SK_ID_CURR")


def expected_auc(pd_: np.ndarray) -> float:
    """The AUC the true PDs have in expectation when each label is drawn from its own PD (ratio of expectations over
    every (defaulter, non-defaulter) pair): the oracle's strength without the luck of one draw of the labels."""
    p = np.sort(pd_)
    non_defaults_below = np.cumsum(1 - p) - (1 - p)
    return float((p * non_defaults_below).sum() / (p.sum() * (1 - p).sum() - (p * (1 - p)).sum()))


def auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """Hanley & McNeil (1982)."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    return float(np.sqrt((auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc))
                         / (positives * negatives)))


def test_oracle_auc_is_realistic(data: dict[str, pl.DataFrame]) -> None:
    """The realism band holds for the truth itself, not for one draw of the labels. Real rows: the strongest model
    on them reaches ~0.80 (application columns alone 0.76-0.77, issue 18), so the truth must do better; 0.87 caps
    how much easier than real data the generator may be (its models reach 0.97-0.99 x the oracle). The realized
    AUC moves by its sampling error around the expected one (~0.006 at 20k clients): at 20k, seeds 2024/1/2/3
    gave 0.8559/0.8655/0.8672/0.8652 for expected 0.8605/0.8609/0.8628/0.8618 (50k seed 3: 0.8606 vs 0.8621;
    356k seed 1: 0.8636 vs 0.8627), so one draw could cross 0.87 while the truth stays at 0.861-0.863: the band
    is checked on the expectation, and the draw within 4 standard errors of it."""
    train = _train_with_truth(data)
    pd_, target = train["PD"].to_numpy(), train["TARGET"].to_numpy()
    expected = expected_auc(pd_)
    assert 0.80 < expected < 0.87
    auc = rank_auc(pd_, target)
    positives = int(target.sum())
    assert abs(auc - expected) < 4 * auc_standard_error(expected, positives, len(target) - positives)


def _history_features(data: dict[str, pl.DataFrame]) -> pl.DataFrame:
    inst = data["installments_payments.csv"].group_by("SK_ID_CURR").agg(
        (pl.col("DAYS_ENTRY_PAYMENT") > pl.col("DAYS_INSTALMENT")).mean().alias("late_share"),
        (pl.col("AMT_PAYMENT") < pl.col("AMT_INSTALMENT")).mean().alias("partial_share"),
    )
    refused = data["previous_application.csv"].group_by("SK_ID_CURR").agg(
        (pl.col("NAME_CONTRACT_STATUS") == "Refused").sum().alias("refused")
    )
    bureau = (
        data["bureau_balance.csv"]
        .join(data["bureau.csv"].select("SK_ID_BUREAU", "SK_ID_CURR"), on="SK_ID_BUREAU")
        .filter(pl.col("STATUS").is_in(["1", "2", "3", "4", "5"]))
        .group_by("SK_ID_CURR")
        .agg(pl.col("STATUS").cast(pl.Int64).max().alias("worst_status"))
    )
    pos = data["POS_CASH_balance.csv"].group_by("SK_ID_CURR").agg((pl.col("SK_DPD") > 0).sum().alias("pos_late"))
    card = data["credit_card_balance.csv"].group_by("SK_ID_CURR").agg(
        (pl.col("AMT_BALANCE") > pl.col("AMT_CREDIT_LIMIT_ACTUAL")).sum().alias("over_limit")
    )
    out = data[homecredit.TRAIN_FILE].select("SK_ID_CURR", "TARGET")
    for agg in (inst, refused, bureau, pos, card):
        out = out.join(agg, on="SK_ID_CURR", how="left")
    return out.fill_null(0)


def test_history_aggregates_carry_risk_signal(data: dict[str, pl.DataFrame]) -> None:
    features = _history_features(data)
    target = features["TARGET"].to_numpy()
    assert rank_auc(features["late_share"].to_numpy(), target) > 0.6
    for name in ("partial_share", "refused", "worst_status", "pos_late", "over_limit"):
        assert rank_auc(features[name].to_numpy(), target) > 0.52, name


def test_history_features_improve_an_application_only_model(data: dict[str, pl.DataFrame]) -> None:
    from sklearn.linear_model import LogisticRegression

    app = data[homecredit.TRAIN_FILE].select(
        "SK_ID_CURR", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "DAYS_BIRTH", "DAYS_ID_PUBLISH"
    )
    table = _history_features(data).join(app, on="SK_ID_CURR")
    app_columns = ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "DAYS_BIRTH", "DAYS_ID_PUBLISH"]
    history_columns = ["late_share", "partial_share", "refused", "worst_status", "pos_late", "over_limit"]
    filled = table.with_columns(
        *(pl.col(c).is_null().cast(pl.Float64).alias(f"{c}_missing") for c in app_columns[:3]),
        *(pl.col(c).fill_null(pl.col(c).mean()) for c in app_columns),
    )
    target = filled["TARGET"].to_numpy()
    train = np.arange(filled.height) % 3 != 0

    def holdout_auc(columns: list[str]) -> float:
        x = filled.select(columns).to_numpy().astype(float)
        x = (x - x[train].mean(axis=0)) / (x[train].std(axis=0) + 1e-9)
        model = LogisticRegression(max_iter=1000).fit(x[train], target[train])
        return rank_auc(model.predict_proba(x[~train])[:, 1], target[~train])

    base_columns = [*app_columns, *(f"{c}_missing" for c in app_columns[:3])]
    application_only = holdout_auc(base_columns)
    with_history = holdout_auc(base_columns + history_columns)
    assert application_only > 0.65
    assert with_history > application_only + 0.01


def test_marginals_rebuild_the_reference_quantiles_and_spikes() -> None:
    u = (np.arange(200_000) + 0.5) / 200_000
    for table, column in (
        ("application_train", "AMT_INCOME_TOTAL"),
        ("application_train", "DAYS_EMPLOYED"),
        ("bureau", "AMT_CREDIT_SUM_DEBT"),
        ("installments_payments", "DAYS_INSTALMENT"),
    ):
        stats = _reference.column(table, column)
        values = Marginal.from_stats(stats).ppf(u)
        for q in QUANTILE_LEVELS[1:-1]:
            expected = stats["quantiles"][str(q)]
            spread = stats["quantiles"]["0.75"] - stats["quantiles"]["0.25"]
            assert abs(np.quantile(values, q) - expected) <= 0.02 * max(spread, 1.0), (column, q)
        if "spike" in stats:
            share = (values == stats["spike"]["value"]).mean() * (1 - stats["missing"])
            assert share == pytest.approx(stats["spike"]["share"], abs=0.005), column


def test_rejects_an_empty_population(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="positive"):
        generate(0, 1, tmp_path, progress=False)
