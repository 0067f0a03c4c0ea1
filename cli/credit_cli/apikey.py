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


@app.command("list")
def list_keys() -> None:
    """The API keys: name, created, revoked (never the keys, which are not stored)."""
    import sqlalchemy as sa

    from credit_core import orm

    async def work(engine: AsyncEngine, settings: Settings) -> list[tuple[str, object, object]]:
        async with db.session_factory(engine)() as session:
            rows = await session.execute(sa.select(orm.ApiKey.name, orm.ApiKey.created_at, orm.ApiKey.revoked_at)
                                         .order_by(orm.ApiKey.created_at))
            return [tuple(r) for r in rows]  # type: ignore[misc]

    for name, created, revoked in with_database(work):
        state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "active"
        typer.echo(f"{name}\tcreated {created:%Y-%m-%d %H:%M}\t{state}")


@app.command()
def revoke(name: Annotated[str, typer.Argument(help="The caller whose key stops working.")]) -> None:
    """Revoke NAME's key: refused by the services within 30 s (their key cache), kept for the audit's sake."""
    import sqlalchemy as sa

    from credit_core import orm

    async def work(engine: AsyncEngine, settings: Settings) -> int:
        async with db.session_factory(engine)() as session:
            result = await session.execute(sa.update(orm.ApiKey).where(orm.ApiKey.name == name,
                                                                       orm.ApiKey.revoked_at.is_(None))
                                           .values(revoked_at=sa.func.now()))
            await session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    if with_database(work) == 0:
        raise fail(f"no active API key named {name!r}")
    typer.echo(f"API key {name} revoked")
