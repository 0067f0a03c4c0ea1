"""Kaggle-format tables as Spark DataFrames: CSV or Parquet, typed from credit_core.homecredit, only the columns
the feature plan reads (credit_core.features.inputs), each row tagged with its client.

Paths are Hadoop URIs (a local folder, hdfs://, s3a://...): on a cluster the executors read the input, not the
driver. A table without SK_ID_CURR (bureau_balance) gets its client through the table whose key it references.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, DoubleType, LongType, StringType, StructField, StructType

from credit_core import homecredit
from credit_pipeline.ingest import check_columns
from credit_pipeline.sources import parquet_name

CLIENT = "_client"
SPARK_TYPES: dict[homecredit.Kind, DataType] = {
    homecredit.Kind.KEY: LongType(),
    homecredit.Kind.TARGET: LongType(),
    homecredit.Kind.NUM: DoubleType(),
    homecredit.Kind.CAT: StringType(),
}


def read_tables(spark: SparkSession, input_uri: str, columns: dict[str, Sequence[str]]
                ) -> tuple[dict[str, DataFrame], dict[str, str]]:
    """Raw table name -> typed frame of `columns[name]` (+ CLIENT), for the tables present; and Kaggle file -> the
    file read for it (Parquet twin preferred)."""
    tables: dict[str, DataFrame] = {}
    files: dict[str, str] = {}
    for table in homecredit.TABLES:
        frames = []
        for file in table.files:
            read = _read_file(spark, input_uri, file, table, columns[table.name])
            if read is not None:
                frames.append(read[0])
                files[file] = read[1]
        if frames:
            tables[table.name] = reduce(lambda a, b: a.unionByName(b), frames)
    if homecredit.APPLICATION.name not in tables:
        raise FileNotFoundError(f"{input_uri}: needs {homecredit.TRAIN_FILE} and/or {homecredit.TEST_FILE}")
    return {name: _with_client(name, frame, tables) for name, frame in tables.items()}, files


def _read_file(spark: SparkSession, input_uri: str, file: str, table: homecredit.Table, wanted: Sequence[str]
               ) -> tuple[DataFrame, str] | None:
    parquet, csv = f"{input_uri}/{parquet_name(file)}", f"{input_uri}/{file}"
    if _exists(spark, parquet):
        frame, path = spark.read.parquet(parquet), parquet
        check_columns(file, frame.columns, table)
    elif _exists(spark, csv):
        header = spark.read.option("header", True).csv(csv).columns
        check_columns(file, header, table)
        # CSV columns are matched by position: the schema follows the file's own header order.
        schema = StructType([StructField(name, SPARK_TYPES[table.column(name).kind]) for name in header])
        frame = spark.read.schema(schema).option("header", True).option("mode", "FAILFAST").csv(csv)
        path = csv
    else:
        return None
    return frame.select([_typed(frame, table, name) for name in wanted]), path


def _typed(frame: DataFrame, table: homecredit.Table, name: str) -> Column:
    dtype = SPARK_TYPES[table.column(name).kind]
    column = F.col(name) if name in frame.columns else F.lit(None)  # application_test has no TARGET
    return column.cast(dtype).alias(name)


def _with_client(name: str, frame: DataFrame, tables: dict[str, DataFrame]) -> DataFrame:
    if "SK_ID_CURR" in frame.columns:
        return frame.withColumn(CLIENT, F.col("SK_ID_CURR"))
    for parent_name, parent in tables.items():
        table = homecredit.TABLES_BY_NAME[parent_name]
        key = table.primary_key
        if "SK_ID_CURR" in parent.columns and len(key) == 1 and key[0] in frame.columns:
            owners = parent.select(key[0], F.col("SK_ID_CURR").alias(CLIENT))
            return frame.join(owners, on=key[0], how="inner")  # rows of unknown parents belong to no client
    raise ValueError(f"table {name}: no SK_ID_CURR and no present table its rows belong to")


def _exists(spark: SparkSession, uri: str) -> bool:
    jvm = spark.sparkContext._jvm  # Hadoop's FileSystem: the same paths the executors will read
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return bool(path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(path))
