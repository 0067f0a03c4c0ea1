"""`credit db migrate | url`."""

from __future__ import annotations

import typer

from credit_core import db
from credit_core.settings import get_settings

app = typer.Typer(no_args_is_help=True)


@app.command()
def migrate() -> None:
    """Apply the Alembic migrations (the embedded server is started and stopped around it if needed)."""
    db.upgrade(db.resolve_database_url(get_settings()))
    typer.echo("database schema is up to date")


@app.command()
def url() -> None:
    """Print the database URL in use (DATABASE_URL, or the embedded server's socket URL)."""
    settings = get_settings()
    typer.echo(settings.database_url or f"embedded PostgreSQL in {settings.pgdata}")
