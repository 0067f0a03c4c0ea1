"""`credit drift report`: the scored population against the model's training population (Evidently)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from credit_cli._common import fail, with_database

app = typer.Typer(no_args_is_help=True)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta:
    """"30d", "12h", "2w" → a duration."""
    match = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", text)
    if not match or int(match[1]) == 0:
        raise ValueError(f"--since {text!r}: expected a duration such as 30d, 12h or 2w")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


@app.command()
def report(
    since: Annotated[str, typer.Option("--since", help="Window of audited decisions: 30d, 12h, 2w.")] = "30d",
    out: Annotated[Path | None, typer.Option("--out", help="HTML report (default: DATA_DIR/drift/…).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="JSON summary (default: beside the HTML).")] = None,
    version: Annotated[str | None, typer.Option("--version", help="Model version (default: the active one).")
                       ] = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="Compare a Kaggle-format folder instead of the audited decisions.")] = None,
) -> None:
    """Per-feature drift (PSI test and score), prediction drift and, where outcomes are known, performance drift;
    the summary is stored (model page, metrics) and the full report written as HTML plus JSON."""
    try:
        window = parse_since(since)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    try:
        summary, html = with_database(lambda engine, settings: _report(engine, settings, window, out, version,
                                                                       data_dir))
    except (ValueError, FileNotFoundError, LookupError, ImportError) as exc:
        raise fail(str(exc)) from exc
    json_path = json_out or html.with_suffix(".json")
    json_path.write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
    _print(summary)
    typer.echo(f"report: {html}\nsummary: {json_path}")


async def _report(engine: Any, settings: Any, window: timedelta, out: Path | None, version: str | None,
                  data_dir: Path | None) -> tuple[dict[str, Any], Path]:
    import asyncio

    from credit_core import db, registry
    from credit_core.model import ModelBundle
    from credit_core.monitoring import drift, populations

    async with db.session_factory(engine)() as session:
        row = await (registry.active_version(session) if version is None else _version(session, version))
        if row is None:
            raise LookupError("no active model: run `credit train` or give --version")
    bundle = await asyncio.to_thread(ModelBundle.load, registry.resolve_path(row, settings.models_dir))
    reference = await asyncio.to_thread(populations.reference, bundle)
    end = datetime.now(UTC)
    start = end - window
    outcomes = None
    if data_dir is not None:
        from credit_pipeline import featurize

        frame = await asyncio.to_thread(featurize.compute, data_dir)
        current = await asyncio.to_thread(populations.scored, bundle, frame)
        source, bounds = f"folder:{data_dir}", (None, None)
    else:
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            current = await populations.window(raw, bundle.version, start, end)
            outcomes = await populations.window_outcomes(raw, bundle.version, start, end)
        source, bounds = "audit", (start, end)
    result = await asyncio.to_thread(
        lambda: drift.compare(reference, current, model_version=bundle.version, outcomes=outcomes,
                              evaluation_auc=bundle.metadata.get("metrics", {}).get("auc"), source=source,
                              window=None if data_dir is not None else (start, end)))
    html = out or settings.data_dir / "drift" / f"{bundle.version}-{end:%Y%m%dT%H%M%S}.html"
    html.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(result.save_html, html)
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        result.summary["report_id"] = await populations.store(raw, result.summary, html_path=str(html.resolve()),
                                                              window_bounds=bounds)
        await conn.commit()
    return result.summary, html


async def _version(session: Any, version: str) -> Any:
    from credit_core.orm import ModelVersion
    from credit_core.registry import UnknownModelVersion

    row = await session.get(ModelVersion, version)
    if row is None:
        raise UnknownModelVersion(version)
    return row


def _print(summary: dict[str, Any]) -> None:
    features = summary["features"]
    drifted = summary["drifted_features"]
    typer.echo(f"model {summary['model_version']}: {summary['n_current']:,} current vs {summary['n_reference']:,} "
               f"reference applications ({summary['source']})")
    if summary.get("small_sample"):
        typer.echo("note: a small window: with so few applications, PSI flags noise too (widen --since)")
    typer.echo(f"drifted features: {len(drifted)} of {len(features)} ({summary['drifted_share']:.1%}), "
               f"PSI ≥ {summary['threshold']}")
    for row in features[:15]:
        if row["drifted"]:
            typer.echo(f"  {row['feature']:<32} PSI {row['score']:.3f}")
    prediction = summary["prediction"]
    typer.echo(f"prediction: PSI {prediction['score']:.3f}{' (drifted)' if prediction['drifted'] else ''}, "
               f"mean P(default) {prediction['mean_reference']:.3f} → {prediction['mean_current']:.3f}")
    performance = summary["performance"]
    if performance and performance["auc_current"] is not None:
        typer.echo(f"performance: AUC {performance['auc_current']:.3f} on {performance['n_outcomes']:,} outcomes "
                   f"(evaluation {performance['auc_reference']})")
    elif performance:
        typer.echo(f"performance: {performance['n_outcomes']:,} outcome(s) known, too few for an AUC")
