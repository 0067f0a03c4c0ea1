"""The `credit` console command: one entry point for data, features, training, services and benchmarks."""

from __future__ import annotations

import typer

from credit_cli import (
    apikey,
    bench,
    data,
    db,
    drift,
    events,
    features,
    i18n,
    model,
    outcomes,
    portfolio,
    run,
    train,
    user,
)

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Prêt à dépenser credit scoring.")
app.add_typer(data.app, name="data", help="Generate, check and load Home Credit data.")
app.add_typer(features.app, name="features", help="Build per-client features.")
app.add_typer(model.app, name="model", help="List, activate, shadow and promote model versions.")
app.add_typer(apikey.app, name="apikey", help="Manage API keys of the scoring and explain services.")
app.add_typer(user.app, name="user", help="Manage dashboard users.")
app.add_typer(bench.app, name="bench", help="Benchmarks that print figures.")
app.add_typer(db.app, name="db", help="Database: migrations and embedded server.")
app.add_typer(i18n.app, name="i18n", help="Dashboard translations: extract, update, compile, check.")
app.add_typer(drift.app, name="drift", help="Drift of the scored population (Evidently).")
app.add_typer(outcomes.app, name="outcomes", help="Observed outcomes (defaults) of past decisions.")
app.add_typer(events.app, name="events", help="Decision events: relay the outbox to the broker.")
app.command("train")(train.train)
app.command("rescore")(portfolio.rescore)
app.command("run")(run.run)
