"""One application at a time gives exactly the batch features (same code path, same values)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from credit_core import features, homecredit
from credit_core.features.single import typed_frame

HISTORY = [t.name for t in homecredit.TABLES if t is not homecredit.APPLICATION]
N_CLIENTS = 240


def _random_tables(seed: int = 11) -> dict[str, pl.DataFrame]:
    """Small Kaggle-shaped tables with varied histories: none, some, all; nulls, sentinels, ties, split payments."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, N_CLIENTS + 1)

    def num(n: int, lo: float, hi: float, missing: float = 0.0, whole: bool = False) -> list[float | None]:
        x = rng.uniform(lo, hi, n)
        x = np.floor(x) if whole else x
        return [None if rng.random() < missing else float(v) for v in x]

    def cat(n: int, values: list[str], missing: float = 0.0) -> list[str | None]:
        return [None if rng.random() < missing else str(v) for v in rng.choice(values, n)]

    n = N_CLIENTS
    application = {
        "SK_ID_CURR": ids.tolist(), "TARGET": rng.integers(0, 2, n).tolist(),
        "AMT_INCOME_TOTAL": num(n, 30_000, 300_000, 0.02), "AMT_CREDIT": num(n, 40_000, 900_000),
        "AMT_ANNUITY": num(n, 2_000, 50_000, 0.05), "AMT_GOODS_PRICE": num(n, 40_000, 800_000, 0.1),
        "DAYS_BIRTH": num(n, -25_000, -7_000, whole=True), "CNT_FAM_MEMBERS": num(n, 1, 5, 0.02, True),
        "DAYS_EMPLOYED": [365243.0 if rng.random() < 0.2 else v for v in num(n, -9_000, -10, whole=True)],
        "EXT_SOURCE_1": num(n, 0, 1, 0.5), "EXT_SOURCE_2": num(n, 0, 1, 0.05), "EXT_SOURCE_3": num(n, 0, 1, 0.2),
        "CODE_GENDER": cat(n, ["F", "M"]), "OCCUPATION_TYPE": cat(n, ["Laborers", "Core staff"], 0.3),
        "FLAG_DOCUMENT_3": num(n, 0, 2, whole=True), "AMT_REQ_CREDIT_BUREAU_YEAR": num(n, 0, 5, 0.15, True),
    }  # fmt: skip
    per_client = rng.poisson(3, n) * (rng.random(n) < 0.8)  # ~20% without bureau record
    b_curr = np.repeat(ids, per_client)
    m = b_curr.size
    b_ids = 1000 + np.arange(m)
    bureau = {
        "SK_ID_CURR": b_curr.tolist(), "SK_ID_BUREAU": b_ids.tolist(),
        "CREDIT_ACTIVE": cat(m, ["Active", "Closed", "Closed", "Sold"]),
        "CREDIT_TYPE": cat(m, ["Consumer credit", "Credit card", "Microloan", "Car loan"]),
        "DAYS_CREDIT": num(m, -2_900, -1, whole=True), "DAYS_CREDIT_ENDDATE": num(m, -2_000, 2_000, 0.1, True),
        "DAYS_ENDDATE_FACT": num(m, -2_000, -1, 0.4, True), "AMT_CREDIT_SUM": num(m, 0, 500_000),
        "AMT_CREDIT_SUM_DEBT": num(m, 0, 300_000, 0.2), "AMT_CREDIT_SUM_OVERDUE": num(m, 0, 100, 0.0),
        "CREDIT_DAY_OVERDUE": num(m, 0, 3, whole=True), "AMT_ANNUITY": num(m, 0, 20_000, 0.7),
    }  # fmt: skip
    months = rng.integers(0, 20, m) * (rng.random(m) < 0.6)
    bb_ids = np.repeat(b_ids, months)
    k = bb_ids.size
    bureau_balance = {
        "SK_ID_BUREAU": bb_ids.tolist(),
        "MONTHS_BALANCE": (-rng.integers(0, 40, k)).astype(float).tolist(),
        "STATUS": cat(k, ["0", "C", "X", "1", "2", "5"]),
    }
    p_curr = np.repeat(ids, rng.poisson(2.5, n))
    p = p_curr.size
    previous = {
        "SK_ID_PREV": (5000 + np.arange(p)).tolist(), "SK_ID_CURR": p_curr.tolist(),
        "NAME_CONTRACT_STATUS": cat(p, ["Approved", "Refused", "Canceled", "Unused offer"]),
        "NAME_CONTRACT_TYPE": cat(p, ["Cash loans", "Consumer loans"]), "CODE_REJECT_REASON": cat(p, ["XAP", "HC"]),
        # Few distinct days, so that many clients have ties on their latest decision.
        "DAYS_DECISION": (-rng.integers(1, 6, p) * 100).astype(float).tolist(),
        "AMT_APPLICATION": num(p, 0, 300_000), "AMT_CREDIT": num(p, 0, 300_000), "AMT_ANNUITY": num(p, 0, 9_000, 0.2),
        "CNT_PAYMENT": num(p, 6, 36, 0.2, True),
        "DAYS_LAST_DUE_1ST_VERSION": [365243.0 if rng.random() < 0.1 else v for v in num(p, -900, 900, 0.3, True)],
        "DAYS_LAST_DUE": [365243.0 if rng.random() < 0.2 else v for v in num(p, -900, -1, 0.3, True)],
    }  # fmt: skip
    loans = np.array(previous["SK_ID_PREV"]), np.array(previous["SK_ID_CURR"])
    counts = rng.integers(0, 8, p)
    prev_rows, curr_rows = np.repeat(loans[0], counts), np.repeat(loans[1], counts)
    number = np.concatenate([np.arange(1, c + 1) for c in counts]).astype(float) if p else np.array([])
    split = rng.random(prev_rows.size) < 0.15  # some instalments paid in two rows
    reps = 1 + split
    q = int(reps.sum())
    installments = {
        "SK_ID_PREV": np.repeat(prev_rows, reps).tolist(), "SK_ID_CURR": np.repeat(curr_rows, reps).tolist(),
        "NUM_INSTALMENT_VERSION": [1.0] * q, "NUM_INSTALMENT_NUMBER": np.repeat(number, reps).tolist(),
        "DAYS_INSTALMENT": np.repeat(-30.0 * number - 20, reps).tolist(),
        "DAYS_ENTRY_PAYMENT": num(q, -700, -1, 0.05, True), "AMT_INSTALMENT": np.repeat(num(prev_rows.size, 100, 9_000),
                                                                                           reps).tolist(),
        "AMT_PAYMENT": num(q, 0, 9_000, 0.05),
    }  # fmt: skip
    pos_counts = rng.integers(0, 6, p)
    s = int(pos_counts.sum())
    pos = {
        "SK_ID_PREV": np.repeat(loans[0], pos_counts).tolist(), "SK_ID_CURR": np.repeat(loans[1], pos_counts).tolist(),
        "MONTHS_BALANCE": (-rng.integers(1, 30, s)).astype(float).tolist(), "CNT_INSTALMENT": num(s, 6, 24, 0.05, True),
        "CNT_INSTALMENT_FUTURE": num(s, 0, 24, 0.05, True), "NAME_CONTRACT_STATUS": cat(s, ["Active", "Completed"]),
        "SK_DPD": num(s, 0, 3, whole=True), "SK_DPD_DEF": num(s, 0, 2, whole=True),
    }  # fmt: skip
    card_holders = ids[rng.random(n) < 0.3]
    cc_curr = np.repeat(card_holders, rng.integers(1, 10, card_holders.size))
    t = cc_curr.size
    cards = {
        "SK_ID_PREV": (9000 + cc_curr % 3).tolist(), "SK_ID_CURR": cc_curr.tolist(),
        "MONTHS_BALANCE": (-rng.integers(1, 20, t)).astype(float).tolist(), "AMT_BALANCE": num(t, 0, 50_000),
        "AMT_CREDIT_LIMIT_ACTUAL": num(t, 0, 60_000), "AMT_INST_MIN_REGULARITY": num(t, 0, 2_000, 0.1),
        "AMT_PAYMENT_TOTAL_CURRENT": num(t, 0, 3_000), "AMT_DRAWINGS_CURRENT": num(t, 0, 5_000),
        "SK_DPD": num(t, 0, 2, whole=True),
    }  # fmt: skip
    raw = {"application": application, "bureau": bureau, "bureau_balance": bureau_balance,
           "previous_application": previous, "installments_payments": installments, "pos_cash_balance": pos,
           "credit_card_balance": cards}  # fmt: skip
    return {name: _frame(name, columns) for name, columns in raw.items()}


