"""`credit features build` (database -> client_feature, or a Kaggle-format folder -> Parquet, local or Spark)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from credit_cli._common import fail, with_database
from credit_cli.portfolio import (
    BucketsOption,
    ConfOption,
    EngineName,
    EngineOption,
    MasterOption,
    features_to_files,
    spark_conf,
)

app = typer.Typer(no_args_is_help=True)


@app.command()
def build(
    input_dir: Annotated[str | None, typer.Option("--input", help="Folder of Kaggle tables (CSV or Parquet) instead "
                                                                  "of the database; needs --out")] = None,
    out: Annotated[str | None, typer.Option("--out", help="With --input: output folder, features/ (Parquet by "
                                                          "client bucket) and features.json")] = None,
    engine: EngineOption = EngineName.local,
    buckets: BucketsOption = 16,
    master: MasterOption = None,
    conf: ConfOption = None,
) -> None:
    """Compute every client's features: from the raw tables into client_feature and the training Parquet, or
    (--input/--out) from a Kaggle-format folder into Parquet by client bucket; on this machine or on Spark."""
    from credit_pipeline import featurize

    if input_dir is not None or out is not None:
        if input_dir is None or out is None:
            raise fail("--input and --out go together")
        features_to_files(input_dir, out, engine, buckets, master, conf)
        return

    started = time.perf_counter()
    try:
        if engine is EngineName.spark:
            from credit_pipeline.portfolio import spark_database, spark_session

            with spark_session.session(master, spark_conf(conf)) as spark:
                report = with_database(lambda db_engine, settings: spark_database.build(
                    db_engine, spark, settings.features_parquet, buckets=buckets))
        else:
            report = with_database(lambda db_engine, settings: featurize.build(db_engine, settings.features_parquet))
    except featurize.NoApplicationData as exc:
        raise fail(str(exc)) from None
    seconds = time.perf_counter() - started
    typer.echo(
        f"{report.clients:,} clients × {report.n_features} features on {engine} in {seconds:.1f} s "
        f"→ client_feature and {report.parquet}"
    )
