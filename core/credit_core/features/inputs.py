"""Which raw columns the feature pipeline actually reads, per table.

Exporters (the database path of `credit features build`) fetch only these columns: about a third of the
raw values are never used by any feature, and moving and parsing them is most of an export's cost.

The answer is not a second, hand-kept list: it is read off the pipeline itself. The plan is run once over
empty sources that record the projection polars pushes down to them, so it follows every change to the
feature code. Columns left out are filled with typed nulls by `raw.conform`, which no feature reads.
IO plugins are a young polars API: should it be missing or fail, every column is read (slower, same values).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import polars as pl

from credit_core import homecredit
from credit_core.features import raw
from credit_core.features.build import feature_plan


@cache
def input_columns() -> dict[str, tuple[str, ...]]:
    """Raw table name -> the columns (schema order) the feature plan reads when every table is present."""
    try:
        seen = _projections()
    except Exception:  # an optimisation only: fall back to reading everything
        seen = {}
    columns: dict[str, tuple[str, ...]] = {}
    for table in homecredit.TABLES:
        projected = seen.get(table.name)
        # No projection recorded (None) means the whole table is read.
        wanted = set(table.column_names if projected is None else projected)
        columns[table.name] = tuple(c for c in table.column_names if c in wanted)
    return columns


def _projections() -> dict[str, list[str] | None]:
    from polars.io.plugins import register_io_source

    seen: dict[str, list[str] | None] = {}

    def recording_source(table: homecredit.Table) -> pl.LazyFrame:
        schema = raw.polars_schema(table)

        def empty(with_columns: list[str] | None, *_: object) -> Iterator[pl.DataFrame]:
            seen[table.name] = with_columns
            frame = schema.to_frame()
            yield frame if with_columns is None else frame.select(with_columns)

        return register_io_source(empty, schema=schema)

    feature_plan({t.name: recording_source(t) for t in homecredit.TABLES}).collect(engine="in-memory")
    return seen
