"""Monthly snapshots of previous store and cash loans (POS_CASH_balance): delays and progress.

Rows are first reduced to one per loan (so "remaining instalments" is read at the loan's latest month),
then aggregated per client.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import polars as pl

from credit_core.features._expr import RECENT_MONTHS, aliased, c, flag, safe_div, when
from credit_core.features._group import Aggregate

GROUP = "pos"
_LATEST = ("MONTHS_BALANCE", "CNT_INSTALMENT_FUTURE")  # the value itself breaks ties deterministically

_COUNTS = (
    "POS_LOAN_COUNT",
    "POS_MONTHS",
    "POS_COMPLETED_COUNT",
    "POS_ACTIVE_COUNT",
    "POS_REMAINING_INSTALMENTS_SUM",
)
_TOTALS = ("_dpd_sum", "_dpd_def_sum", "_late", "_late_def", "_late_12m", "_months_12m")


@cache
def derived() -> dict[str, pl.Expr]:
    return {}


def aggregate(tables: Mapping[str, pl.LazyFrame]) -> Aggregate | None:
    pos = tables.get("pos_cash_balance")
    if pos is None:
        return None
    rows = pos.with_columns(_row_flags()).with_columns(_recent_flags())
    loans = rows.group_by("SK_ID_CURR", "SK_ID_PREV").agg(_per_loan()).with_columns(_loan_status())
    per_client = loans.group_by("SK_ID_CURR").agg(_aggs()).with_columns(_means()).drop(_TOTALS)
    return Aggregate(per_client, zero_fill=_COUNTS)


@cache
def _row_flags() -> list[pl.Expr]:
    return aliased(
        _late=flag(c("SK_DPD") > 0),
        _late_def=flag(c("SK_DPD_DEF") > 0),
        _completed=flag(c("NAME_CONTRACT_STATUS") == "Completed"),
        _recent=c("MONTHS_BALANCE") >= RECENT_MONTHS,
    )


@cache
def _recent_flags() -> list[pl.Expr]:
    return aliased(_dpd_12m=when(c("_recent"), c("SK_DPD")), _late_12m=when(c("_recent"), c("_late")))


@cache
def _per_loan() -> list[pl.Expr]:
    return aliased(
        _months=pl.len().cast(pl.Float64),
        _last_month=c("MONTHS_BALANCE").max(),
        _completed=c("_completed").max(),
        _remaining=c("CNT_INSTALMENT_FUTURE").sort_by(_LATEST).last(),
        _term=c("CNT_INSTALMENT").sort_by(_LATEST).last(),
        _dpd_max=c("SK_DPD").max(),
        _dpd_def_max=c("SK_DPD_DEF").max(),
        _dpd_sum=c("SK_DPD").sum(),
        _dpd_def_sum=c("SK_DPD_DEF").sum(),
        _late=c("_late").sum(),
        _late_def=c("_late_def").sum(),
        _dpd_max_12m=c("_dpd_12m").max(),
        _late_12m=c("_late_12m").sum(),
        _months_12m=c("_recent").sum().cast(pl.Float64),
    )


@cache
def _loan_status() -> list[pl.Expr]:
    active = c("_completed") == 0
    return aliased(
        _active=flag(active),
        _active_remaining=when(active, c("_remaining")),
        _active_remaining_share=when(active, safe_div(c("_remaining"), c("_term"))),
    )


@cache
def _aggs() -> list[pl.Expr]:
    return aliased(
        POS_LOAN_COUNT=pl.len().cast(pl.Float64),
        POS_MONTHS=c("_months").sum(),
        POS_COMPLETED_COUNT=c("_completed").sum(),
        POS_ACTIVE_COUNT=c("_active").sum(),
        POS_REMAINING_INSTALMENTS_SUM=c("_active_remaining").sum(),
        POS_REMAINING_SHARE_MEAN=c("_active_remaining_share").mean(),
        POS_TERM_MEAN=c("_term").mean(),
        POS_LAST_MONTH_AGO=-c("_last_month").max(),
        POS_DPD_MAX=c("_dpd_max").max(),
        POS_DPD_DEF_MAX=c("_dpd_def_max").max(),
        POS_DPD_MAX_12M=c("_dpd_max_12m").max(),
        **{name: c(name).sum() for name in _TOTALS},
    )


@cache
def _means() -> list[pl.Expr]:
    return aliased(
        POS_DPD_MEAN=safe_div(c("_dpd_sum"), c("POS_MONTHS")),
        POS_DPD_DEF_MEAN=safe_div(c("_dpd_def_sum"), c("POS_MONTHS")),
        POS_LATE_SHARE=safe_div(c("_late"), c("POS_MONTHS")),
        POS_LATE_DEF_SHARE=safe_div(c("_late_def"), c("POS_MONTHS")),
        POS_LATE_SHARE_12M=safe_div(c("_late_12m"), c("_months_12m")),
    )
