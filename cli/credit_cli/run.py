"""`credit run`: the whole product on one machine, with one command.

Starts (or joins) the database, applies migrations, bootstraps demo data and a model when the database
is empty, then runs the services under uvicorn until Ctrl-C / SIGTERM, which stop everything (the
embedded PostgreSQL included).
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
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db
from credit_core.settings import Settings, get_settings

DEMO_CLIENTS = 20_000


@dataclass(frozen=True)
class Service:
    name: str
    module: str  # ASGI app path for uvicorn
    port: int


def services(settings: Settings) -> list[Service]:
    return [
        Service("scoring", "credit_scoring.main:app", int(settings.scoring_url.rsplit(":", 1)[1])),
        Service("explain", "credit_explain.main:app", int(settings.explain_url.rsplit(":", 1)[1])),
        Service("web", "credit_web.main:app", settings.web_port),
    ]


async def _is_empty(engine: AsyncEngine) -> dict[str, bool]:
    async with engine.connect() as conn:
        has_clients = (await conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM application)")).scalar()
        has_features = (await conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM client_feature)")).scalar()
        has_model = (await conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM model_version WHERE is_active)")).scalar()
    return {"clients": not has_clients, "features": not has_features, "model": not has_model}


def _credit(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "credit_cli", *args], check=True)


def bootstrap(settings: Settings, url: str) -> None:
    """Demo data, features and a model, for whatever the database does not have yet."""

    async def check() -> dict[str, bool]:
        engine = db.create_engine(url, pool_size=1)
        try:
            return await _is_empty(engine)
        finally:
            await engine.dispose()

    missing = asyncio.run(check())
    if missing["clients"]:
        synthetic = settings.data_dir / "synthetic"
        typer.echo(f"→ empty database: generating {DEMO_CLIENTS:,} demo clients")
        _credit("data", "synth", "--clients", str(DEMO_CLIENTS), "--seed", "1", "--out", str(synthetic))
        _credit("data", "ingest", "--from", str(synthetic))
    if missing["clients"] or missing["features"]:
        _credit("features", "build")
    if missing["clients"] or missing["model"]:
        _credit("train")


def _wait_ready(service: Service, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{service.port}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def run() -> None:
    """Start the whole product: database, demo data and model on first run, then the services."""
    settings = get_settings()
    url = db.resolve_database_url(settings)  # exports DATABASE_URL for the children
    db.upgrade(url)
    bootstrap(settings, url)

    children: list[tuple[Service, subprocess.Popen[bytes]]] = []
    for service in services(settings):
        if importlib.util.find_spec(service.module.split(":")[0]) is None:
            typer.secho(f"  {service.name}: not part of this build yet", fg=typer.colors.YELLOW)
            continue
        cmd = [sys.executable, "-m", "uvicorn", service.module, "--host", "127.0.0.1", "--port", str(service.port)]
        children.append((service, subprocess.Popen(cmd, env=os.environ.copy())))
    try:
        for service, _ in children:
            state = "ready" if _wait_ready(service) else "NOT READY (see its log above)"
            typer.echo(f"  {service.name:8} http://127.0.0.1:{service.port}  {state}")
        typer.echo("Ctrl-C stops everything.")
        signal.signal(signal.SIGTERM, _exit_on_signal)
        while children and all(proc.poll() is None for _, proc in children):
            time.sleep(0.5)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for _, proc in children:
            proc.terminate()
        for _, proc in children:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        db.stop_embedded()
