"""Item 3: a request without a valid API key is refused (401) before any of its body is read; body limits apply
only to callers with a key. Checked at the ASGI level (the service never calls `receive`) and over a real socket
(the 401 arrives while the chunked body is still being sent)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from credit_explain.config import ExplainSettings
from credit_explain.main import create_app as create_explain
from credit_scoring.config import ScoringSettings
from credit_scoring.main import create_app as create_scoring
from tests.security._servers import Apis, settings_for

HANG_GUARD_SECONDS = 120.0  # a socket read taking longer than this is a hang (the bug), not slowness
BODY_ROUTES = [("scoring", "/v1/score/batch"), ("scoring", "/v1/score"),
               ("scoring", "/v1/models/credit-default:predict"), ("explain", "/v1/explain")]


@pytest.fixture(scope="module")
async def apps(apis: Apis, models_dir: Path) -> AsyncIterator[dict[str, FastAPI]]:
    scoring = create_scoring(ScoringSettings(**settings_for(apis.database_url, models_dir, max_body_bytes=10_000,
                                                            batch_max_body_bytes=20_000)))
    explain = create_explain(ExplainSettings(**settings_for(apis.database_url, models_dir, precompute_shap=False,
                                                            max_body_bytes=10_000)))
    async with LifespanManager(scoring), LifespanManager(explain):
        yield {"scoring": scoring, "explain": explain}


class Exchange:
    """Drives one ASGI request by hand: counts how often the app asks for body chunks."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks, self.reads, self.messages = chunks, 0, []  # type: ignore[var-annotated]

    async def receive(self) -> dict[str, Any]:
        self.reads += 1
        if self.reads <= len(self.chunks):
            return {"type": "http.request", "body": self.chunks[self.reads - 1],
                    "more_body": self.reads < len(self.chunks)}
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(next(m["status"] for m in self.messages if m["type"] == "http.response.start"))


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"api"), (b"content-type", b"application/json"),
                        (b"transfer-encoding", b"chunked"), *headers],
            "client": ("127.0.0.1", 50000), "server": ("api", 80)}


@pytest.mark.parametrize(("service", "path"), BODY_ROUTES)
@pytest.mark.parametrize("authorization", [None, b"Bearer pad_not-a-real-key", b"Basic dXNlcjpwYXNz"])
async def test_no_key_no_body_read(apps: dict[str, FastAPI], service: str, path: str,
                                   authorization: bytes | None) -> None:
    exchange = Exchange([b"[" + b"1," * 4_000] * 50)  # 400 KB of chunks, far above the limits
    headers = [] if authorization is None else [(b"authorization", authorization)]
    await apps[service](_scope(path, headers), exchange.receive, exchange.send)
    assert exchange.status == 401
    assert exchange.reads == 0, "the body was read before the API key was checked"


@pytest.mark.parametrize(("service", "path"), BODY_ROUTES)
async def test_with_a_key_the_body_limit_applies(apps: dict[str, FastAPI], apis: Apis, service: str,
                                                 path: str) -> None:
    exchange = Exchange([b"[" + b"1," * 4_000] * 50)
    await apps[service](_scope(path, [(b"authorization", f"Bearer {apis.api_key}".encode())]), exchange.receive,
                        exchange.send)
    assert exchange.status == 413
    assert 0 < exchange.reads < 50  # read up to the limit, not to the end
    body = orjson.loads(b"".join(m.get("body", b"") for m in exchange.messages if m["type"] == "http.response.body"))
    assert body["status"] == 413


def _status_line_while_sending(base_url: str, path: str) -> bytes:
    """Send the headers and one chunk of a chunked body, never the end of it, and read the answer."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=HANG_GUARD_SECONDS) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                     f"Transfer-Encoding: chunked\r\n\r\n".encode())
        chunk = b"[" + b"1," * 30_000
        sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        return sock.recv(64).split(b"\r\n")[0]


@pytest.mark.parametrize(("service", "path"), BODY_ROUTES)
def test_over_http_the_401_comes_before_the_body_ends(apis: Apis, service: str, path: str) -> None:
    base = apis.scoring_url if service == "scoring" else apis.explain_url
    assert _status_line_while_sending(base, path) == b"HTTP/1.1 401 Unauthorized"
