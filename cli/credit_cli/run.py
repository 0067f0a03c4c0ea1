"""`credit run`: the whole product on one machine, with one command.

Starts (or joins) the database, applies migrations, bootstraps demo data and a model when the database
is empty, then runs the services under uvicorn until Ctrl-C / SIGTERM, which stop everything (the
embedded PostgreSQL included). With EVENTS_URL set, the decision events relay (`credit events relay`) runs
beside them, as compose's events-relay service does; without it, nothing needs a broker.

Later runs must be ready in seconds: the database state (schema revision, what the bootstrap would fill) is read
in one round trip and alembic runs only when the schema is behind; the three services start at once and are
waited for together, since their imports (catboost, polars…) are most of the time left.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx
import typer
from sqlalchemy.ext.asyncio import AsyncConnection

from credit_cli import _processes, _webaccess
from credit_cli._common import fail
from credit_core import db
from credit_core.settings import Settings, get_settings

READY_TIMEOUT_SECONDS = 120.0  # the first run's explain precomputes SHAP for every client before it answers


@dataclass(frozen=True)
class Service:
    name: str
    module: str  # ASGI app path for uvicorn
    port: int
    probe: str  # path answering 200 once the service is usable (scoring: database up and a model loaded)
    status: str | None = None  # when set, the probe's JSON "status" must also be this (explain: its model loaded)

    def is_ready(self, response: httpx.Response) -> bool:
        if response.status_code != 200:
            return False
        return self.status is None or response.json().get("status") == self.status


@dataclass(frozen=True)
class Worker:
    """A background `credit` command beside the services, with no HTTP endpoint: it is up while it runs."""

    name: str
    args: tuple[str, ...]  # the `credit` subcommand
    needs: str  # the module it imports, from an optional extra that may not be installed
    extra: str
    describe: str  # what the start-up report says about it

    def command(self) -> list[str]:
        return [sys.executable, "-m", "credit_cli", *self.args]


def services(settings: Settings) -> list[Service]:
    return [
        Service("scoring", "credit_scoring.main:app", int(settings.scoring_url.rsplit(":", 1)[1]), "/readyz"),
        Service("explain", "credit_explain.main:app", int(settings.explain_url.rsplit(":", 1)[1]), "/healthz", "ok"),
        Service("web", "credit_web.main:app", settings.web_port, "/healthz"),
    ]


def workers(settings: Settings) -> list[Worker]:
    """The events relay when EVENTS_URL is set (scoring then writes each decision's outbox row, and something must
    publish them): the same `credit events relay` as compose's events-relay service, started like it once the
    database is migrated and bootstrapped. None otherwise: the default run stays broker-free."""
    if not settings.events_url:
        return []
    return [Worker("events", ("events", "relay"), "nats", "events", f"relaying decisions to {settings.events_url}")]


@dataclass(frozen=True)
class DatabaseState:
    at_head: bool  # schema at the migrations' head revision
    missing: dict[str, bool]  # what the bootstrap must fill: clients, features, model


def _head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory  # reads the revision files only: no engine, no env.py

    return set(ScriptDirectory(str(db.MIGRATIONS_DIR)).get_heads())


async def _missing(conn: AsyncConnection) -> dict[str, bool]:
    has_clients = (await conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM application)")).scalar()
    has_features = (await conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM client_feature)")).scalar()
    has_model = (await conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM model_version WHERE is_active)")).scalar()
    return {"clients": not has_clients, "features": not has_features, "model": not has_model}


async def _applied_revisions(conn: AsyncConnection) -> set[str]:
    if not (await conn.exec_driver_sql("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar():
        return set()
    return set((await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).scalars())


def database_state(url: str) -> DatabaseState:
    """One connection: the applied schema revisions and, when at head, what the bootstrap must fill."""

    async def read() -> DatabaseState:
        engine = db.create_engine(url, pool_size=1)
        try:
            async with engine.connect() as conn:
                if await _applied_revisions(conn) != _head_revisions():
                    return DatabaseState(False, {})
                return DatabaseState(True, await _missing(conn))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def prepare_database(url: str) -> dict[str, bool]:
    """Migrate when the schema is behind (alembic only then); what the bootstrap must fill."""
    state = database_state(url)
    if not state.at_head:
        db.upgrade(url)
        state = database_state(url)
    return state.missing


def _credit(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "credit_cli", *args], check=True)


def bootstrap(settings: Settings, url: str, missing: dict[str, bool] | None = None) -> None:
    """Demo data, features and a model, for whatever the database does not have yet (`missing`, else read)."""
    if missing is None:
        missing = prepare_database(url)
    if missing["clients"]:
        synthetic = settings.data_dir / "synthetic"
        clients = settings.demo_clients
        typer.echo(f"→ empty database: generating {clients:,} demo clients")
        _credit("data", "synth", "--clients", str(clients), "--seed", "1", "--out", str(synthetic))
        _credit("data", "ingest", "--from", str(synthetic))
    if missing["clients"] or missing["features"]:
        _credit("features", "build")
    if missing["clients"] or missing["model"]:
        _credit("train", "--tune-minutes", f"{settings.demo_tune_minutes:g}")


def _wait_all_ready(children: list[tuple[Service, subprocess.Popen[bytes]]], started: float) -> None:
    """Poll every service together, reporting each as soon as it answers (or exits, or times out)."""
    pending = dict(children)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    with httpx.Client(timeout=1) as client:
        while pending:
            for service, proc in list(pending.items()):
                state = None
                if proc.poll() is not None:
                    state = f"EXITED with {proc.returncode} (see its log above)"
                else:
                    try:
                        if service.is_ready(client.get(f"http://127.0.0.1:{service.port}{service.probe}")):
                            state = "ready"
                    except (httpx.HTTPError, ValueError):
                        pass
                if state is None and time.monotonic() > deadline:
                    state = "NOT READY (see its log above)"
                if state is not None:
                    del pending[service]
                    typer.echo(f"  {service.name:8} http://127.0.0.1:{service.port}  {state}  "
                               f"({time.perf_counter() - started:.1f} s)")
            time.sleep(0.1)


def _print_login(settings: Settings, access: _webaccess.WebAccess) -> None:
    password = access.demo_password or "(set when the account was created)"
    typer.secho(f"Dashboard: http://127.0.0.1:{settings.web_port}/  login: {access.demo_username}  "
                f"password: {password}", bold=True)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def run() -> None:
    """Start the whole product: database, demo data and model on first run, then the services."""
    started = time.perf_counter()
    settings = get_settings()
    url = db.resolve_database_url(settings)  # exports DATABASE_URL for the children
    bootstrap(settings, url, prepare_database(url))
    try:
        access = _webaccess.ensure(settings, url)
    except _webaccess.UnusableServiceKey as exc:
        raise fail(str(exc)) from exc  # the embedded server stops at exit (pgembed's atexit hook)
    env = {**os.environ, "SESSION_SECRET": access.session_secret, "SERVICE_API_KEY": access.service_api_key}

    children: list[tuple[Service, subprocess.Popen[bytes]]] = []
    for service in services(settings):
        if importlib.util.find_spec(service.module.split(":")[0]) is None:
            typer.secho(f"  {service.name}: not part of this build yet", fg=typer.colors.YELLOW)
            continue
        cmd = [sys.executable, "-m", "uvicorn", service.module, "--host", "127.0.0.1", "--port", str(service.port)]
        children.append((service, subprocess.Popen(cmd, env=env)))
    background = _start_workers(settings, env)
    typer.echo(f"→ database ready, services starting ({time.perf_counter() - started:.1f} s)")
    processes = [proc for _, proc in children] + [proc for _, proc in background]
    try:
        _wait_all_ready(children, started)
        _report_workers(background)
        _print_login(settings, access)
        typer.echo(f"All ready in {time.perf_counter() - started:.1f} s. Ctrl-C stops everything.")
        signal.signal(signal.SIGTERM, _exit_on_signal)
        while processes and all(proc.poll() is None for proc in processes):
            time.sleep(0.5)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        _processes.stop(processes)
        db.stop_embedded()


def _start_workers(settings: Settings, env: dict[str, str]) -> list[tuple[Worker, subprocess.Popen[bytes]]]:
    started = []
    for worker in workers(settings):
        if importlib.util.find_spec(worker.needs) is None:
            typer.secho(f"  {worker.name}: {worker.needs} is not installed (pip install -e '.[{worker.extra}]'): "
                        "not started", fg=typer.colors.YELLOW)
            continue
        started.append((worker, subprocess.Popen(worker.command(), env=env)))
    return started


def _report_workers(background: list[tuple[Worker, subprocess.Popen[bytes]]]) -> None:
    for worker, proc in background:
        state = "running" if proc.poll() is None else f"EXITED with {proc.returncode} (see its log above)"
        typer.echo(f"  {worker.name:8} {worker.describe}  {state}")
