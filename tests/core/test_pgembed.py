"""The embedded PostgreSQL never outlives the process that started it, whatever way that process ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests._waiting import HANG_SECONDS

HOLD_SERVER = """
import sys, time
from credit_core import db
from credit_core.settings import Settings
db.resolve_database_url(Settings(database_url="", data_dir=sys.argv[1]))
print("ready", flush=True)
time.sleep(600)
"""


def postgres_processes(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "postgres" in (proc.info["name"] or "") and str(pgdata) in cmdline:
            found.append(proc)
    return found


def wait_until_gone(pgdata: Path, seconds: float = HANG_SECONDS) -> list[psutil.Process]:
    """The server's processes still alive once they all exited or `seconds` passed (waits on the processes)."""
    _, alive = psutil.wait_procs(postgres_processes(pgdata), timeout=seconds)
    return alive


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # these tests are about the embedded server
    return env


def start_holder(data_dir: Path) -> subprocess.Popen[str]:
    """A process owning the embedded server; use it as a context manager (closes its pipe, reaps it)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_SERVER, str(data_dir)], stdout=subprocess.PIPE, text=True, env=child_env()
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    assert postgres_processes(data_dir / "pg"), "the embedded server should be running"
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["TERM", "INT", "KILL"])
def test_server_stops_when_owner_is_signalled(tmp_path: Path, sig: signal.Signals) -> None:
    with start_holder(tmp_path) as proc:
        proc.send_signal(sig)
        proc.wait(timeout=30)
    assert wait_until_gone(tmp_path / "pg") == []


def test_server_stops_after_a_cli_command(tmp_path: Path) -> None:
    env = child_env() | {"DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "credit_cli", "db", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert wait_until_gone(tmp_path / "pg") == []


def test_a_second_process_joins_without_stopping_the_owner(tmp_path: Path) -> None:
    with start_holder(tmp_path) as owner:
        try:
            env = child_env() | {"DATA_DIR": str(tmp_path)}
            joined = subprocess.run([sys.executable, "-m", "credit_cli", "db", "migrate"], env=env,
                                    capture_output=True, text=True, timeout=120)
            assert joined.returncode == 0, joined.stderr
            assert postgres_processes(tmp_path / "pg"), "the guest must not stop the owner's server"
        finally:
            owner.terminate()
            owner.wait(timeout=30)
    assert wait_until_gone(tmp_path / "pg") == []
