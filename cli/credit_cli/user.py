"""`credit user` commands: dashboard accounts (argon2 password hashes in app_user), password and role changes,
ending sessions. A change of password or role ends the user's open sessions at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import typer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from credit_cli._common import fail, with_database
from credit_core import db, orm
from credit_core.service.database import create_raw_pool
from credit_core.settings import Settings

if TYPE_CHECKING:
    from credit_web.auth import User

app = typer.Typer(no_args_is_help=True)


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, '.', '-', '_').")],
    role: Annotated[str, typer.Option(help="advisor, or admin (also sees the user list at /admin/users)")
                    ] = "advisor",
    password: Annotated[str | None, typer.Option(
        help="The password (at least 10 characters). Omit it to be prompted without echo.")] = None,
    display_name: Annotated[str | None, typer.Option(
        help="The name letters are signed with (e.g. 'Claire Martin'); the login is never printed.")] = None,
) -> None:
    """Create a dashboard user; only the argon2 hash of the password is stored."""
    from credit_web import auth

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        auth.check_new_user(username, password, role)
        if display_name is not None:
            auth.check_display_name(display_name)
    except ValueError as exc:
        raise fail(str(exc)) from exc

    async def work(engine: AsyncEngine, settings: Settings) -> None:
        async with db.session_factory(engine)() as session:
            await auth.create_user(session, username, password, role)
            if display_name is not None:
                await auth.set_display_name(session, username, display_name)

    try:
        with_database(work)
    except IntegrityError as exc:
        raise fail(f"a user named {username!r} already exists") from exc
    typer.echo(f"user {username} ({role}) created")


async def _end_sessions(engine: AsyncEngine, user_ids: list[int] | None) -> int:
    """End the sessions of these users (all sessions when None) in the store the web service uses."""
    from credit_web.config import get_web_settings
    from credit_web.session_store import Lifetimes, open_store
    from credit_web.throttle import ADDRESS_POLICY, PAIR_POLICY

    web = get_web_settings()
    pool = await create_raw_pool(engine.url.render_as_string(hide_password=False), max_size=1)
    store = open_store(pool, Lifetimes(web.session_max_age_seconds, web.session_idle_seconds),
                       redis_url=web.redis_url, redis_prefix=web.redis_prefix, policies=(PAIR_POLICY, ADDRESS_POLICY))
    try:
        if user_ids is None:
            return await store.delete_all()
        return sum([await store.delete_user(user_id) for user_id in user_ids])
    finally:
        await store.close()
        await pool.close()


def _change(username: str, change: Callable[[AsyncSession], Awaitable[User]], done: str) -> None:
    async def work(engine: AsyncEngine, settings: Settings) -> int:
        async with db.session_factory(engine)() as session:
            user = await change(session)
        return await _end_sessions(engine, [user.user_id])

    try:
        ended = with_database(work)
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"{done}; {ended} session(s) ended")


@app.command()
def password(
    username: Annotated[str, typer.Argument(help="The user whose password changes.")],
    new_password: Annotated[str | None, typer.Option("--password", help=(
        "The new password (at least 10 characters). Omit it to be prompted without echo."))] = None,
) -> None:
    """Change a user's password; the user's open dashboard sessions end at once."""
    from credit_web import auth

    if new_password is None:
        new_password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    secret = new_password
    _change(username, lambda session: auth.set_password(session, username, secret), f"password of {username} changed")


@app.command()
def role(
    username: Annotated[str, typer.Argument(help="The user whose role changes.")],
    new_role: Annotated[str, typer.Option("--role", help="advisor or admin")],
) -> None:
    """Change a user's role; the user's open dashboard sessions end at once (they sign in again with the new role)."""
    from credit_web import auth

    _change(username, lambda session: auth.set_role(session, username, new_role), f"{username} is now {new_role}")


@app.command("display-name")
def display_name(
    username: Annotated[str, typer.Argument(help="The user whose display name changes.")],
    name: Annotated[str | None, typer.Argument(help="The name letters are signed with, e.g. 'Claire Martin'.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove it (letters are then signed by the bank).")] = False,
) -> None:
    """Set the name shown on letters the user signs (never the login); open sessions end (they carry the old one)."""
    from credit_web import auth

    if (name is None) == (not clear):
        raise fail("give a name, or --clear")
    shown = None if clear else name
    _change(username, lambda session: auth.set_display_name(session, username, shown),
            f"display name of {username} {'cleared' if clear else 'set'}")


@app.command()
def revoke(
    username: Annotated[str | None, typer.Argument(help="End this user's sessions.")] = None,
    everyone: Annotated[bool, typer.Option("--all", help="End every session (e.g. after rotating SESSION_SECRET).")
                        ] = False,
) -> None:
    """End dashboard sessions now: one user's, or everyone's with --all."""
    if (username is None) == (not everyone):
        raise fail("give a username, or --all")

    async def work(engine: AsyncEngine, settings: Settings) -> int:
        if everyone:
            return await _end_sessions(engine, None)
        async with db.session_factory(engine)() as session:
            found = await session.scalar(sa.select(orm.AppUser.id).where(orm.AppUser.username == username))
        if found is None:
            raise LookupError(f"no user named {username!r}")
        return await _end_sessions(engine, [found])

    try:
        ended = with_database(work)
    except LookupError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"{ended} session(s) ended")
