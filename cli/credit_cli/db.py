"""`credit db migrate | url | bootstrap`."""

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


@app.command()
def bootstrap() -> None:
    """Migrations, then demo data (DEMO_CLIENTS clients), features and an active model for whatever the database
    lacks, and SERVICE_API_KEY registered (hashed) as the web service's key when it is set and unknown."""
    from credit_cli import _webaccess
    from credit_cli._common import fail
    from credit_cli.run import bootstrap as fill

    settings = get_settings()
    url = db.resolve_database_url(settings)
    db.upgrade(url)
    fill(settings, url)
    try:
        if _webaccess.register_service_key(settings, url):
            typer.echo("SERVICE_API_KEY registered")
    except _webaccess.UnusableServiceKey as exc:
        raise fail(str(exc)) from exc
    typer.echo("database ready")
