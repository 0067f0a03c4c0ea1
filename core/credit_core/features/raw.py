"""Polars view of the raw Home Credit tables: dtypes per column kind, and conforming any input to them.

Both the batch path (CSV scans, database exports) and the single-application path go through
`conform`, so the feature code always sees the same column names and dtypes.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from credit_core import homecredit

DTYPES: dict[homecredit.Kind, pl.DataType] = {
    homecredit.Kind.KEY: pl.Int64(),
    homecredit.Kind.TARGET: pl.Int64(),
    homecredit.Kind.NUM: pl.Float64(),
    homecredit.Kind.CAT: pl.String(),
}


@cache
def polars_schema(table: homecredit.Table) -> pl.Schema:
    """Column name -> polars dtype, in the table's column order."""
    return pl.Schema({c.name: DTYPES[c.kind] for c in table.columns})


def conform(frame: pl.LazyFrame | pl.DataFrame, table: homecredit.Table) -> pl.LazyFrame:
    """Every column of `table` with its dtype, in schema order; columns the input lacks become null."""
    schema = frame.schema if isinstance(frame, pl.DataFrame) else frame.collect_schema()
    expected = polars_schema(table)
    if schema == expected:
        return frame.lazy()  # already exact (typed scans, single-application frames): nothing to add
    if set(expected.names()) <= set(schema.names()):
        return frame.lazy().select(_casts(table))
    return frame.lazy().select(
        (pl.col(name) if name in schema else pl.lit(None)).cast(dtype).alias(name) for name, dtype in expected.items()
    )


@cache
def _casts(table: homecredit.Table) -> list[pl.Expr]:
    return [pl.col(name).cast(dtype) for name, dtype in polars_schema(table).items()]
