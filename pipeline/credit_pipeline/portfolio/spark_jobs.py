"""The Spark engine: credit_core.features.build's plan, step by step, with Spark doing the distribution.

The driver derives the job from the feature plan itself, on empty frames (no data): which history groups run,
which raw tables each one reads (recorded, not listed), their output schemas and zero-filled columns. Then:
1. read the tables (spark_tables: only the columns the plan reads), each row tagged with its client;
2. application step on the application rows (mapInArrow: row-wise, no shuffle);
3. each history group's step on one client bucket at a time (groupBy(bucket).applyInArrow; cogroup for a group
   reading two tables): Spark shuffles the rows by client, so a client's rows are all in one call;
4. left joins of every group's per-client aggregate onto the application rows, on SK_ID_CURR (Spark joins);
5. finishing step (zero fills, derived features, catalogue order) and, for a rescore, the model's scores
   (mapInArrow), then Parquet partitioned by client bucket.
Every feature is computed by the shared polars code (_spark_tasks), so both engines give the same features.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from credit_core import homecredit
from credit_core.features import build, raw
from credit_core.features.inputs import input_columns
from credit_core.model import ModelBundle
from credit_pipeline.portfolio import layout, spark_session, summary
from credit_pipeline.portfolio._spark_tasks import (
    ApplicationTask,
    FinishTask,
    GroupTask,
    arrow_schema,
)
from credit_pipeline.portfolio.scoring import SCHEMA as SCORE_SCHEMA
from credit_pipeline.portfolio.spark_tables import CLIENT, read_tables

_WORK_BUCKET = "_bucket"
SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions"


@dataclass(frozen=True)
class GroupPlan:
    name: str
    tables: tuple[str, ...]
    zero_fill: tuple[str, ...]
    schema: pa.Schema


@dataclass(frozen=True)
class Plan:
    application: pa.Schema
    groups: tuple[GroupPlan, ...]
    features: pa.Schema  # SK_ID_CURR + catalogue columns


class _ReadRecorder(dict[str, pl.LazyFrame]):
    """The tables mapping handed to a group's step on the driver: records which tables the group asks for."""

    def __init__(self, tables: dict[str, pl.LazyFrame]) -> None:
        super().__init__(tables)
        self.asked: list[str] = []

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.append(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> pl.LazyFrame:
        self.asked.append(key)
        return super().__getitem__(key)


def plan(present: Iterable[str], *, with_target: bool) -> Plan:
    """The job for these tables, read off the feature plan run on empty frames."""
    empty = build.conformed({name: raw.polars_schema(homecredit.TABLES_BY_NAME[name]).to_frame() for name in present})
    target = [("TARGET", pa.int64())] if with_target else []
    groups = []
    for group in build.HISTORY_GROUPS:
        recorder = _ReadRecorder(empty)
        step = build.group_step(group, recorder)
        if step is None:
            continue
        tables = tuple(dict.fromkeys(name for name in recorder.asked if name in empty))
        groups.append(GroupPlan(group.GROUP, tables, step.zero_fill, arrow_schema(step.per_client)))
    return Plan(arrow_schema(build.application_step(empty), target), tuple(groups),
                arrow_schema(build.feature_plan(empty)))


def feature_rows(spark: SparkSession, input_uri: str, buckets: int, *, with_target: bool
                 ) -> tuple[DataFrame, Plan, dict[str, str]]:
    """Application rows joined with every group's per-client aggregate, partitioned by client bucket."""
    columns = {name: list(cols) for name, cols in input_columns().items()}
    if with_target:
        columns["application"] = [*columns["application"], "TARGET"]
    tables, files = read_tables(spark, input_uri, columns)
    job = plan(tables, with_target=with_target)
    joined = tables["application"].drop(CLIENT).mapInArrow(
        ApplicationTask(job.application, with_target), from_arrow_schema(job.application))
    for group in job.groups:
        keyed = [tables[name].withColumn(_WORK_BUCKET, F.pmod(F.col(CLIENT), F.lit(buckets))).groupBy(_WORK_BUCKET)
                 for name in group.tables]
        function = GroupTask(group.name, group.tables, group.schema).function()
        schema = from_arrow_schema(group.schema)
        if len(keyed) == 1:
            per_client = keyed[0].applyInArrow(function, schema)
        else:
            per_client = keyed[0].cogroup(keyed[1]).applyInArrow(function, schema)
        joined = joined.join(per_client, on="SK_ID_CURR", how="left")
    bucketed = joined.withColumn(layout.BUCKET, F.pmod(F.col("SK_ID_CURR"), F.lit(buckets)).cast("int"))
    return bucketed.repartition(buckets, layout.BUCKET), job, files


def features(spark: SparkSession, input_uri: str, out_uri: str, *, buckets: int = layout.DEFAULT_BUCKETS,
             with_target: bool = True) -> dict[str, Any]:
    """SK_ID_CURR, TARGET and the catalogue features -> `out/features/` (by client bucket), `out/features.json`."""
    started, clock = summary.now(), time.perf_counter()
    with shuffle_partitions(spark, buckets) as partitions:
        rows, job, files = feature_rows(spark, input_uri, buckets, with_target=with_target)
        target = [pa.field("TARGET", pa.int64())] if with_target else []
        schema = pa.schema([*job.features, *target, pa.field(layout.BUCKET, pa.int32())])
        task = FinishTask(tuple((g.name, g.zero_fill) for g in job.groups), schema, with_target)
        output = layout.data_dir(out_uri, layout.FEATURES)
        rows.mapInArrow(task, from_arrow_schema(schema)).write.mode("overwrite").partitionBy(layout.BUCKET).parquet(
            output)
        clients = spark.read.parquet(output).count()
    report = summary.features_summary(
        engine="spark", master=spark.sparkContext.master, inputs=files, output=output, buckets=buckets,
        clients=clients, started_at=started, seconds=time.perf_counter() - clock, shuffle_partitions=partitions)
    _write_text(spark, layout.summary_file(out_uri, layout.FEATURES), json.dumps(report, indent=2) + "\n")
    return report


def rescore(spark: SparkSession, input_uri: str, bundle: ModelBundle, out_uri: str, *,
            buckets: int = layout.DEFAULT_BUCKETS) -> dict[str, Any]:
    """Every client's score and decision -> `out/scores/` (by client bucket), audit summary `out/scores.json`."""
    started, clock = summary.now(), time.perf_counter()
    with shuffle_partitions(spark, buckets) as partitions:
        rows, job, files = feature_rows(spark, input_uri, buckets, with_target=False)
        # The bundle folder travels with the job (Spark's file distribution): executors load it once per worker.
        spark.sparkContext.addFile(str(bundle.path.resolve()), recursive=True)
        schema = pa.schema([*arrow_schema(SCORE_SCHEMA.to_frame()), pa.field(layout.BUCKET, pa.int32())])
        task = FinishTask(tuple((g.name, g.zero_fill) for g in job.groups), schema, False, bundle.path.resolve().name)
        output = layout.data_dir(out_uri, layout.SCORES)
        rows.mapInArrow(task, from_arrow_schema(schema)).write.mode("overwrite").partitionBy(layout.BUCKET).parquet(
            output)
        counts = (spark.read.parquet(output).groupBy("decision", "risk_band")
                  .agg(F.count(F.lit(1)).alias("n"), F.sum("probability").alias("total")).collect())
    report = summary.rescore_summary(
        engine="spark", master=spark.sparkContext.master, inputs=files, output=output, buckets=buckets,
        bundle=bundle, counts=[(r["decision"], r["risk_band"], int(r["n"]), float(r["total"])) for r in counts],
        started_at=started, seconds=time.perf_counter() - clock, shuffle_partitions=partitions)
    _write_text(spark, layout.summary_file(out_uri, layout.SCORES), json.dumps(report, indent=2) + "\n")
    return report


@contextmanager
def shuffle_partitions(spark: SparkSession, buckets: int) -> Iterator[int]:
    """The job's shuffle partitions: one per client bucket by default (a bucket is the unit of work; Spark's 200
    would be mostly empty tasks), unless the user chose a number (--conf spark.sql.shuffle.partitions=N,
    spark-submit's --conf, spark-defaults.conf), which wins. The job's own default is undone afterwards, so it
    never passes for a user's choice in a later job of the same session."""
    if spark_session.chosen(spark, SHUFFLE_PARTITIONS):
        yield int(spark.conf.get(SHUFFLE_PARTITIONS) or buckets)
        return
    spark.conf.set(SHUFFLE_PARTITIONS, str(buckets))
    try:
        yield buckets
    finally:
        spark.conf.unset(SHUFFLE_PARTITIONS)


def _write_text(spark: SparkSession, uri: str, text: str) -> None:
    """A small file beside the output, through Hadoop's FileSystem (local folder, HDFS, S3... alike)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(uri)
    stream = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).create(path, True)
    try:
        stream.write(bytearray(text.encode()))
    finally:
        stream.close()
