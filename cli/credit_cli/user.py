"""`credit user` commands: dashboard accounts (argon2 password hashes in app_user)."""

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
def create(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, '.', '-', '_').")],
    role: Annotated[str, typer.Option(help="advisor, or admin (also sees the user list at /admin/users)")
                    ] = "advisor",
    password: Annotated[str | None, typer.Option(
        help="The password (at least 10 characters). Omit it to be prompted without echo.")] = None,
) -> None:
    """Create a dashboard user; only the argon2 hash of the password is stored."""
    from credit_web import auth

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        auth.check_new_user(username, password, role)
    except ValueError as exc:
        raise fail(str(exc)) from exc

    async def work(engine: AsyncEngine, settings: Settings) -> None:
        async with db.session_factory(engine)() as session:
            await auth.create_user(session, username, password, role)

    try:
        with_database(work)
    except IntegrityError as exc:
        raise fail(f"a user named {username!r} already exists") from exc
    typer.echo(f"user {username} ({role}) created")
