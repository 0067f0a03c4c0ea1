"""The feature pipeline: raw Home Credit tables -> one row of catalogue features per application.

One lazy polars plan per call: each history group is aggregated per client (group_by), left-joined
onto the application rows, then exactly the catalogue's columns are selected in catalogue order.
Large inputs run on the streaming engine (bounded memory); tiny ones on the in-memory engine, whose
start-up is cheaper. Both execute the very same plan. Expressions are built once per process (they
are immutable), so a call only assembles and runs the plan — that keeps single applications fast.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Literal

import polars as pl

from credit_core import homecredit
from credit_core.features import _application, _bureau, _card, _installments, _pos, _previous, raw
from credit_core.features.catalogue import CATALOGUE

Engine = Literal["auto", "streaming", "in-memory"]

HISTORY_GROUPS: tuple[ModuleType, ...] = (_bureau, _previous, _installments, _pos, _card)
# Below this many input rows the in-memory engine's lower fixed cost wins (single applications, tests).
_SMALL_INPUT_ROWS = 50_000


def build_features(tables: Mapping[str, pl.LazyFrame | pl.DataFrame], *, engine: Engine = "auto") -> pl.DataFrame:
    """SK_ID_CURR (Int64) then every catalogue feature in catalogue order, one row per application row.

    `tables` maps raw table names (homecredit.TABLES_BY_NAME) to frames; "application" is required,
    any history table may be absent (its features are then null). TARGET is never read.
    """
    plan = feature_plan(tables)
    small = _is_small(tables)
    if engine == "auto":
        engine = "in-memory" if small else "streaming"
    # On a handful of rows, optimising the plan costs more than running it unoptimised.
    return plan.collect(engine=engine, optimizations=pl.QueryOptFlags.none() if small else pl.QueryOptFlags())


def feature_plan(tables: Mapping[str, pl.LazyFrame | pl.DataFrame]) -> pl.LazyFrame:
    """The lazy plan behind `build_features` (for callers that sink or inspect it)."""
    lazy = conformed(tables)
    frame = application_step(lazy)
    ran: list[GroupStep] = []
    for group in HISTORY_GROUPS:
        step = group_step(group, lazy)
        if step is None:
            continue
        frame = finish_group(frame.join(step.per_client, on="SK_ID_CURR", how="left", maintain_order="left"), step)
        ran.append(step)
    return frame.select(output_columns(ran))


# The plan above in steps, so an engine that distributes the work (credit_pipeline.portfolio's Spark job) runs these
# very functions: the application step on application rows, each history group's step on that group's rows of one
# set of clients, the left join on SK_ID_CURR itself, then `finish_group` of every group and `output_columns`.


@dataclass(frozen=True)
class GroupStep:
    """One history group's per-client aggregate and how to finish it once joined onto the application rows."""

    group: ModuleType
    per_client: pl.LazyFrame
    zero_fill: tuple[str, ...]


def conformed(tables: Mapping[str, pl.LazyFrame | pl.DataFrame]) -> dict[str, pl.LazyFrame]:
    """Raw tables checked (known names, application present) and conformed to the raw schema."""
    unknown = set(tables) - set(homecredit.TABLES_BY_NAME)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected names from {list(homecredit.TABLES_BY_NAME)}")
    if "application" not in tables:
        raise ValueError("the 'application' table is required")
    return {name: raw.conform(frame, homecredit.TABLES_BY_NAME[name]) for name, frame in tables.items()}


def application_step(lazy: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """SK_ID_CURR + the application group's features, one row per application row (order kept)."""
    # TARGET is never selected by the application group, so no feature can depend on it.
    return _verified(_application.features(lazy["application"]), "application", frozenset(lazy))


def group_step(group: ModuleType, lazy: Mapping[str, pl.LazyFrame]) -> GroupStep | None:
    """The group's per-client aggregate over the tables given, or None when its tables are absent."""
    aggregate = group.aggregate(lazy)
    if aggregate is None:
        return None
    per_client = _verified(aggregate.frame, group.GROUP, frozenset(lazy), exclude=group.derived())
    return GroupStep(group, per_client, aggregate.zero_fill)


def finish_group(joined: pl.LazyFrame, step: GroupStep) -> pl.LazyFrame:
    """After the left join of a group's aggregate: its additive features 0 for clients without rows, then the
    features combining it with the application columns."""
    return joined.with_columns(_zero_fill(step.zero_fill)).with_columns(**step.group.derived())


def output_columns(ran: Sequence[GroupStep]) -> list[pl.Expr]:
    """SK_ID_CURR + catalogue columns in order (features of groups that did not run are typed nulls)."""
    return _output(("application", *(step.group.GROUP for step in ran)))


def history_group(name: str) -> ModuleType:
    """The history group module called `name` (GroupStep.group.GROUP), for engines that ship steps by name."""
    for group in HISTORY_GROUPS:
        if name == group.GROUP:
            return group
    raise KeyError(name)


_VERIFIED: set[tuple[str, frozenset[str]]] = set()


def _verified(frame: pl.LazyFrame, group: str, present: frozenset[str], exclude: Collection[str] = ()) -> pl.LazyFrame:
    """Guard the catalogue/pipeline contract: a group yields exactly its catalogue features.

    Conformed inputs have a fixed schema, so the check depends only on which tables are present:
    it runs once per combination and process, not on every single-application call.
    """
    if (group, present) in _VERIFIED:
        return frame
    expected = {f.name for f in CATALOGUE if f.group == group} - set(exclude)
    produced = set(frame.collect_schema().names()) - {"SK_ID_CURR"}
    if produced != expected:
        raise RuntimeError(
            f"feature group {group!r} does not match the catalogue: "
            f"missing {sorted(expected - produced)}, unexpected {sorted(produced - expected)}"
        )
    _VERIFIED.add((group, present))
    return frame


@cache
def _zero_fill(names: tuple[str, ...]) -> list[pl.Expr]:
    return [pl.col(name).fill_null(0.0) for name in names]


@cache
def _output(groups: tuple[str, ...]) -> list[pl.Expr]:
    """SK_ID_CURR + catalogue columns in order; features of groups that did not run are typed nulls."""
    columns = [pl.col("SK_ID_CURR")]
    for f in CATALOGUE:
        dtype = pl.String if f.is_categorical else pl.Float64
        columns.append((pl.col(f.name) if f.group in groups else pl.lit(None)).cast(dtype).alias(f.name))
    return columns


def _is_small(tables: Mapping[str, pl.LazyFrame | pl.DataFrame]) -> bool:
    rows = 0
    for frame in tables.values():
        if not isinstance(frame, pl.DataFrame):
            return False
        rows += frame.height
    return rows < _SMALL_INPUT_ROWS