def _frame(name: str, columns: dict[str, list[Any]]) -> pl.DataFrame:
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return typed_frame(homecredit.TABLES_BY_NAME[name], rows)


def _history_of(tables: dict[str, pl.DataFrame], client: int) -> dict[str, list[dict[str, Any]]]:
    history = {}
    for name in HISTORY:
        if name == "bureau_balance":
            mine = tables["bureau"].filter(pl.col("SK_ID_CURR") == client)["SK_ID_BUREAU"]
            frame = tables[name].filter(pl.col("SK_ID_BUREAU").is_in(mine.implode()))
        else:
            frame = tables[name].filter(pl.col("SK_ID_CURR") == client)
        history[name] = frame.to_dicts()
    return history


def _assert_rows_equal(single: dict[str, Any], batch: dict[str, Any]) -> None:
    assert single.keys() == batch.keys()
    for name, expected in batch.items():
        got = single[name]
        if expected is None or got is None or isinstance(expected, str):
            assert got == expected, (name, got, expected)
        else:  # summation order may differ between a 1-client and a many-client group_by
            assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), (name, got, expected)


def _varied_clients(tables: dict[str, pl.DataFrame], batch: pl.DataFrame, k: int) -> Iterator[int]:
    """Clients with the most different history profiles first (which tables they appear in)."""
    profile = batch.select(
        "SK_ID_CURR",
        *(pl.col(c).fill_null(0) > 0 for c in ("BUREAU_COUNT", "BUREAU_BAL_MONTHS", "PREV_COUNT", "INST_COUNT",
                                                 "POS_LOAN_COUNT", "CC_MONTHS")),
    )  # fmt: skip
    seen: dict[tuple[bool, ...], int] = {}
    for row in profile.iter_rows():
        seen.setdefault(tuple(row[1:]), 0)
        if seen[tuple(row[1:])] < 3:
            seen[tuple(row[1:])] += 1
            yield row[0]
            k -= 1
            if k == 0:
                return


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return _random_tables()


