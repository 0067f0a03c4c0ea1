"""`credit model` commands: the registry of trained bundles."""

from __future__ import annotations

from typing import Any

import typer

from credit_cli._common import fail, with_database

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """Registered model versions, newest first (* = the one the services serve)."""
    rows = with_database(lambda engine, _settings: _run(engine, "list", None))
    if not rows:
        typer.echo("no model registered yet: run `credit train`")
        return
    typer.echo(f"  {'version':<24} {'created (UTC)':<20} {'AUC':>7} {'threshold':>9}  evaluation")
    for row in rows:
        auc = row.metrics.get("auc")
        marker = "*" if row.is_active else " "
        typer.echo(
            f"{marker} {row.version:<24} {row.created_at:%Y-%m-%d %H:%M:%S}  "
            f"{'n/a' if auc is None else f'{auc:.4f}':>7} {row.threshold:>9.4f}  {row.metrics.get('evaluation', '')}"
        )


@app.command()
def activate(version: str) -> None:
    """Make VERSION the served model (services pick it up within a few seconds)."""
    from credit_core.registry import UnknownModelVersion

    try:
        row = with_database(lambda engine, _settings: _run(engine, "activate", version))
    except UnknownModelVersion as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"active model: {row.version} (threshold {row.threshold:.4f})")


async def _run(engine: Any, action: str, version: str | None) -> Any:
    from credit_core import db, registry

    async with db.session_factory(engine)() as session:
        if action == "list":
            return await registry.list_versions(session)
        assert version is not None
        return await registry.activate(session, version)
