"""Credit-bureau features: other lenders' credits (bureau) and their monthly statuses (bureau_balance).

bureau_balance is first reduced to one row per bureau credit, then everything is aggregated per client.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import polars as pl

from credit_core.features._expr import RECENT_DAYS, RECENT_MONTHS, aliased, c, flag, safe_div, when
from credit_core.features._group import Aggregate

GROUP = "bureau"
_LATE_STATUSES = ("1", "2", "3", "4", "5")  # 1 = 1-30 days past due ... 5 = 120+ days or written off

_COUNTS = (
    "BUREAU_COUNT",
    "BUREAU_ACTIVE_COUNT",
    "BUREAU_BAD_DEBT_COUNT",
    "BUREAU_CARD_COUNT",
    "BUREAU_MICROLOAN_COUNT",
    "BUREAU_SECURED_COUNT",
    "BUREAU_CREDIT_TYPE_COUNT",
    "BUREAU_COUNT_1Y",
    "BUREAU_CREDIT_SUM_1Y",
    "BUREAU_CREDIT_SUM",
    "BUREAU_ACTIVE_CREDIT_SUM",
    "BUREAU_ACTIVE_DEBT_SUM",
    "BUREAU_ACTIVE_LIMIT_SUM",
    "BUREAU_ACTIVE_ANNUITY_SUM",
    "BUREAU_OVERDUE_SUM",
    "BUREAU_OVERDUE_COUNT",
    "BUREAU_PROLONG_SUM",
)
_BALANCE_COUNTS = ("BUREAU_BAL_MONTHS", "BUREAU_BAL_LATE_MONTHS_12M", "BUREAU_BAL_EVER_LATE_COUNT")
BALANCE_FEATURES = (
    *_BALANCE_COUNTS,
    "BUREAU_BAL_WORST_STATUS",
    "BUREAU_BAL_WORST_STATUS_12M",
    "BUREAU_BAL_LATE_SHARE",
    "BUREAU_BAL_LATE_SHARE_12M",
)


@cache
def derived() -> dict[str, pl.Expr]:
    """Features combining bureau aggregates with the application (evaluated after the join)."""
    return {"BUREAU_ACTIVE_DEBT_TO_INCOME": safe_div(c("BUREAU_ACTIVE_DEBT_SUM"), c("AMT_INCOME_TOTAL"))}


def aggregate(tables: Mapping[str, pl.LazyFrame]) -> Aggregate | None:
    bureau = tables.get("bureau")
    if bureau is None:
        return None
    balance = tables.get("bureau_balance")
    rows = bureau.with_columns(_credit_rows())
    if balance is None:
        per_client = rows.group_by("SK_ID_CURR").agg(_credit_aggs()).with_columns(_credit_ratios())
        return Aggregate(per_client.with_columns(_no_balance()), zero_fill=_COUNTS)
    rows = rows.join(_balance_per_credit(balance), on="SK_ID_BUREAU", how="left")
    per_client = rows.group_by("SK_ID_CURR").agg(_credit_aggs() + _balance_aggs())
    per_client = per_client.with_columns(_credit_ratios() + _balance_ratios()).drop("_late", "_known", "_known_12m")
    return Aggregate(per_client, zero_fill=_COUNTS + _BALANCE_COUNTS)


@cache
def _credit_ratios() -> list[pl.Expr]:
    return [
        (c("BUREAU_ACTIVE_COUNT") / c("BUREAU_COUNT")).alias("BUREAU_ACTIVE_SHARE"),
        safe_div(c("BUREAU_ACTIVE_DEBT_SUM"), c("BUREAU_ACTIVE_CREDIT_SUM")).alias("BUREAU_ACTIVE_DEBT_TO_CREDIT"),
    ]


@cache
def _balance_ratios() -> list[pl.Expr]:
    return [
        safe_div(c("_late"), c("_known")).alias("BUREAU_BAL_LATE_SHARE"),
        safe_div(c("BUREAU_BAL_LATE_MONTHS_12M"), c("_known_12m")).alias("BUREAU_BAL_LATE_SHARE_12M"),
    ]


@cache
def _no_balance() -> list[pl.Expr]:
    """Without bureau_balance its features are unknown (null), not zero."""
    return [pl.lit(None, pl.Float64).alias(n) for n in BALANCE_FEATURES]


@cache
def _credit_rows() -> list[pl.Expr]:
    active = c("CREDIT_ACTIVE") == "Active"
    recent = c("DAYS_CREDIT") >= RECENT_DAYS
    return aliased(
        _active=flag(active),
        _bad=flag(c("CREDIT_ACTIVE").is_in(["Bad debt", "Sold"])),
        _card=flag(c("CREDIT_TYPE") == "Credit card"),
        _micro=flag(c("CREDIT_TYPE") == "Microloan"),
        _secured=flag(c("CREDIT_TYPE").is_in(["Car loan", "Mortgage"])),
        _recent=flag(recent),
        _recent_credit=when(recent, c("AMT_CREDIT_SUM")),
        _overdue=flag(c("CREDIT_DAY_OVERDUE") > 0),
        _active_credit=when(active, c("AMT_CREDIT_SUM")),
        _active_debt=when(active, c("AMT_CREDIT_SUM_DEBT")),
        _active_limit=when(active, c("AMT_CREDIT_SUM_LIMIT")),
        _active_annuity=when(active, c("AMT_ANNUITY")),
        _active_end=when(active, c("DAYS_CREDIT_ENDDATE")),
        # Positive: the credit was closed that many days before its planned end.
        _early_close=when(c("CREDIT_ACTIVE") == "Closed", c("DAYS_CREDIT_ENDDATE") - c("DAYS_ENDDATE_FACT")),
    )


@cache
def _credit_aggs() -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Float64).alias("BUREAU_COUNT"),
        c("_active").sum().alias("BUREAU_ACTIVE_COUNT"),
        c("_bad").sum().alias("BUREAU_BAD_DEBT_COUNT"),
        c("_card").sum().alias("BUREAU_CARD_COUNT"),
        c("_micro").sum().alias("BUREAU_MICROLOAN_COUNT"),
        c("_secured").sum().alias("BUREAU_SECURED_COUNT"),
        c("CREDIT_TYPE").drop_nulls().n_unique().cast(pl.Float64).alias("BUREAU_CREDIT_TYPE_COUNT"),
        c("_recent").sum().alias("BUREAU_COUNT_1Y"),
        c("_recent_credit").sum().alias("BUREAU_CREDIT_SUM_1Y"),
        (-c("DAYS_CREDIT").min()).alias("BUREAU_FIRST_CREDIT_DAYS_AGO"),
        (-c("DAYS_CREDIT").max()).alias("BUREAU_LAST_CREDIT_DAYS_AGO"),
        (-c("DAYS_CREDIT").mean()).alias("BUREAU_CREDIT_AGE_MEAN_DAYS"),
        c("_active_end").max().alias("BUREAU_ACTIVE_END_DAYS_MAX"),
        c("_active_end").mean().alias("BUREAU_ACTIVE_END_DAYS_MEAN"),
        c("_early_close").mean().alias("BUREAU_EARLY_CLOSE_DAYS_MEAN"),
        c("AMT_CREDIT_SUM").sum().alias("BUREAU_CREDIT_SUM"),
        c("AMT_CREDIT_SUM").mean().alias("BUREAU_CREDIT_MEAN"),
        c("AMT_CREDIT_SUM").max().alias("BUREAU_CREDIT_MAX"),
        c("_active_credit").sum().alias("BUREAU_ACTIVE_CREDIT_SUM"),
        c("_active_debt").sum().alias("BUREAU_ACTIVE_DEBT_SUM"),
        c("AMT_CREDIT_SUM_DEBT").max().alias("BUREAU_DEBT_MAX"),
        c("_active_limit").sum().alias("BUREAU_ACTIVE_LIMIT_SUM"),
        c("_active_annuity").sum().alias("BUREAU_ACTIVE_ANNUITY_SUM"),
        c("AMT_CREDIT_SUM_OVERDUE").sum().alias("BUREAU_OVERDUE_SUM"),
        c("AMT_CREDIT_MAX_OVERDUE").max().alias("BUREAU_MAX_OVERDUE_AMT"),
        c("CREDIT_DAY_OVERDUE").max().alias("BUREAU_DAY_OVERDUE_MAX"),
        c("_overdue").sum().alias("BUREAU_OVERDUE_COUNT"),
        c("CNT_CREDIT_PROLONG").sum().alias("BUREAU_PROLONG_SUM"),
    ]


def _balance_per_credit(balance: pl.LazyFrame) -> pl.LazyFrame:
    """One row per bureau credit: months on file, late months, worst status (overall and last 12 months)."""
    rows = balance
    for step in _balance_row_steps():
        rows = rows.with_columns(step)
    return rows.group_by("SK_ID_BUREAU").agg(_balance_credit_aggs()).with_columns(_balance_credit_flags())


@cache
def _balance_row_steps() -> tuple[list[pl.Expr], ...]:
    status = c("STATUS")
    # 0 = on time, C = closed, 1..5 = days-past-due buckets; X (status unknown) stays null.
    bucket = (
        pl.when(status.is_in(_LATE_STATUSES)).then(status.cast(pl.Float64)).when(status.is_in(["0", "C"])).then(0.0)
    )
    recent = c("MONTHS_BALANCE") >= RECENT_MONTHS
    return (
        [bucket.alias("_bucket")],
        [flag(c("_bucket").is_not_null()).alias("_known"), flag(c("_bucket") > 0).alias("_late")],
        [
            when(recent, c("_bucket")).alias("_bucket_12m"),
            when(recent, c("_known")).alias("_known_12m"),
            when(recent, c("_late")).alias("_late_12m"),
        ],
    )


@cache
def _balance_credit_aggs() -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Float64).alias("_bb_months"),
        c("_known").sum().alias("_bb_known"),
        c("_late").sum().alias("_bb_late"),
        c("_bucket").max().alias("_bb_worst"),
        c("_bucket_12m").max().alias("_bb_worst_12m"),
        c("_known_12m").sum().alias("_bb_known_12m"),
        c("_late_12m").sum().alias("_bb_late_12m"),
    ]


@cache
def _balance_credit_flags() -> list[pl.Expr]:
    return [flag(c("_bb_worst") > 0).alias("_bb_ever_late")]


@cache
def _balance_aggs() -> list[pl.Expr]:
    return [
        c("_bb_months").sum().alias("BUREAU_BAL_MONTHS"),
        c("_bb_worst").max().alias("BUREAU_BAL_WORST_STATUS"),
        c("_bb_worst_12m").max().alias("BUREAU_BAL_WORST_STATUS_12M"),
        c("_bb_late_12m").sum().alias("BUREAU_BAL_LATE_MONTHS_12M"),
        c("_bb_ever_late").sum().alias("BUREAU_BAL_EVER_LATE_COUNT"),
        c("_bb_late").sum().alias("_late"),
        c("_bb_known").sum().alias("_known"),
        c("_bb_known_12m").sum().alias("_known_12m"),
    ]