def test_single_application_equals_batch(tables: dict[str, pl.DataFrame]) -> None:
    batch = features.build_features({n: f.lazy() for n, f in tables.items()}, engine="streaming")
    by_id = {row["SK_ID_CURR"]: row for row in batch.iter_rows(named=True)}
    clients = list(_varied_clients(tables, batch, 30))
    assert len(clients) >= 20
    applications = {r["SK_ID_CURR"]: r for r in tables["application"].to_dicts()}
    for client in clients:
        single = features.features_for_application(applications[client], _history_of(tables, client))
        assert single.columns == batch.columns and single.schema == batch.schema
        assert single.height == 1
        _assert_rows_equal(single.row(0, named=True), by_id[client])


def test_the_data_covers_the_hard_cases(tables: dict[str, pl.DataFrame]) -> None:
    # Guards the test above against a generator that stops producing what makes it meaningful.
    batch = features.build_features(tables)
    assert (batch["BUREAU_COUNT"] == 0).sum() > 10 and (batch["BUREAU_COUNT"] >= 3).sum() > 10
    assert batch["EMPLOYMENT_UNKNOWN"].sum() > 10
    payments = tables["installments_payments"]
    assert payments.select(pl.struct("SK_ID_PREV", "NUM_INSTALMENT_NUMBER").is_duplicated().any()).item()
    prev = tables["previous_application"]
    assert prev.select(pl.struct("SK_ID_CURR", "DAYS_DECISION").is_duplicated().any()).item()


def test_without_history_every_history_feature_is_null(tables: dict[str, pl.DataFrame]) -> None:
    app = tables["application"].row(0, named=True)
    row = features.features_for_application(app).row(0, named=True)
    assert all(row[f.name] is None for f in features.CATALOGUE if f.group != "application")
    assert row["AMT_CREDIT"] == app["AMT_CREDIT"]


def test_empty_history_means_no_history_not_unknown() -> None:
    row = features.features_for_application({"SK_ID_CURR": 7}, {name: [] for name in HISTORY}).row(0, named=True)
    assert row["BUREAU_COUNT"] == 0.0 and row["PREV_COUNT"] == 0.0 and row["INST_COUNT"] == 0.0
    assert row["BUREAU_ACTIVE_SHARE"] is None and row["INST_DELAY_MEAN"] is None


def test_partial_application_without_id() -> None:
    history = {"bureau": [{"SK_ID_CURR": 999, "SK_ID_BUREAU": 1, "CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": 10}]}
    frame = features.features_for_application({"AMT_CREDIT": 300_000, "AMT_ANNUITY": 15_000}, history)
    row = frame.row(0, named=True)
    assert row["SK_ID_CURR"] is None and frame.schema["SK_ID_CURR"] == pl.Int64
    assert row["CREDIT_TERM"] == 20.0 and row["AMT_INCOME_TOTAL"] is None
    assert row["BUREAU_COUNT"] == 1.0  # history rows belong to this application whatever id they carried


def test_values_are_read_with_the_raw_schema() -> None:
    row = features.features_for_application({"SK_ID_CURR": "5", "AMT_CREDIT": "1000", "CODE_GENDER": "F"}).row(0)
    assert row[0] == 5
    with pytest.raises(ValueError, match="AMT_CREDIT"):
        features.features_for_application({"AMT_CREDIT": "a lot"})


def test_unknown_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="AMT_CREDITT"):
        features.features_for_application({"AMT_CREDITT": 1.0})
    with pytest.raises(ValueError, match="POS_CASH_balance"):
        features.features_for_application({}, {"POS_CASH_balance": []})
    with pytest.raises(ValueError, match="DAYS_CREDITT"):
        features.features_for_application({}, {"bureau": [{"DAYS_CREDITT": -1}]})


def test_single_application_equals_batch_on_generated_data(synth_dir: Path) -> None:
    from credit_pipeline.sources import scan_csv_dir

    tables = {name: frame.collect() for name, frame in scan_csv_dir(synth_dir).items()}
    batch = features.build_features(tables)
    by_id = {row["SK_ID_CURR"]: row for row in batch.iter_rows(named=True)}
    applications = {r["SK_ID_CURR"]: r for r in tables["application"].to_dicts()}
    for client in _varied_clients(tables, batch, 12):
        history = {name: rows for name, rows in _history_of(tables, client).items() if name in tables}
        single = features.features_for_application(applications[client], history)
        _assert_rows_equal(single.row(0, named=True), by_id[client])
