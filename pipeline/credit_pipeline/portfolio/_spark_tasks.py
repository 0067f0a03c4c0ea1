"""What Spark's Python workers run: credit_core.features.build's steps on Arrow batches, as polars frames.

Each task is a small picklable object naming the step by data only (group names, table names); the worker imports
the very feature modules the local engine uses. Nothing here defines a feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl
import pyarrow as pa

from credit_core import homecredit
from credit_core.features import build, raw
from credit_core.model import ModelBundle
from credit_pipeline.portfolio import layout
from credit_pipeline.portfolio.scoring import score_features

# Spark hands over (and takes back) plain Arrow strings; polars' own export uses views. Oldest = large strings.
_COMPAT = pl.CompatLevel.oldest()


def _to_arrow(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    return frame.to_arrow(compat_level=_COMPAT).select(schema.names).cast(schema)


def _conformed(name: str, data: pa.Table | pa.RecordBatch) -> pl.LazyFrame:
    frame = pl.from_arrow(data)
    assert isinstance(frame, pl.DataFrame)
    return raw.conform(frame, homecredit.TABLES_BY_NAME[name])


@dataclass(frozen=True)
class ApplicationTask:
    """mapInArrow over application rows: the application step (row by row, so batch by batch) (+ TARGET)."""

    schema: pa.Schema
    with_target: bool

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            application = _conformed("application", batch)
            frame = build.application_step({"application": application})
            if self.with_target:
                frame = pl.concat([frame, application.select("TARGET")], how="horizontal")
            yield from _to_arrow(frame.collect(), self.schema).to_batches()


@dataclass(frozen=True)
class GroupTask:
    """applyInArrow over one client bucket's rows of a history group's tables: the group's per-client step."""

    group: str
    tables: tuple[str, ...]
    schema: pa.Schema

    def __call__(self, *data: pa.Table) -> pa.Table:
        lazy = {name: _conformed(name, table) for name, table in zip(self.tables, data, strict=True)}
        step = build.group_step(build.history_group(self.group), lazy)
        assert step is not None  # the driver planned this group because its tables are present
        return _to_arrow(step.per_client.collect(), self.schema)

    def function(self) -> Callable[..., pa.Table]:
        """A plain function of the group's tables: Spark reads the arity of what it is given (one table for
        groupBy.applyInArrow, two for cogroup), counting `self` on a callable object."""
        if len(self.tables) == 1:
            return lambda table: self(table)
        if len(self.tables) == 2:
            return lambda left, right: self(left, right)
        raise NotImplementedError(f"group {self.group} reads {len(self.tables)} tables; Spark cogroups at most two")


@dataclass(frozen=True)
class FinishTask:
    """mapInArrow over application rows joined with every group's aggregate: finish each group, select the
    catalogue columns; then either keep the features (+ TARGET) or score them with the model bundle."""

    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (group name, zero_fill) in plan order
    schema: pa.Schema
    with_target: bool
    bundle_file: str | None = None  # SparkFiles name of the bundle folder shipped with SparkContext.addFile

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        steps = [build.GroupStep(build.history_group(name), pl.LazyFrame(), zero) for name, zero in self.groups]
        bundle = _bundle(self.bundle_file) if self.bundle_file else None
        for batch in batches:
            joined = pl.from_arrow(batch)
            assert isinstance(joined, pl.DataFrame)
            frame = joined.lazy()
            for step in steps:
                frame = build.finish_group(frame, step)
            features = frame.select(build.output_columns(steps)).collect()
            if bundle is not None:
                out = score_features(bundle, features)
            else:
                out = pl.concat([features, joined.select("TARGET")], how="horizontal") if self.with_target else features
            yield from _to_arrow(out.with_columns(joined[layout.BUCKET]), self.schema).to_batches()


@cache
def _bundle(name: str) -> ModelBundle:
    """The bundle, loaded once per Python worker (Spark reuses workers across tasks)."""
    from pyspark import SparkFiles

    bundle = ModelBundle.load(SparkFiles.get(name))
    bundle.batch_threads = 1  # one core per task
    return bundle


def arrow_schema(frame: pl.DataFrame | pl.LazyFrame, extra: Sequence[tuple[str, Any]] = ()) -> pa.Schema:
    """The Arrow schema Spark expects for these polars columns (plain strings), plus `extra` fields."""
    empty = frame.lazy().head(0).collect().to_arrow(compat_level=_COMPAT).schema
    fields = [pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type) for f in empty]
    return pa.schema(fields + [pa.field(name, dtype) for name, dtype in extra])
