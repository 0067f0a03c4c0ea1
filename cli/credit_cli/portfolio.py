"""`credit rescore` and the file path of `credit features build`: Kaggle-format folder -> Parquet by client bucket.

`--engine local` runs the polars pipeline on this machine; `--engine spark` runs the same steps on Spark (local[*]
by default, `--master` for another, or the cluster of `spark-submit --master ...`: docs/SPARK.md).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from credit_cli._common import fail, with_database
from credit_core.settings import get_settings


class EngineName(StrEnum):
    local = "local"
    spark = "spark"


EngineOption = Annotated[EngineName, typer.Option("--engine", help="local (polars, this machine) or spark")]
BucketsOption = Annotated[int, typer.Option("--buckets", min=1, help="Client buckets (Parquet partitions, and the "
                                                                     "unit of Spark work): SK_ID_CURR mod N")]
MasterOption = Annotated[str | None, typer.Option("--master", help="Spark master (default: local[*], or "
                                                                  "spark-submit's)")]
ConfOption = Annotated[list[str] | None, typer.Option("--conf", help="Spark setting KEY=VALUE (repeatable)")]


def rescore(
    input_dir: Annotated[str, typer.Option("--input", help="Folder of Kaggle tables (CSV or Parquet); a Hadoop URI "
                                                           "(hdfs://, s3a://) with --engine spark")],
    out: Annotated[str, typer.Option("--out", help="Output folder: scores/ (Parquet) and scores.json (audit)")],
    engine: EngineOption = EngineName.local,
    model: Annotated[str | None, typer.Option(help="Bundle folder or version under the models folder "
                                                   "(default: the active version in the registry)")] = None,
    buckets: BucketsOption = 16,
    master: MasterOption = None,
    conf: ConfOption = None,
) -> None:
    """Score every client of a Kaggle-format folder with one model: Parquet of scores and decisions by client
    bucket, plus an audit summary (model, counts by decision and risk band, timings)."""
    from credit_core.model import BundleError, ModelBundle

    try:
        bundle = ModelBundle.load(_bundle_path(model))
    except BundleError as exc:
        raise fail(str(exc)) from None
    if engine is EngineName.local:
        from credit_pipeline.portfolio import local

        report = _run(lambda: local.rescore(Path(input_dir), bundle, Path(out), buckets=buckets))
    else:
        from credit_pipeline.portfolio import spark_jobs, spark_session

        with spark_session.session(master, spark_conf(conf)) as spark:
            report = _run(lambda: spark_jobs.rescore(spark, input_dir, bundle, out, buckets=buckets))
    typer.echo(f"{report['clients']:,} clients scored by {report['model']['version']} on {engine} in "
               f"{report['seconds']:.1f} s: {report['decisions']['granted']:,} granted, "
               f"{report['decisions']['refused']:,} refused → {report['output']}")


def features_to_files(input_dir: str, out: str, engine: EngineName, buckets: int, master: str | None,
                      conf: list[str] | None) -> None:
    if engine is EngineName.local:
        from credit_pipeline.portfolio import local

        report = _run(lambda: local.features(Path(input_dir), Path(out), buckets=buckets))
    else:
        from credit_pipeline.portfolio import spark_jobs, spark_session

        with spark_session.session(master, spark_conf(conf)) as spark:
            report = _run(lambda: spark_jobs.features(spark, input_dir, out, buckets=buckets))
    typer.echo(f"{report['clients']:,} clients' features on {engine} in {report['seconds']:.1f} s "
               f"→ {report['output']}")


def _run(job: Any) -> dict[str, Any]:
    from credit_pipeline.ingest import IngestError

    try:
        report: dict[str, Any] = job()
    except (IngestError, FileNotFoundError) as exc:
        raise fail(str(exc)) from None
    return report


def spark_conf(pairs: list[str] | None) -> dict[str, str]:
    settings = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise fail(f"--conf {pair!r}: expected KEY=VALUE")
        settings[key] = value
    return settings


def _bundle_path(model: str | None) -> Path:
    settings = get_settings()
    if model is not None:
        path = Path(model)
        return path if path.is_dir() else settings.models_dir / model
    from credit_core import registry
    from credit_core.db import session_factory

    async def active(engine: Any, _settings: Any) -> Path | None:
        async with session_factory(engine)() as session:
            row = await registry.active_version(session)
        return None if row is None else registry.resolve_path(row, settings.models_dir)

    path = with_database(active)
    if path is None:
        raise fail("no active model version: train one (credit train) or pass --model")
    return path

