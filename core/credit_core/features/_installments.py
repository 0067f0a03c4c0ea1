"""Repayment behaviour on previous Home Credit loans (installments_payments).

An instalment can be paid in several rows (partial payments), so rows are first reduced to one per
instalment — amount due, total paid, last payment day — before delays and shortfalls are measured.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import polars as pl

from credit_core.features._expr import RECENT_DAYS, aliased, c, flag, safe_div, when
from credit_core.features._group import Aggregate

GROUP = "installments"
_INSTALMENT_KEY = ("SK_ID_CURR", "SK_ID_PREV", "NUM_INSTALMENT_VERSION", "NUM_INSTALMENT_NUMBER")
# Shortfalls below one cent are rounding, not underpayment.
_TOLERANCE = 0.01

_COUNTS = (
    "INST_COUNT",
    "INST_LOAN_COUNT",
    "INST_LATE_COUNT",
    "INST_UNPAID_COUNT",
    "INST_SHORTFALL_SUM",
    "INST_COUNT_1Y",
    "INST_SHORTFALL_SUM_1Y",
)
_TOTALS = ("_due_total", "_paid_total", "_due_total_1y", "_paid_total_1y")


@cache
def derived() -> dict[str, pl.Expr]:
    return {}


def aggregate(tables: Mapping[str, pl.LazyFrame]) -> Aggregate | None:
    payments = tables.get("installments_payments")
    if payments is None:
        return None
    instalments = payments.group_by(_INSTALMENT_KEY).agg(_per_instalment())
    rows = instalments.with_columns(_measures()).with_columns(_recent_measures())
    per_client = rows.group_by("SK_ID_CURR").agg(_aggs()).with_columns(_ratios()).drop(_TOTALS)
    return Aggregate(per_client, zero_fill=_COUNTS)


@cache
def _per_instalment() -> list[pl.Expr]:
    return aliased(
        _due_day=c("DAYS_INSTALMENT").min(),
        _due=c("AMT_INSTALMENT").max(),
        _paid=c("AMT_PAYMENT").sum(),
        _paid_day=c("DAYS_ENTRY_PAYMENT").max(),
    )


@cache
def _measures() -> list[pl.Expr]:
    # Positive delay: paid that many days after the due date. Null when nothing was ever paid.
    delay = c("_paid_day") - c("_due_day")
    shortfall = (c("_due") - c("_paid")).clip(lower_bound=0.0)
    return aliased(
        _delay=delay,
        _late=flag(delay > 0),
        _very_late=flag(delay > 30),
        _early=(-delay).clip(lower_bound=0.0),
        _shortfall=shortfall,
        _underpaid=flag(shortfall > _TOLERANCE),
        _unpaid=flag(c("_paid_day").is_null()),
        _recent=c("_due_day") >= RECENT_DAYS,
    )


@cache
def _recent_measures() -> list[pl.Expr]:
    recent = c("_recent")
    return aliased(
        _delay_1y=when(recent, c("_delay")),
        _late_1y=when(recent, c("_late")),
        _shortfall_1y=when(recent, c("_shortfall")),
        _underpaid_1y=when(recent, c("_underpaid")),
        _due_1y=when(recent, c("_due")),
        _paid_1y=when(recent, c("_paid")),
    )


@cache
def _aggs() -> list[pl.Expr]:
    return aliased(
        INST_COUNT=pl.len().cast(pl.Float64),
        INST_LOAN_COUNT=c("SK_ID_PREV").n_unique().cast(pl.Float64),
        INST_DELAY_MEAN=c("_delay").mean(),
        INST_DELAY_MAX=c("_delay").max(),
        INST_LATE_SHARE=c("_late").mean(),
        INST_LATE_COUNT=c("_late").sum(),
        INST_VERY_LATE_SHARE=c("_very_late").mean(),
        INST_EARLY_DAYS_MEAN=c("_early").mean(),
        INST_SHORTFALL_SUM=c("_shortfall").sum(),
        INST_SHORTFALL_MEAN=c("_shortfall").mean(),
        INST_UNDERPAID_SHARE=c("_underpaid").mean(),
        INST_UNPAID_COUNT=c("_unpaid").sum(),
        INST_AMT_MEAN=c("_due").mean(),
        INST_LAST_DUE_DAYS_AGO=-c("_due_day").max(),
        INST_LAST_PAYMENT_DAYS_AGO=-c("_paid_day").max(),
        INST_COUNT_1Y=c("_recent").sum().cast(pl.Float64),
        INST_DELAY_MEAN_1Y=c("_delay_1y").mean(),
        INST_DELAY_MAX_1Y=c("_delay_1y").max(),
        INST_LATE_SHARE_1Y=c("_late_1y").mean(),
        INST_UNDERPAID_SHARE_1Y=c("_underpaid_1y").mean(),
        INST_SHORTFALL_SUM_1Y=c("_shortfall_1y").sum(),
        _due_total=c("_due").sum(),
        _paid_total=c("_paid").sum(),
        _due_total_1y=c("_due_1y").sum(),
        _paid_total_1y=c("_paid_1y").sum(),
    )


@cache
def _ratios() -> list[pl.Expr]:
    return aliased(
        INST_PAID_RATIO=safe_div(c("_paid_total"), c("_due_total")),
        INST_PAID_RATIO_1Y=safe_div(c("_paid_total_1y"), c("_due_total_1y")),
    )
