"""Watchdog: `python -m credit_core.pgwatch OWNER_PID PGDATA` stops the embedded server once the owner is gone.

It covers the exits no handler can see (SIGKILL, a crash of the interpreter).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import psutil

from credit_core.pgembed import stop_server


def main(owner_pid: int, pgdata: Path) -> None:
    try:
        owner = psutil.Process(owner_pid)
        owner_started = owner.create_time()
    except psutil.NoSuchProcess:
        owner, owner_started = None, 0.0
    while owner is not None:
        try:
            if owner.create_time() != owner_started or owner.status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.2)
    stop_server(pgdata)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
