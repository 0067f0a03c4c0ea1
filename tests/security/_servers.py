"""The two APIs as real HTTP servers for the security tests: one seeded database (raw applications, their
features, a real CatBoost bundle, an API key) served by scoring and explain under uvicorn, each in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from tests.explain import _service

N_CLIENTS, UNLABELLED = 1000, 100
FIRST_ID = 200_000  # _service.raw_applications numbers clients from here
START_TIMEOUT_SECONDS = 300.0  # a hang guard, not a speed check


@dataclass(frozen=True)
class Apis:
    database_url: str
    api_key: str
    scoring_url: str
    explain_url: str
    client_ids: list[int]
    bundle_dir: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Server(uvicorn.Server):
    """uvicorn that says when it is listening (an event to wait on, not a flag to poll)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """`app` under uvicorn on a free port of 127.0.0.1 (lifespan on), in a thread; yields its base URL."""
    port = free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        if not server.listening.wait(START_TIMEOUT_SECONDS):
            raise RuntimeError("uvicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)


def seed(database_url: str, work: Path) -> tuple[str, list[int], Path]:
    """Applications + features + an active bundle trained on them + an API key; (key, client ids, bundle dir)."""
    apps, target = _service.raw_applications(N_CLIENTS, 17)
    frame = _service.feature_frame(apps, target)
    bundle_dir = _service.write_bundle(frame.head(N_CLIENTS - UNLABELLED), work / "bundle", version="sec-1")
    key = asyncio.run(_service.seed(database_url, apps, frame, bundle_dir, unlabelled=UNLABELLED))
    return key, [int(a["SK_ID_CURR"]) for a in apps], bundle_dir


def settings_for(database_url: str, models_dir: Path, **overrides: Any) -> dict[str, Any]:
    return {"database_url": database_url, "models_dir": models_dir, "model_poll_seconds": 0.5, **overrides}
