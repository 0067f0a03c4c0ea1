"""`credit bench ...`: benchmarks that print figures (they assert nothing; see docs/BENCHMARKS.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import psutil
import typer

from credit_cli.bench_explain import explain
from credit_cli.bench_relay import relay
from credit_cli.bench_scoring import scoring
from credit_cli.bench_soak import soak
from credit_cli.bench_startup import startup
from credit_cli.bench_web import web
from credit_core import db
from credit_core.settings import Settings

app = typer.Typer(no_args_is_help=True)
app.command("scoring")(scoring)
app.command("soak")(soak)
app.command("explain")(explain)
app.command("web")(web)
app.command("startup")(startup)
app.command("relay")(relay)


@dataclass
class StageFigures:
    name: str
    seconds: float
    peak_rss_mb: float


def measure(name: str, args: list[str], env: dict[str, str]) -> StageFigures:
    """Run `credit ARGS` in a child process, sampling its (and its children's) RSS for the peak."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "credit_cli", *args], env=env, stdout=subprocess.DEVNULL)
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            family = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in family if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode != 0:
        raise typer.Exit(proc.returncode)
    return StageFigures(name, time.perf_counter() - started, peak / 2**20)


def count_rows(folder: Path) -> int:
    total = 0
    for path in folder.glob("*.csv"):
        if path.name != "truth.csv":
            with path.open("rb") as f:
                total += sum(1 for _ in f) - 1
    return total


@app.command("data")
def data(
    clients: Annotated[int, typer.Option("--clients", help="Clients to generate.")] = 20_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    keep: Annotated[bool, typer.Option(help="Keep the generated files and database.")] = False,
) -> None:
    """Synth → ingest → features on a private embedded database; prints seconds, rows/s and peak RSS."""
    work = Path(tempfile.mkdtemp(prefix="bench-data-"))
    settings = Settings(database_url=os.environ.get("DATABASE_URL", ""), data_dir=work)
    env = dict(os.environ, DATA_DIR=str(work), DATABASE_URL=db.resolve_database_url(settings))
    try:
        synth = measure(
            "synth", ["data", "synth", "--clients", str(clients), "--seed", str(seed), "--out", str(work / "csv")], env
        )
        rows = count_rows(work / "csv")
        ingest = measure("ingest", ["data", "ingest", "--from", str(work / "csv")], env)
        features = measure("features", ["features", "build"], env)
    finally:
        db.stop_embedded()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    typer.echo(f"{clients:,} clients, {rows:,} rows (all tables)")
    typer.echo(f"{'stage':10} {'seconds':>9} {'rate':>22} {'peak RSS MB':>12}")
    for stage in (synth, ingest, features):
        # synth and ingest move rows of every table; features yields one row per client.
        rate, unit = (clients, "clients/s") if stage.name == "features" else (rows, "rows/s")
        typer.echo(f"{stage.name:10} {stage.seconds:9.1f} {rate / stage.seconds:12,.0f} {unit:9} "
                   f"{stage.peak_rss_mb:12,.0f}")
    typer.echo(f"{'total':10} {synth.seconds + ingest.seconds + features.seconds:9.1f}")
