"""The feature pipeline on a tiny hand-made data set whose expected values are worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

from credit_core import features, homecredit
from credit_core.features import _card, build
from credit_core.features.single import typed_frame

SENTINEL = 365243.0
ALL_HISTORY = ("bureau", "bureau_balance", "previous_application", "installments_payments", "pos_cash_balance",
               "credit_card_balance")  # fmt: skip


def _rows() -> dict[str, list[dict[str, Any]]]:
    """Client 1 has every kind of history, client 2 a little, client 3 none. Listed 3, 1, 2 on purpose."""
    return {
        "application": [
            {"SK_ID_CURR": 3, "TARGET": 0, "AMT_CREDIT": 1000.0},
            {
                "SK_ID_CURR": 1, "TARGET": 1, "AMT_CREDIT": 200_000, "AMT_INCOME_TOTAL": 100_000, "AMT_ANNUITY": 10_000,
                "AMT_GOODS_PRICE": 180_000, "DAYS_BIRTH": -18_262.5, "DAYS_EMPLOYED": -3_652.5, "CNT_FAM_MEMBERS": 2,
                "EXT_SOURCE_1": 0.2, "EXT_SOURCE_2": 0.4, "FLAG_DOCUMENT_3": 1, "FLAG_DOCUMENT_5": 1,
                "FLAG_DOCUMENT_6": 0, "CODE_GENDER": "F", "NAME_CONTRACT_TYPE": "Cash loans",
            },
            {"SK_ID_CURR": 2, "TARGET": 0, "AMT_CREDIT": 50_000, "AMT_INCOME_TOTAL": 0, "DAYS_BIRTH": -10_000,
             "DAYS_EMPLOYED": SENTINEL},
        ],
        "bureau": [
            {"SK_ID_CURR": 1, "SK_ID_BUREAU": 10, "CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": 100_000,
             "AMT_CREDIT_SUM_DEBT": 40_000, "DAYS_CREDIT": -100, "CREDIT_TYPE": "Credit card", "CREDIT_DAY_OVERDUE": 0,
             "DAYS_CREDIT_ENDDATE": 200, "AMT_CREDIT_SUM_LIMIT": 5_000},
            {"SK_ID_CURR": 1, "SK_ID_BUREAU": 11, "CREDIT_ACTIVE": "Closed", "AMT_CREDIT_SUM": 50_000,
             "AMT_CREDIT_SUM_DEBT": 0, "DAYS_CREDIT": -1_000, "CREDIT_TYPE": "Consumer credit",
             "CREDIT_DAY_OVERDUE": 10, "DAYS_CREDIT_ENDDATE": -500, "DAYS_ENDDATE_FACT": -600, "CNT_CREDIT_PROLONG": 1},
            {"SK_ID_CURR": 1, "SK_ID_BUREAU": 12, "CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": 30_000,
             "AMT_CREDIT_SUM_DEBT": 20_000, "DAYS_CREDIT": -400, "CREDIT_TYPE": "Microloan",
             "DAYS_CREDIT_ENDDATE": 100},
            {"SK_ID_CURR": 2, "SK_ID_BUREAU": 20, "CREDIT_ACTIVE": "Sold", "AMT_CREDIT_SUM": 10_000,
             "DAYS_CREDIT": -50},
        ],
        "bureau_balance": [
            {"SK_ID_BUREAU": 10, "MONTHS_BALANCE": m, "STATUS": s}
            for m, s in [(0, "0"), (-1, "1"), (-2, "2"), (-13, "X"), (-14, "C")]
        ] + [{"SK_ID_BUREAU": 11, "MONTHS_BALANCE": m, "STATUS": s} for m, s in [(-20, "5"), (-21, "0")]],
        "previous_application": [
            {"SK_ID_PREV": 1, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Approved", "AMT_APPLICATION": 100_000,
             "AMT_CREDIT": 80_000, "AMT_ANNUITY": 5_000, "CNT_PAYMENT": 20, "DAYS_DECISION": -500,
             "DAYS_LAST_DUE_1ST_VERSION": 300, "DAYS_LAST_DUE": SENTINEL, "NAME_CONTRACT_TYPE": "Cash loans"},
            {"SK_ID_PREV": 2, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Refused", "AMT_APPLICATION": 50_000,
             "AMT_CREDIT": 0, "DAYS_DECISION": -200, "CODE_REJECT_REASON": "HC", "NAME_CONTRACT_TYPE": "Cash loans"},
            # Same decision day as SK_ID_PREV 2: the higher SK_ID_PREV counts as the latest.
            {"SK_ID_PREV": 3, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Approved", "AMT_APPLICATION": 20_000,
             "AMT_CREDIT": 20_000, "AMT_ANNUITY": 2_000, "CNT_PAYMENT": 12, "DAYS_DECISION": -200,
             "DAYS_LAST_DUE_1ST_VERSION": -50, "DAYS_LAST_DUE": -80, "CODE_REJECT_REASON": "XAP",
             "NAME_CONTRACT_TYPE": "Consumer loans"},
        ],
        "installments_payments": [
            # Instalment 1 of loan 1, paid in two parts; the last part 5 days late.
            _inst(1, 1, due=-400, amount=1_000, paid=600, day=-405),
            _inst(1, 1, due=-400, amount=1_000, paid=400, day=-395),
            _inst(1, 2, due=-370, amount=1_000, paid=900, day=-380),  # 10 days early, 100 short
            _inst(1, 3, due=-10, amount=1_000, paid=None, day=None),  # nothing paid yet
            _inst(3, 1, due=-300, amount=500, paid=500, day=-260),  # 40 days late
        ],
        "pos_cash_balance": [
            _pos(1, -3, 10, 8, "Active"), _pos(1, -2, 10, 7, "Active", dpd=5), _pos(1, -1, 10, 6, "Active"),
            _pos(3, -20, 12, 1, "Active"), _pos(3, -19, 12, 0, "Completed"),
        ],
        "credit_card_balance": [
            _card_month(-1, balance=5_000, limit=10_000, minimum=500, paid=300, drawings=1_000),
            _card_month(-2, balance=12_000, limit=10_000, minimum=600, paid=600, drawings=2_000, dpd=3),
            _card_month(-20, balance=0, limit=0, minimum=0, paid=0, drawings=0),
        ],
    }  # fmt: skip


def _inst(prev: int, number: int, *, due: float, amount: float, paid: float | None, day: float | None) -> dict:
    return {
        "SK_ID_PREV": prev, "SK_ID_CURR": 1, "NUM_INSTALMENT_VERSION": 1, "NUM_INSTALMENT_NUMBER": number,
        "DAYS_INSTALMENT": due, "DAYS_ENTRY_PAYMENT": day, "AMT_INSTALMENT": amount, "AMT_PAYMENT": paid,
    }  # fmt: skip


def _pos(prev: int, month: float, term: float, future: float, status: str, dpd: float = 0) -> dict:
    return {
        "SK_ID_PREV": prev, "SK_ID_CURR": 1, "MONTHS_BALANCE": month, "CNT_INSTALMENT": term,
        "CNT_INSTALMENT_FUTURE": future, "NAME_CONTRACT_STATUS": status, "SK_DPD": dpd, "SK_DPD_DEF": 0,
    }  # fmt: skip


def _card_month(month: float, *, balance: float, limit: float, minimum: float, paid: float, drawings: float,
                dpd: float = 0) -> dict:  # fmt: skip
    return {"SK_ID_PREV": 4, "SK_ID_CURR": 1, "MONTHS_BALANCE": month, "AMT_BALANCE": balance,
            "AMT_CREDIT_LIMIT_ACTUAL": limit, "AMT_INST_MIN_REGULARITY": minimum, "AMT_PAYMENT_TOTAL_CURRENT": paid,
            "AMT_DRAWINGS_CURRENT": drawings, "SK_DPD": dpd, "SK_DPD_DEF": 0}  # fmt: skip


def _tables(names: tuple[str, ...] = ("application", *ALL_HISTORY)) -> dict[str, pl.DataFrame]:
    rows = _rows()
    return {name: typed_frame(homecredit.TABLES_BY_NAME[name], rows[name]) for name in names}


@pytest.fixture(scope="module")
def out() -> dict[int, dict[str, Any]]:
    frame = features.build_features(_tables())
    return {row["SK_ID_CURR"]: row for row in frame.iter_rows(named=True)}


def _close(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        got = actual[name]
        if value is None or isinstance(value, str):
            assert got == value, name
        else:
            assert got is not None and math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-12), (name, got, value)


def test_output_layout_matches_the_catalogue() -> None:
    frame = features.build_features(_tables())
    assert frame.columns == ["SK_ID_CURR", *features.FEATURE_NAMES]
    assert frame["SK_ID_CURR"].to_list() == [3, 1, 2]  # application order kept
    assert frame.schema["SK_ID_CURR"] == pl.Int64
    for f in features.CATALOGUE:
        assert frame.schema[f.name] == (pl.String if f.kind == "categorical" else pl.Float64), f.name


def test_application_ratios_and_scores(out: dict[int, dict[str, Any]]) -> None:
    _close(out[1], {
        "CREDIT_TO_INCOME": 2.0, "ANNUITY_TO_INCOME": 0.1, "ANNUITY_TO_CREDIT": 0.05, "CREDIT_TERM": 20.0,
        "GOODS_TO_CREDIT": 0.9, "CREDIT_OVER_GOODS": 20_000.0, "GOODS_TO_INCOME": 1.8, "INCOME_PER_PERSON": 50_000.0,
        "AGE_YEARS": 50.0, "YEARS_EMPLOYED": 10.0, "EMPLOYED_TO_AGE": 0.2, "EMPLOYMENT_UNKNOWN": 0.0,
        "EXT_SOURCE_MEAN": 0.3, "EXT_SOURCE_MIN": 0.2, "EXT_SOURCE_MAX": 0.4, "EXT_SOURCE_STD": math.sqrt(0.02),
        "EXT_SOURCE_PROD": None, "EXT_SOURCE_WEIGHTED": (0.2 + 2 * 0.4) / 3, "EXT_SOURCE_MISSING": 1.0,
        "DOCUMENT_COUNT": 2.0, "CODE_GENDER": "F", "NAME_CONTRACT_TYPE": "Cash loans", "OCCUPATION_TYPE": None,
    })  # fmt: skip
    # Client 3 gave only AMT_CREDIT: the 71 other counted inputs (duplicated building columns and the
    # document flags are not counted) are missing.
    _close(out[3], {
        "MISSING_COUNT": 71.0, "EXT_SOURCE_MISSING": 3.0, "EXT_SOURCE_MEAN": None, "EXT_SOURCE_WEIGHTED": None,
        "DOCUMENT_COUNT": None, "BUREAU_REQUESTS_TOTAL": None,
    })  # fmt: skip


def test_employment_sentinel_and_zero_income(out: dict[int, dict[str, Any]]) -> None:
    # DAYS_EMPLOYED = 365243 means "no current employment": unknown tenure, flagged; 0 income gives no ratio.
    _close(out[2], {"YEARS_EMPLOYED": None, "EMPLOYED_TO_AGE": None, "EMPLOYMENT_UNKNOWN": 1.0,
                    "CREDIT_TO_INCOME": None, "ANNUITY_TO_INCOME": None})  # fmt: skip
    assert out[3]["EMPLOYMENT_UNKNOWN"] is None  # not given is not the sentinel


def test_bureau_and_bureau_balance(out: dict[int, dict[str, Any]]) -> None:
    _close(out[1], {
        "BUREAU_COUNT": 3.0, "BUREAU_ACTIVE_COUNT": 2.0, "BUREAU_ACTIVE_SHARE": 2 / 3, "BUREAU_BAD_DEBT_COUNT": 0.0,
        "BUREAU_CARD_COUNT": 1.0, "BUREAU_MICROLOAN_COUNT": 1.0, "BUREAU_SECURED_COUNT": 0.0,
        "BUREAU_CREDIT_TYPE_COUNT": 3.0, "BUREAU_COUNT_1Y": 1.0, "BUREAU_CREDIT_SUM_1Y": 100_000.0,
        "BUREAU_FIRST_CREDIT_DAYS_AGO": 1_000.0, "BUREAU_LAST_CREDIT_DAYS_AGO": 100.0,
        "BUREAU_CREDIT_AGE_MEAN_DAYS": 500.0, "BUREAU_ACTIVE_END_DAYS_MAX": 200.0, "BUREAU_ACTIVE_END_DAYS_MEAN": 150.0,
        "BUREAU_EARLY_CLOSE_DAYS_MEAN": 100.0, "BUREAU_CREDIT_SUM": 180_000.0, "BUREAU_CREDIT_MEAN": 60_000.0,
        "BUREAU_CREDIT_MAX": 100_000.0, "BUREAU_ACTIVE_CREDIT_SUM": 130_000.0, "BUREAU_ACTIVE_DEBT_SUM": 60_000.0,
        "BUREAU_DEBT_MAX": 40_000.0, "BUREAU_ACTIVE_DEBT_TO_CREDIT": 60 / 130, "BUREAU_ACTIVE_DEBT_TO_INCOME": 0.6,
        "BUREAU_ACTIVE_LIMIT_SUM": 5_000.0, "BUREAU_DAY_OVERDUE_MAX": 10.0, "BUREAU_OVERDUE_COUNT": 1.0,
        "BUREAU_PROLONG_SUM": 1.0,
        # Statuses: credit 10 = 0,1,2 (last 12 months), X, C; credit 11 = 5, 0 (older); X is unknown, not on time.
        "BUREAU_BAL_MONTHS": 7.0, "BUREAU_BAL_WORST_STATUS": 5.0, "BUREAU_BAL_WORST_STATUS_12M": 2.0,
        "BUREAU_BAL_LATE_SHARE": 3 / 6, "BUREAU_BAL_LATE_MONTHS_12M": 2.0, "BUREAU_BAL_LATE_SHARE_12M": 2 / 3,
        "BUREAU_BAL_EVER_LATE_COUNT": 2.0,
    })  # fmt: skip
    _close(out[2], {
        "BUREAU_COUNT": 1.0, "BUREAU_BAD_DEBT_COUNT": 1.0, "BUREAU_ACTIVE_COUNT": 0.0, "BUREAU_BAL_MONTHS": 0.0,
        "BUREAU_BAL_WORST_STATUS": None, "BUREAU_BAL_LATE_SHARE": None,
    })  # fmt: skip
    # No bureau record at all: counts and sums are 0, everything else unknown.
    _close(out[3], {"BUREAU_COUNT": 0.0, "BUREAU_ACTIVE_DEBT_SUM": 0.0, "BUREAU_ACTIVE_SHARE": None,
                    "BUREAU_CREDIT_MEAN": None, "BUREAU_BAL_EVER_LATE_COUNT": 0.0})  # fmt: skip


def test_previous_applications(out: dict[int, dict[str, Any]]) -> None:
    _close(out[1], {
        "PREV_COUNT": 3.0, "PREV_APPROVED_COUNT": 2.0, "PREV_REFUSED_COUNT": 1.0, "PREV_CANCELED_COUNT": 0.0,
        "PREV_APPROVED_SHARE": 2 / 3, "PREV_REFUSED_SHARE": 1 / 3, "PREV_COUNT_1Y": 2.0, "PREV_REFUSED_COUNT_1Y": 1.0,
        "PREV_LAST_DECISION_DAYS_AGO": 200.0, "PREV_FIRST_DECISION_DAYS_AGO": 500.0,
        "PREV_LAST_REFUSAL_DAYS_AGO": 200.0, "PREV_LAST_APPROVAL_DAYS_AGO": 200.0,
        "PREV_LAST_STATUS": "Approved", "PREV_LAST_CONTRACT_TYPE": "Consumer loans", "PREV_LAST_REJECT_REASON": "XAP",
        "PREV_LAST_AMT_CREDIT": 20_000.0, "PREV_APPROVED_CREDIT_SUM": 100_000.0,
        "PREV_ASKED_TO_GRANTED_MEAN": (1.25 + 1.0) / 2, "PREV_ASKED_TO_GRANTED_MAX": 1.25,
        "PREV_COST_SHARE_MEAN": (0.25 + 0.2) / 2, "PREV_ACTIVE_COUNT": 1.0, "PREV_ACTIVE_ANNUITY_SUM": 5_000.0,
        "PREV_ACTIVE_END_DAYS_MAX": 300.0, "PREV_EARLY_END_DAYS_MEAN": 30.0, "PREV_ACTIVE_ANNUITY_TO_INCOME": 0.05,
    })  # fmt: skip
    _close(out[2], {"PREV_COUNT": 0.0, "PREV_REFUSED_SHARE": None, "PREV_LAST_STATUS": None})


def test_instalment_payments(out: dict[int, dict[str, Any]]) -> None:
    # Instalments (split payments merged): delays 5, -10, none (unpaid), 40; shortfalls 0, 100, 1000, 0.
    _close(out[1], {
        "INST_COUNT": 4.0, "INST_LOAN_COUNT": 2.0, "INST_DELAY_MEAN": 35 / 3, "INST_DELAY_MAX": 40.0,
        "INST_LATE_SHARE": 2 / 3, "INST_LATE_COUNT": 2.0, "INST_VERY_LATE_SHARE": 1 / 3, "INST_EARLY_DAYS_MEAN": 10 / 3,
        "INST_SHORTFALL_SUM": 1_100.0, "INST_SHORTFALL_MEAN": 275.0, "INST_UNDERPAID_SHARE": 0.5,
        "INST_UNPAID_COUNT": 1.0, "INST_PAID_RATIO": 2_400 / 3_500, "INST_AMT_MEAN": 875.0,
        "INST_LAST_DUE_DAYS_AGO": 10.0, "INST_LAST_PAYMENT_DAYS_AGO": 260.0,
        # Last 12 months: the unpaid instalment (due -10) and the late one (due -300).
        "INST_COUNT_1Y": 2.0, "INST_DELAY_MEAN_1Y": 40.0, "INST_DELAY_MAX_1Y": 40.0, "INST_LATE_SHARE_1Y": 1.0,
        "INST_UNDERPAID_SHARE_1Y": 0.5, "INST_SHORTFALL_SUM_1Y": 1_000.0, "INST_PAID_RATIO_1Y": 500 / 1_500,
    })  # fmt: skip


def test_pos_cash_balance(out: dict[int, dict[str, Any]]) -> None:
    _close(out[1], {
        "POS_LOAN_COUNT": 2.0, "POS_MONTHS": 5.0, "POS_COMPLETED_COUNT": 1.0, "POS_ACTIVE_COUNT": 1.0,
        "POS_REMAINING_INSTALMENTS_SUM": 6.0, "POS_REMAINING_SHARE_MEAN": 0.6, "POS_TERM_MEAN": 11.0,
        "POS_LAST_MONTH_AGO": 1.0, "POS_DPD_MAX": 5.0, "POS_DPD_DEF_MAX": 0.0, "POS_DPD_MAX_12M": 5.0,
        "POS_DPD_MEAN": 1.0, "POS_LATE_SHARE": 0.2, "POS_LATE_DEF_SHARE": 0.0, "POS_LATE_SHARE_12M": 1 / 3,
    })  # fmt: skip


def test_credit_card_balance(out: dict[int, dict[str, Any]]) -> None:
    # Utilisation 0.5 and 1.2; the month with a 0 limit has none.
    _close(out[1], {
        "CC_MONTHS": 3.0, "CC_CARD_COUNT": 1.0, "CC_UTIL_MEAN": 0.85, "CC_UTIL_MAX": 1.2, "CC_UTIL_MEAN_3M": 0.85,
        "CC_OVER_LIMIT_MONTHS": 1.0, "CC_PAID_TO_MIN_MEAN": 0.8, "CC_BELOW_MIN_SHARE": 0.5, "CC_DPD_MAX": 3.0,
        "CC_LATE_SHARE": 1 / 3, "CC_BALANCE_MEAN_3M": 8_500.0, "CC_LIMIT_MAX": 10_000.0, "CC_LIMIT_TO_INCOME": 0.1,
        "CC_DRAWINGS_MEAN": 1_000.0, "CC_DRAWINGS_MEAN_12M": 1_500.0,
    })  # fmt: skip
    _close(out[2], {"CC_MONTHS": 0.0, "CC_UTIL_MEAN": None, "CC_LIMIT_TO_INCOME": None})


def test_absent_history_tables_give_null_features() -> None:
    only_application = features.build_features(_tables(("application",)))
    history = [f.name for f in features.CATALOGUE if f.group != "application"]
    assert only_application.select(history).null_count().row(0) == (3,) * len(history)
    full = features.build_features(_tables())
    application = [f.name for f in features.CATALOGUE if f.group == "application"]
    assert only_application.select(application).equals(full.select(application))


def test_bureau_without_bureau_balance() -> None:
    frame = features.build_features(_tables(("application", "bureau")))
    row = frame.filter(pl.col("SK_ID_CURR") == 1).row(0, named=True)
    assert row["BUREAU_COUNT"] == 3.0
    assert row["BUREAU_BAL_MONTHS"] is None and row["BUREAU_BAL_WORST_STATUS"] is None  # unknown, not zero


def test_target_is_never_used() -> None:
    tables = _tables()
    flipped = tables["application"].with_columns(TARGET=1 - pl.col("TARGET"))
    assert features.build_features(tables).equals(features.build_features({**tables, "application": flipped}))
    without = {**tables, "application": tables["application"].drop("TARGET")}
    assert features.build_features(tables).equals(features.build_features(without))


def test_lazy_inputs_and_both_engines_agree() -> None:
    tables = _tables()
    eager = features.build_features(tables)
    lazy = {name: frame.lazy() for name, frame in tables.items()}
    assert features.build_features(lazy, engine="streaming").equals(eager)
    assert features.build_features(lazy, engine="in-memory").equals(eager)


def test_loosely_typed_inputs_are_conformed() -> None:
    # e.g. a frame read without a schema: integer amounts, some columns missing altogether.
    app = pl.DataFrame({"SK_ID_CURR": [1], "AMT_CREDIT": [200_000], "AMT_INCOME_TOTAL": [100_000]})
    row = features.build_features({"application": app}).row(0, named=True)
    assert row["CREDIT_TO_INCOME"] == 2.0 and row["AMT_ANNUITY"] is None


def test_bad_table_names_are_rejected() -> None:
    tables = _tables()
    with pytest.raises(ValueError, match="application"):
        features.build_features({"bureau": tables["bureau"]})
    with pytest.raises(ValueError, match="POS_CASH_balance"):
        features.build_features({**tables, "POS_CASH_balance": tables["pos_cash_balance"]})


def test_a_group_that_drifts_from_the_catalogue_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _card.aggregate

    def drifted(tables: Any) -> Any:
        result = real(tables)
        return type(result)(result.frame.drop("CC_DPD_MAX"), result.zero_fill)

    monkeypatch.setattr(_card, "aggregate", drifted)
    monkeypatch.setattr(build, "_VERIFIED", set())
    with pytest.raises(RuntimeError, match="CC_DPD_MAX"):
        features.build_features(_tables())


def test_input_columns_are_enough_to_compute_every_feature() -> None:
    from credit_core.features.inputs import input_columns

    used = input_columns()
    assert set(used) == set(homecredit.TABLES_BY_NAME)
    assert "TARGET" not in used["application"]
    assert "AMT_CREDIT" in used["application"] and "STATUS" in used["bureau_balance"]
    assert sum(map(len, used.values())) < sum(len(t.column_names) for t in homecredit.TABLES)  # something is pruned
    tables = _tables()
    pruned = {name: frame.select(used[name]) for name, frame in tables.items()}
    assert features.build_features(pruned).equals(features.build_features(tables))
