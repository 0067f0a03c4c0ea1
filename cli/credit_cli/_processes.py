"""Child processes of `credit run` and the benchmarks: free ports, a graceful stop, the machine's load."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(processes: Iterable[subprocess.Popen[bytes]] | Iterable[subprocess.Popen[str]], timeout: float = 15) -> None:
    """SIGTERM all of them at once, then wait for each; kill what has not exited after `timeout` seconds."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def load_average() -> str:
    """Printed next to every benchmark figure: these machines are shared."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
