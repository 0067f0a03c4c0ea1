"""Finding the processes a test started, however they were spawned (children, daemons, watchdogs)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import psutil


def tagged(marker: Path) -> list[psutil.Process]:
    """Live processes whose environment or command line mentions `marker` (a test's private directory).

    Everything a `credit` process starts inherits its environment (DATA_DIR=marker/...), and the embedded
    PostgreSQL and its watchdog carry the data directory on their command line."""
    text = str(marker)
    me = psutil.Process()
    ours = {me.pid, *(p.pid for p in me.parents())}  # never the test run itself
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE or proc.pid in ours:
            continue
        with contextlib.suppress(psutil.Error):
            if any(text in part for part in proc.info["cmdline"] or ()):
                found.append(proc)
                continue
            if any(text in value for value in proc.environ().values()):
                found.append(proc)
    return found


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    result = []
    for proc in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                result.append(proc)
    return result


def describe(processes: list[psutil.Process]) -> str:
    lines = []
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            lines.append(f"{proc.pid}: {' '.join(proc.cmdline())[:200]}")
    return "\n".join(lines)


def kill_all(processes: list[psutil.Process]) -> None:
    """Last-resort cleanup of the test's own processes (by pid) so a failure leaves nothing behind."""
    for proc in alive(processes):
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(processes, timeout=10)
