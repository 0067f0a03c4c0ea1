"""Features from the client's previous applications at Home Credit (previous_application)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import polars as pl

from credit_core.features._expr import RECENT_DAYS, aliased, c, flag, safe_div, when, without_sentinel
from credit_core.features._group import Aggregate

GROUP = "previous"

_COUNTS = (
    "PREV_COUNT",
    "PREV_APPROVED_COUNT",
    "PREV_REFUSED_COUNT",
    "PREV_CANCELED_COUNT",
    "PREV_COUNT_1Y",
    "PREV_REFUSED_COUNT_1Y",
    "PREV_APPROVED_CREDIT_SUM",
    "PREV_ACTIVE_COUNT",
    "PREV_ACTIVE_ANNUITY_SUM",
)
# "Last" = latest decision; SK_ID_PREV breaks ties so batch and single-client runs pick the same row.
_LATEST = ("DAYS_DECISION", "SK_ID_PREV")


@cache
def derived() -> dict[str, pl.Expr]:
    """Features combining previous-application aggregates with the current application."""
    return {"PREV_ACTIVE_ANNUITY_TO_INCOME": safe_div(c("PREV_ACTIVE_ANNUITY_SUM"), c("AMT_INCOME_TOTAL"))}


def aggregate(tables: Mapping[str, pl.LazyFrame]) -> Aggregate | None:
    previous = tables.get("previous_application")
    if previous is None:
        return None
    rows = previous.with_columns(_row_flags()).with_columns(_row_combined())
    per_client = rows.group_by("SK_ID_CURR").agg(_aggs()).with_columns(_shares())
    return Aggregate(per_client, zero_fill=_COUNTS)


@cache
def _row_flags() -> list[pl.Expr]:
    status = c("NAME_CONTRACT_STATUS")
    approved, refused = status == "Approved", status == "Refused"
    planned_end = without_sentinel("DAYS_LAST_DUE_1ST_VERSION")
    # Approved loans whose original schedule ends after the application are still being repaid.
    active = approved & (planned_end > 0)
    return aliased(
        _approved=flag(approved),
        _refused=flag(refused),
        _canceled=flag(status == "Canceled"),
        _recent=flag(c("DAYS_DECISION") >= RECENT_DAYS),
        _approved_credit=when(approved, c("AMT_CREDIT")),
        _refused_day=when(refused, c("DAYS_DECISION")),
        _approved_day=when(approved, c("DAYS_DECISION")),
        _asked_to_granted=safe_div(c("AMT_APPLICATION"), c("AMT_CREDIT")),
        # Total repaid over the credit, minus 1: the cost of the loan as a share of its amount.
        _cost=safe_div(c("AMT_ANNUITY") * c("CNT_PAYMENT"), c("AMT_CREDIT")) - 1.0,
        _active=flag(active),
        _active_annuity=when(active, c("AMT_ANNUITY")),
        _active_end=when(active, planned_end),
        # Positive: the loan ended that many days before its original schedule.
        _early_end=when(approved, planned_end - without_sentinel("DAYS_LAST_DUE")),
        _high_yield=flag(c("NAME_YIELD_GROUP") == "high"),
        _x_sell=flag(c("NAME_PRODUCT_TYPE") == "x-sell"),
    )


@cache
def _row_combined() -> list[pl.Expr]:
    return aliased(_recent_refused=c("_recent") * c("_refused"))


@cache
def _aggs() -> list[pl.Expr]:
    def latest(column: str) -> pl.Expr:
        return c(column).sort_by(_LATEST).last()

    return aliased(
        PREV_COUNT=pl.len().cast(pl.Float64),
        PREV_APPROVED_COUNT=c("_approved").sum(),
        PREV_REFUSED_COUNT=c("_refused").sum(),
        PREV_CANCELED_COUNT=c("_canceled").sum(),
        PREV_COUNT_1Y=c("_recent").sum(),
        PREV_REFUSED_COUNT_1Y=c("_recent_refused").sum(),
        PREV_LAST_DECISION_DAYS_AGO=-c("DAYS_DECISION").max(),
        PREV_FIRST_DECISION_DAYS_AGO=-c("DAYS_DECISION").min(),
        PREV_LAST_REFUSAL_DAYS_AGO=-c("_refused_day").max(),
        PREV_LAST_APPROVAL_DAYS_AGO=-c("_approved_day").max(),
        PREV_LAST_STATUS=latest("NAME_CONTRACT_STATUS"),
        PREV_LAST_CONTRACT_TYPE=latest("NAME_CONTRACT_TYPE"),
        PREV_LAST_REJECT_REASON=latest("CODE_REJECT_REASON"),
        PREV_LAST_AMT_CREDIT=latest("AMT_CREDIT"),
        PREV_AMT_APPLICATION_MEAN=c("AMT_APPLICATION").mean(),
        PREV_AMT_CREDIT_MEAN=c("AMT_CREDIT").mean(),
        PREV_AMT_CREDIT_MAX=c("AMT_CREDIT").max(),
        PREV_APPROVED_CREDIT_SUM=c("_approved_credit").sum(),
        PREV_AMT_ANNUITY_MEAN=c("AMT_ANNUITY").mean(),
        PREV_AMT_ANNUITY_MAX=c("AMT_ANNUITY").max(),
        PREV_ASKED_TO_GRANTED_MEAN=c("_asked_to_granted").mean(),
        PREV_ASKED_TO_GRANTED_MAX=c("_asked_to_granted").max(),
        PREV_DOWN_PAYMENT_MEAN=c("AMT_DOWN_PAYMENT").mean(),
        PREV_DOWN_PAYMENT_RATE_MEAN=c("RATE_DOWN_PAYMENT").mean(),
        PREV_GOODS_PRICE_MEAN=c("AMT_GOODS_PRICE").mean(),
        PREV_CNT_PAYMENT_MEAN=c("CNT_PAYMENT").mean(),
        PREV_CNT_PAYMENT_MAX=c("CNT_PAYMENT").max(),
        PREV_COST_SHARE_MEAN=c("_cost").mean(),
        PREV_ACTIVE_COUNT=c("_active").sum(),
        PREV_ACTIVE_ANNUITY_SUM=c("_active_annuity").sum(),
        PREV_ACTIVE_END_DAYS_MAX=c("_active_end").max(),
        PREV_EARLY_END_DAYS_MEAN=c("_early_end").mean(),
        PREV_HIGH_YIELD_SHARE=c("_high_yield").mean(),
        PREV_X_SELL_SHARE=c("_x_sell").mean(),
        PREV_INSURED_SHARE=c("NFLAG_INSURED_ON_APPROVAL").mean(),
    )


@cache
def _shares() -> list[pl.Expr]:
    return aliased(
        PREV_APPROVED_SHARE=c("PREV_APPROVED_COUNT") / c("PREV_COUNT"),
        PREV_REFUSED_SHARE=c("PREV_REFUSED_COUNT") / c("PREV_COUNT"),
    )
