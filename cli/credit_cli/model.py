"""`credit model` commands: the registry of trained bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from credit_cli._common import fail, with_database

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """Registered model versions, newest first (* = the one the services serve, ~ = the challenger)."""
    rows = with_database(lambda engine, _settings: _list(engine))
    if not rows:
        typer.echo("no model registered yet: run `credit train`")
        return
    typer.echo(f"  {'version':<24} {'created (UTC)':<20} {'AUC':>7} {'threshold':>9}  evaluation")
    for row in rows:
        auc = row.metrics.get("auc")
        marker = "*" if row.is_active else "~" if row.is_challenger else " "
        typer.echo(
            f"{marker} {row.version:<24} {row.created_at:%Y-%m-%d %H:%M:%S}  "
            f"{'n/a' if auc is None else f'{auc:.4f}':>7} {row.threshold:>9.4f}  {row.metrics.get('evaluation', '')}"
        )


@app.command()
def activate(version: str) -> None:
    """Make VERSION the served model (services pick it up within a few seconds)."""
    from credit_core.registry import UnknownModelVersion

    try:
        row = with_database(lambda engine, _settings: _activate(engine, version))
    except UnknownModelVersion as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"active model: {row.version} (threshold {row.threshold:.4f})")


@app.command()
def shadow(
    version: Annotated[str | None, typer.Argument(help="The challenger; omit with --off")] = None,
    off: Annotated[bool, typer.Option("--off", help="Stop shadow scoring")] = False,
) -> None:
    """Score every live request with VERSION too, in the background (never slowing or changing the answer); its
    scores are stored beside the decisions and compared on the model page. `--off` stops it."""
    from credit_core.registry import UnknownModelVersion

    if (version is None) != off:
        raise fail("give a VERSION, or --off")
    try:
        row = with_database(lambda engine, _settings: _set_challenger(engine, version))
    except (UnknownModelVersion, ValueError) as exc:
        raise fail(str(exc)) from exc
    typer.echo("no challenger: shadow scoring stopped" if row is None else
               f"challenger: {row.version} (scored in the shadow of the active model)")


@app.command()
def promote() -> None:
    """Make the challenger the served model (the usual hot activation) and stop shadowing it."""
    from credit_core.registry import NoChallenger

    try:
        row = with_database(lambda engine, _settings: _promote(engine))
    except NoChallenger as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"active model: {row.version} (threshold {row.threshold:.4f}), promoted from challenger")


@app.command()
def register(
    path: Path,
    activate: Annotated[bool, typer.Option("--activate/--no-activate", help="Also make it the served model")] = False,
) -> None:
    """Record an existing bundle directory (e.g. one trained with --data-dir) in the registry."""
    from credit_core.model import BundleError, ModelBundle

    try:
        bundle = ModelBundle.load(path)  # a bundle of another feature set never reaches the services
    except BundleError as exc:
        raise fail(str(exc)) from exc
    meta = {**bundle.metadata, "path": str(path.resolve())}
    row = with_database(lambda engine, _settings: register_bundle(engine, meta, activate))
    typer.echo(f"registered {row.version}" + (" (active)" if row.is_active else ""))


@app.command()
def prune() -> None:
    """Delete precomputed SHAP rows (client_shap) of versions neither active nor previously active.

    The explain service does it by itself once a new version's precompute is complete; this is the manual way."""
    deleted = with_database(lambda engine, _settings: _prune(engine))
    if not deleted:
        typer.echo("nothing to prune")
    for version, rows in deleted.items():
        typer.echo(f"pruned {rows:,} client_shap rows of {version}")


async def _prune(engine: Any) -> dict[str, int]:
    from credit_core.explain import store

    async with engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        return await store.prune(raw)


async def _list(engine: Any) -> Any:
    from credit_core import db, registry

    async with db.session_factory(engine)() as session:
        return await registry.list_versions(session)


async def _activate(engine: Any, version: str) -> Any:
    from credit_core import db, registry

    async with db.session_factory(engine)() as session:
        return await registry.activate(session, version)


async def _set_challenger(engine: Any, version: str | None) -> Any:
    from credit_core import db, registry

    async with db.session_factory(engine)() as session:
        return await registry.set_challenger(session, version)


async def _promote(engine: Any) -> Any:
    from credit_core import db, registry

    async with db.session_factory(engine)() as session:
        return await registry.promote(session)


async def register_bundle(engine: Any, meta: dict[str, Any], activate: bool) -> Any:
    from credit_core import db, registry

    async with db.session_factory(engine)() as session:
        return await registry.register(session, meta, activate=activate)
