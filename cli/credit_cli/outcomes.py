"""`credit outcomes` commands: observed defaults of past decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from credit_cli._common import fail, with_database

app = typer.Typer(no_args_is_help=True)


@app.command()
def ingest(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]) -> None:
    """Record observed outcomes from a CSV (client_id or decision_id, outcome, date): all lines or none.

    Every error names its line. The outcomes feed performance drift (`credit drift report`) and the
    champion/challenger comparison (AUC, cost)."""
    from credit_core.monitoring import outcomes

    try:
        parsed = outcomes.parse(file.read_text(encoding="utf-8-sig"))
        stored = with_database(lambda engine, _settings: _ingest(engine, parsed, file.name))
    except outcomes.OutcomeFileError as exc:
        raise fail(f"{file}: {exc}") from exc
    typer.echo(f"stored {stored:,} outcome(s) from {file}")


async def _ingest(engine: Any, parsed: Any, source: str) -> int:
    from credit_core.monitoring import outcomes

    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        return await outcomes.ingest(raw, parsed, source=source)
