"""`credit data synth | fidelity | ingest | parquet`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from credit_cli._common import fail, with_database

app = typer.Typer(no_args_is_help=True)


@app.command()
def synth(
    clients: Annotated[int, typer.Option("--clients", min=100, help="Number of clients (train + test).")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")] = 1,
    out: Annotated[Path, typer.Option("--out", help="Output folder for the Kaggle-format CSV files.")] = Path(
        "synthetic"
    ),
    shift: Annotated[str, typer.Option(
        "--shift", help="Shift the population, for drift: younger, amounts, category (comma-separated).")] = "",
) -> None:
    """Write a realistic synthetic data set in the exact Home Credit (Kaggle) CSV format."""
    from credit_pipeline import synth as generator
    from credit_pipeline.synth import shift as shifts

    try:
        chosen = shifts.parse(shift)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    started = time.perf_counter()
    rows = generator.generate(clients, seed, out, shifts=chosen)
    seconds = time.perf_counter() - started
    total = sum(rows.values())
    for name, n in rows.items():
        typer.echo(f"{name:32} {n:>12,} rows")
    typer.echo(f"{total:,} rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s) → {out}")


@app.command()
def fidelity(
    data_dir: Annotated[Path, typer.Argument(help="Folder written by `credit data synth`.")],
    reference: Annotated[Path | None, typer.Option(help="Reference marginals JSON (default: packaged).")] = None,
) -> None:
    """Compare generated data with the real Home Credit marginals; exit 1 when a tolerance fails."""
    from credit_pipeline.fidelity import check_fidelity, format_report

    checks = check_fidelity(data_dir, reference)
    typer.echo(format_report(checks))
    failed = [c for c in checks if not c.ok]
    if failed:
        raise fail(f"{len(failed)} of {len(checks)} fidelity checks failed")
    typer.echo(f"all {len(checks)} fidelity checks passed")


@app.command()
def ingest(
    from_dir: Annotated[Path, typer.Option("--from", help="Folder holding the Kaggle CSV files.")],
) -> None:
    """Load the Home Credit CSV files of a folder into Postgres (all or nothing; replaces the data set)."""
    from credit_pipeline.ingest import IngestError
    from credit_pipeline.ingest import ingest as load

    started = time.perf_counter()
    try:
        report = with_database(lambda engine, _settings: load(engine, from_dir))
    except IngestError as exc:
        raise fail(f"{exc} — nothing was loaded, the database is unchanged") from None
    seconds = time.perf_counter() - started
    for name, n in report.rows.items():
        typer.echo(f"{name:32} {n:>12,} rows")
    total = sum(report.rows.values())
    typer.echo(f"{total:,} rows loaded in {seconds:.1f} s ({total / seconds:,.0f} rows/s)")


@app.command()
def parquet(
    from_dir: Annotated[Path, typer.Option("--from", help="Folder holding the Kaggle CSV files.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the Parquet files (same names, .parquet).")],
) -> None:
    """Convert the Kaggle CSV files of a folder to typed Parquet files (read faster by both engines)."""
    from credit_pipeline.ingest import IngestError
    from credit_pipeline.parquet import csv_dir_to_parquet

    started = time.perf_counter()
    try:
        rows = csv_dir_to_parquet(from_dir, out)
    except IngestError as exc:
        raise fail(str(exc)) from None
    for name, n in rows.items():
        typer.echo(f"{name:32} {n:>12,} rows")
    typer.echo(f"{sum(rows.values()):,} rows converted in {time.perf_counter() - started:.1f} s → {out}")
