"""Monthly snapshots of previous Home Credit credit cards (credit_card_balance): use of the limit,
drawings, repayments against the required minimum, delays."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import polars as pl

from credit_core.features._expr import RECENT_MONTHS, aliased, c, flag, safe_div, when
from credit_core.features._group import Aggregate

GROUP = "card"
_LAST_QUARTER = -3.0  # months; the closest thing to "the balance today"

_COUNTS = ("CC_MONTHS", "CC_CARD_COUNT", "CC_OVER_LIMIT_MONTHS")


@cache
def derived() -> dict[str, pl.Expr]:
    return {"CC_LIMIT_TO_INCOME": safe_div(c("CC_LIMIT_MAX"), c("AMT_INCOME_TOTAL"))}


def aggregate(tables: Mapping[str, pl.LazyFrame]) -> Aggregate | None:
    cards = tables.get("credit_card_balance")
    if cards is None:
        return None
    rows = cards.with_columns(_row_measures()).with_columns(_windowed())
    return Aggregate(rows.group_by("SK_ID_CURR").agg(_aggs()), zero_fill=_COUNTS)


@cache
def _row_measures() -> list[pl.Expr]:
    limit, balance = c("AMT_CREDIT_LIMIT_ACTUAL"), c("AMT_BALANCE")
    minimum, paid = c("AMT_INST_MIN_REGULARITY"), c("AMT_PAYMENT_TOTAL_CURRENT")
    has_minimum = minimum > 0
    return aliased(
        _util=pl.when(limit > 0).then(balance / limit),
        _over_limit=flag((limit > 0) & (balance > limit)),
        _paid_to_min=pl.when(has_minimum).then(paid / minimum),
        _below_min=pl.when(has_minimum).then(flag(paid < minimum)),
        _late=flag(c("SK_DPD") > 0),
        _recent=c("MONTHS_BALANCE") >= RECENT_MONTHS,
        _last_quarter=c("MONTHS_BALANCE") >= _LAST_QUARTER,
    )


@cache
def _windowed() -> list[pl.Expr]:
    recent, last_quarter = c("_recent"), c("_last_quarter")
    return aliased(
        _balance_3m=when(last_quarter, c("AMT_BALANCE")),
        _util_3m=when(last_quarter, c("_util")),
        _util_12m=when(recent, c("_util")),
        _below_min_12m=when(recent, c("_below_min")),
        _dpd_12m=when(recent, c("SK_DPD")),
        _drawings_12m=when(recent, c("AMT_DRAWINGS_CURRENT")),
    )


@cache
def _aggs() -> list[pl.Expr]:
    return aliased(
        CC_MONTHS=pl.len().cast(pl.Float64),
        CC_CARD_COUNT=c("SK_ID_PREV").n_unique().cast(pl.Float64),
        CC_BALANCE_MEAN=c("AMT_BALANCE").mean(),
        CC_BALANCE_MAX=c("AMT_BALANCE").max(),
        CC_BALANCE_MEAN_3M=c("_balance_3m").mean(),
        CC_LIMIT_MEAN=c("AMT_CREDIT_LIMIT_ACTUAL").mean(),
        CC_LIMIT_MAX=c("AMT_CREDIT_LIMIT_ACTUAL").max(),
        CC_UTIL_MEAN=c("_util").mean(),
        CC_UTIL_MAX=c("_util").max(),
        CC_UTIL_MEAN_3M=c("_util_3m").mean(),
        CC_UTIL_MEAN_12M=c("_util_12m").mean(),
        CC_OVER_LIMIT_MONTHS=c("_over_limit").sum(),
        CC_DRAWINGS_MEAN=c("AMT_DRAWINGS_CURRENT").mean(),
        CC_DRAWINGS_MEAN_12M=c("_drawings_12m").mean(),
        CC_ATM_DRAWINGS_MEAN=c("AMT_DRAWINGS_ATM_CURRENT").mean(),
        CC_DRAWINGS_COUNT_MEAN=c("CNT_DRAWINGS_CURRENT").mean(),
        CC_PAYMENT_MEAN=c("AMT_PAYMENT_TOTAL_CURRENT").mean(),
        CC_PAID_TO_MIN_MEAN=c("_paid_to_min").mean(),
        CC_BELOW_MIN_SHARE=c("_below_min").mean(),
        CC_BELOW_MIN_SHARE_12M=c("_below_min_12m").mean(),
        CC_DPD_MAX=c("SK_DPD").max(),
        CC_DPD_DEF_MAX=c("SK_DPD_DEF").max(),
        CC_DPD_MAX_12M=c("_dpd_12m").max(),
        CC_LATE_SHARE=c("_late").mean(),
    )
