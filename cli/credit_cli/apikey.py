"""`credit apikey` commands."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_cli._common import fail, with_database
from credit_core import db
from credit_core.settings import Settings

app = typer.Typer(no_args_is_help=True)


@app.command()
def create(name: Annotated[str, typer.Argument(help="Caller name, recorded in every audited decision.")]) -> None:
    """Create an API key for NAME and print it once (only its SHA-256 is stored)."""
    from credit_core.service import auth

    async def work(engine: AsyncEngine, settings: Settings) -> str:
        async with db.session_factory(engine)() as session:
            return await auth.create_api_key(session, name)

    try:
        key = with_database(work)
    except IntegrityError as exc:
        raise fail(f"an API key named {name!r} already exists") from exc
    typer.echo(key)
