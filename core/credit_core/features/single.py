"""Features for one new application: raw dicts -> typed mini tables -> the batch pipeline itself.

There is deliberately no second implementation: the online path only builds tiny frames with the
raw schema and calls `build_features`, so a served score sees exactly the features training saw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import polars as pl

from credit_core import homecredit
from credit_core.features import raw
from credit_core.features.build import build_features

# Stand-in client id when the application has none yet (history rows are attached to it).
_UNSAVED_CLIENT_ID = 0
_CONVERTERS = {
    homecredit.Kind.KEY: int,
    homecredit.Kind.TARGET: int,
    homecredit.Kind.NUM: float,
    homecredit.Kind.CAT: str,
}


def features_for_application(
    application: Mapping[str, Any],
    history: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> pl.DataFrame:
    """One row: SK_ID_CURR then the catalogue features, computed exactly as in batch.

    `application` holds raw application columns (missing ones are null). `history` maps history table
    names to their raw rows; a table left out is unknown (its features are null), a table given with
    no rows means "no such history" (counts are 0). History rows belong to this application, so their
    SK_ID_CURR is set to the application's. Unknown table or column names raise ValueError.
    """
    client_id = application.get("SK_ID_CURR")
    internal_id = _UNSAVED_CLIENT_ID if client_id is None else int(client_id)
    tables = {"application": typed_frame(homecredit.APPLICATION, [{**application, "SK_ID_CURR": internal_id}])}
    for name, rows in (history or {}).items():
        table = homecredit.TABLES_BY_NAME.get(name)
        if table is None or table is homecredit.APPLICATION:
            raise ValueError(f"unknown history table {name!r}; expected one of {list(homecredit.TABLES_BY_NAME)[1:]}")
        if "SK_ID_CURR" in table.column_names:
            rows = [{**row, "SK_ID_CURR": internal_id} for row in rows]
        tables[name] = typed_frame(table, rows)
    frame = build_features(tables, engine="in-memory")
    return frame if client_id is not None else frame.with_columns(pl.lit(None, pl.Int64).alias("SK_ID_CURR"))


def typed_frame(table: homecredit.Table, rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """Raw rows (dicts, possibly partial) as a frame with the table's full schema (absent columns null)."""
    kinds = _kinds(table)
    typed = []
    for row in rows:
        unknown = row.keys() - kinds.keys()
        if unknown:
            raise ValueError(f"unknown {table.name} columns: {sorted(unknown)}")
        typed.append({name: _convert(value, name, kinds[name], table) for name, value in row.items()})
    # Row-wise construction in polars is far cheaper than one Series per column for a 122-column row.
    return pl.from_dicts(typed, schema=raw.polars_schema(table)) if typed else raw.polars_schema(table).to_frame()


@cache
def _kinds(table: homecredit.Table) -> dict[str, homecredit.Kind]:
    return {col.name: col.kind for col in table.columns}


def _convert(value: Any, name: str, kind: homecredit.Kind, table: homecredit.Table) -> Any:
    if value is None:
        return None
    try:
        converted = _CONVERTERS[kind](value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{table.name}.{name}: cannot read {value!r} as {kind}") from exc
    # NaN (e.g. from pandas) means missing, as an empty CSV field does in the batch path.
    return None if converted != converted else converted
