"""`credit bench startup`: seconds from `credit run` to "all ready", first run (bootstrap) then a warm run.

Both runs use one private data directory (embedded PostgreSQL inside), free loopback ports and no DATABASE_URL,
as a newcomer's laptop would. Each run's output lines are timestamped as they arrive, so the figures show where
the time goes; "explain SHAP ready" (every client's explanation precomputed) is polled apart, since the dashboard
is usable before it. The machine's load average is printed with each run, and the CPU seconds spent until "all
ready" (the command and each service), a figure that does not depend on how busy a shared machine is.
It prints figures and asserts nothing (see docs/BENCHMARKS.md).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import httpx
import psutil
import typer

from credit_cli import _processes
from credit_core.settings import Settings

READY_LINE = "Ctrl-C stops everything."
# Progress bars and the probes' access logs: left out of the printed timeline.
NOISE = ("%|", "GET /healthz", "GET /readyz", '"request_id"', "Waiting for application", "Press CTRL+C")
HANG_SECONDS = 1800.0  # give up on a run after this long (not a goal: a first run on 20k clients takes minutes)


@dataclass
class RunFigures:
    name: str
    load: str
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, output line)
    all_ready: float | None = None
    explain_ready: float | None = None
    stopped: float | None = None
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds (user + system) spent until all ready


def _cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time of `credit run` (with the commands it ran and waited for) and of each service it started."""
    spent: dict[str, float] = {}
    try:
        root = psutil.Process(pid)
        own = root.cpu_times()
        spent["credit run"] = own.user + own.system + own.children_user + own.children_system
        for child in root.children(recursive=True):
            times, cmdline = child.cpu_times(), " ".join(child.cmdline())
            name = next((svc for svc in ("scoring", "explain", "web") if f"credit_{svc}.main" in cmdline), "other")
            spent[name] = spent.get(name, 0.0) + times.user + times.system
    except psutil.Error:
        pass
    return spent


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _read_lines(process: subprocess.Popen[str], started: float, figures: RunFigures) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        figures.lines.append((time.perf_counter() - started, line.rstrip()))


def _explain_ready(url: str) -> bool:
    try:
        return bool(httpx.get(f"{url}/healthz", timeout=2).json().get("explain_ready"))
    except (httpx.HTTPError, ValueError):
        return False


def _one_run(name: str, env: dict[str, str], cwd: Path) -> RunFigures:
    figures = RunFigures(name, _load())
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "credit_cli", "run"], env=env, cwd=cwd, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    reader = threading.Thread(target=_read_lines, args=(process, started, figures), daemon=True)
    reader.start()
    try:
        while time.perf_counter() - started < HANG_SECONDS and process.poll() is None:
            if figures.all_ready is None:
                figures.all_ready = next((t for t, line in figures.lines if READY_LINE in line), None)
                if figures.all_ready is not None:
                    figures.cpu = _cpu_seconds(process.pid)
            if figures.explain_ready is None and _explain_ready(env["EXPLAIN_URL"]):
                figures.explain_ready = time.perf_counter() - started
            if figures.all_ready is not None and figures.explain_ready is not None:
                break
            time.sleep(0.05)
    finally:
        stopping = time.perf_counter()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
        figures.stopped = time.perf_counter() - stopping
        reader.join(timeout=5)
    return figures


def _report(figures: RunFigures) -> None:
    def seconds(value: float | None) -> str:
        return "not reached" if value is None else f"{value:7.1f} s"

    typer.echo(f"\n{figures.name} run ({figures.load} at start)")
    for at, line in figures.lines:
        if line.strip() and not any(noise in line for noise in NOISE):
            typer.echo(f"  {at:7.1f} s  {line[:110]}")
    typer.echo(f"  all ready (dashboard usable) {seconds(figures.all_ready)}")
    typer.echo(f"  explain SHAP ready           {seconds(figures.explain_ready)}")
    typer.echo(f"  stop after Ctrl-C            {seconds(figures.stopped)}")
    if figures.cpu:
        parts = "  ".join(f"{name} {spent:.1f}" for name, spent in figures.cpu.items())
        typer.echo(f"  CPU seconds until all ready  {sum(figures.cpu.values()):.1f} ({parts})")


def startup(
    clients: Annotated[int, typer.Option("--clients", help="Demo clients of the first run (DEMO_CLIENTS).")] = (
        Settings.model_fields["demo_clients"].default),
    warm_runs: Annotated[int, typer.Option("--warm-runs", help="Later runs on the same data.")] = 1,
    keep: Annotated[bool, typer.Option(help="Keep the data directory (path printed).")] = False,
) -> None:
    """`credit run` twice in a fresh data directory: seconds to "all ready" for the bootstrap and a warm run."""
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    scoring, explain, web = _processes.free_port(), _processes.free_port(), _processes.free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SERVICE_API_KEY", "SESSION_SECRET", "SCORING_URL", "EXPLAIN_URL")}
    env.update({"DATA_DIR": str(work / "data"), "MODELS_DIR": str(work / "models"), "DEMO_CLIENTS": str(clients),
                "SCORING_URL": f"http://127.0.0.1:{scoring}", "EXPLAIN_URL": f"http://127.0.0.1:{explain}",
                "WEB_PORT": str(web), "PYTHONUNBUFFERED": "1"})
    runs: list[RunFigures] = []
    try:
        runs.append(_one_run(f"first ({clients:,} demo clients)", env, work))
        _report(runs[-1])
        for n in range(warm_runs):
            runs.append(_one_run(f"warm #{n + 1}", env, work))
            _report(runs[-1])
    finally:
        if keep:
            typer.echo(f"\ndata kept in {work} (DATA_DIR={work / 'data'} MODELS_DIR={work / 'models'})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    typer.echo(f"\n{'run':32} {'all ready':>10} {'explain SHAP':>13} {'CPU s':>7}  load at start")
    for figures in runs:
        ready = "-" if figures.all_ready is None else f"{figures.all_ready:.1f} s"
        shap = "-" if figures.explain_ready is None else f"{figures.explain_ready:.1f} s"
        typer.echo(f"{figures.name:32} {ready:>10} {shap:>13} {sum(figures.cpu.values()):7.1f}  "
                   f"{figures.load.split(' on ')[0].removeprefix('load average ')}")
