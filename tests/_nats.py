"""A private NATS server with JetStream for a test: its own port and store, so stopping it touches nothing else
(the machine's server on :4222 is never stopped)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests._waiting import until
from tests.web._stack import free_port


class NatsServer:
    def __init__(self, store: Path) -> None:
        binary = shutil.which("nats-server")
        if binary is None:
            pytest.fail("nats-server is missing: `apt-get install -y nats-server` (.ci/run installs it)")
        self.binary, self.store, self.port = binary, store, free_port()
        self.log = store.parent / f"nats-{self.port}.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start (or restart on the same port and store: the stream and its messages survive)."""
        self.store.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [self.binary, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store)],
                stdout=log, stderr=subprocess.STDOUT)
        process = self._process
        until(self._accepts, f"nats-server listening on {self.port}",
              stop=lambda: None if process.poll() is None else f"exited with {process.returncode}",
              context=lambda: self.log.read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait()

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False
