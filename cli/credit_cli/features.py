"""`credit features build`."""

from __future__ import annotations

import time

import typer

from credit_cli._common import fail, with_database

app = typer.Typer(no_args_is_help=True)


@app.command()
def build() -> None:
    """Compute every client's features from the raw tables; write client_feature and the training Parquet."""
    from credit_pipeline import featurize

    started = time.perf_counter()
    try:
        report = with_database(lambda engine, settings: featurize.build(engine, settings.features_parquet))
    except featurize.NoApplicationData as exc:
        raise fail(str(exc)) from None
    seconds = time.perf_counter() - started
    typer.echo(
        f"{report.clients:,} clients × {report.n_features} features in {seconds:.1f} s "
        f"→ client_feature and {report.parquet}"
    )
