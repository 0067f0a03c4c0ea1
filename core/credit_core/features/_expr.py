"""Small polars expression helpers shared by the per-group feature modules."""

from __future__ import annotations

import polars as pl

# Home Credit writes 365243 (≈ 1000 years) in DAYS_* columns for "no date" (e.g. not employed, not yet due).
DAYS_SENTINEL = 365243.0
DAYS_PER_YEAR = 365.25
# Recent-window bounds, relative to the application (negative = past).
RECENT_DAYS = -365.0
RECENT_MONTHS = -12.0

c = pl.col


def safe_div(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null when the denominator is null or 0 (never ±inf or NaN)."""
    return pl.when(denominator != 0).then(numerator / denominator)


def without_sentinel(column: str) -> pl.Expr:
    """The DAYS_* column with the 365243 sentinel turned into null."""
    return pl.when(c(column) != DAYS_SENTINEL).then(c(column))


def years_ago(days: pl.Expr) -> pl.Expr:
    """A negative DAYS_* count turned into positive years before the application."""
    return -days / DAYS_PER_YEAR


def when(condition: pl.Expr, value: pl.Expr) -> pl.Expr:
    """`value` where `condition` holds, else null: aggregations then skip the other rows."""
    return pl.when(condition).then(value)


def flag(condition: pl.Expr) -> pl.Expr:
    """1.0 / 0.0 (null stays null): sums count rows, means give shares."""
    return condition.cast(pl.Float64)


def sum_or_null(columns: tuple[str, ...]) -> pl.Expr:
    """Row-wise sum that stays null when every input is null (pl.sum_horizontal would give 0)."""
    return pl.when(pl.any_horizontal(c(name).is_not_null() for name in columns)).then(pl.sum_horizontal(columns))


def aliased(**exprs: pl.Expr) -> list[pl.Expr]:
    """Keyword expressions as a list of aliased expressions (cacheable, unlike with_columns(**kw))."""
    return [expr.alias(name) for name, expr in exprs.items()]
