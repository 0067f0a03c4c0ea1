"""The whole product running for real: a seeded database, a trained model, and the three services as
uvicorn subprocesses on free ports.

Seeding goes through the `credit` command exactly as an operator would: ingest the generated Kaggle-format
files, build features, train a small real CatBoost bundle (few iterations) and activate it, create the web
service's API key and two dashboard users.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests._waiting import until

READY_TIMEOUT_SECONDS = 300.0  # explain precomputes every client's SHAP before it is ready
TRAIN_ITERATIONS = 60


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str


@dataclass
class Stack:
    web_url: str
    scoring_url: str
    explain_url: str
    api_key: str
    advisor: Login
    admin: Login
    database_url: str
    logs: Path
    env: dict[str, str] = field(repr=False, default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(repr=False, default_factory=dict)

    def client_ids(self, n: int = 5) -> list[int]:
        """Some client ids that have features (from explain's search)."""
        body = httpx.get(f"{self.explain_url}/v1/clients", params={"prefix": "1", "limit": n},
                         headers={"Authorization": f"Bearer {self.api_key}"}, timeout=10).json()
        return [c["client_id"] for c in body["clients"]]

    def log(self, service: str) -> str:
        return (self.logs / f"{service}.log").read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def credit(env: dict[str, str], *args: str) -> str:
    """Run `credit ARGS` in a subprocess; its stdout (raises with stderr on failure)."""
    done = subprocess.run([sys.executable, "-m", "credit_cli", *args], env=env, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"credit {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def seed(env: dict[str, str], synth_dir: Path) -> tuple[str, Login, Login]:
    credit(env, "data", "ingest", "--from", str(synth_dir))
    credit(env, "features", "build")
    credit(env, "train", "--iterations", str(TRAIN_ITERATIONS), "--no-progress", "--no-tune", "--seed", "3")
    api_key = credit(env, "apikey", "create", "web-tests").strip().splitlines()[-1]
    advisor = Login("advisor-test", secrets.token_urlsafe(12), "advisor")
    admin = Login("admin-test", secrets.token_urlsafe(12), "admin")
    for login in (advisor, admin):
        credit(env, "user", "create", login.username, "--role", login.role, "--password", login.password)
    return api_key, advisor, admin


def _wait(url: str, process: subprocess.Popen[bytes], name: str, ready: Callable[[httpx.Response], object]) -> None:
    def check() -> object:
        try:
            return ready(httpx.get(url, timeout=2))
        except httpx.HTTPError:
            return False

    def exited() -> str | None:
        return None if process.poll() is None else f"exited with {process.returncode} before being ready"

    until(check, f"{name} ready", stop=exited, seconds=READY_TIMEOUT_SECONDS)


def _explain_ready(response: httpx.Response) -> bool:
    return response.status_code == 200 and bool(response.json().get("explain_ready"))


def _ok(response: httpx.Response) -> bool:
    return response.status_code == 200


def start_service(stack: Stack, name: str, module: str, port: int) -> subprocess.Popen[bytes]:
    log = (stack.logs / f"{name}.log").open("ab")
    cmd = [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    process = subprocess.Popen(cmd, env=stack.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    stack.processes[name] = process
    return process


def stop_service(stack: Stack, name: str) -> None:
    """SIGTERM (then SIGKILL) the service we started; nothing else."""
    process = stack.processes.pop(name, None)
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


SERVICES = {
    "scoring": ("credit_scoring.main:app", "/readyz", _ok),
    "explain": ("credit_explain.main:app", "/healthz", _explain_ready),
    "web": ("credit_web.main:app", "/healthz", _ok),
}


def ensure_running(stack: Stack, name: str) -> None:
    """(Re)start a service stopped by a test, on the same port, and wait until it is ready."""
    if name in stack.processes and stack.processes[name].poll() is None:
        return
    module, probe, ready = SERVICES[name]
    base = {"scoring": stack.scoring_url, "explain": stack.explain_url, "web": stack.web_url}[name]
    process = start_service(stack, name, module, int(base.rsplit(":", 1)[1]))
    _wait(base + probe, process, name, ready)


@contextmanager
def running_stack(database_url: str, synth_dir: Path, work: Path) -> Iterator[Stack]:
    data_dir, models_dir, logs = work / "data", work / "models", work / "logs"
    for folder in (data_dir, models_dir, logs):
        folder.mkdir(parents=True, exist_ok=True)
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(data_dir), "MODELS_DIR": str(models_dir),
           "SCORING_URL": urls["scoring"], "EXPLAIN_URL": urls["explain"], "WEB_PORT": str(ports["web"]),
           "SESSION_SECRET": secrets.token_urlsafe(32), "MODEL_POLL_SECONDS": "1", "PYTHONUNBUFFERED": "1"}
    api_key, advisor, admin = seed(env, synth_dir)
    env["SERVICE_API_KEY"] = api_key
    stack = Stack(urls["web"], urls["scoring"], urls["explain"], api_key, advisor, admin, database_url, logs, env)
    try:
        for name in SERVICES:
            module = SERVICES[name][0]
            start_service(stack, name, module, ports[name])
        for name in SERVICES:
            _, probe, ready = SERVICES[name]
            _wait(urls[name] + probe, stack.processes[name], name, ready)
        yield stack
    finally:
        for name in list(stack.processes):
            stop_service(stack, name)


@contextmanager
def extra_web(stack: Stack, name: str, **env: str) -> Iterator[str]:
    """Another web process on a free port with some settings changed (e.g. WEB_TLS, an unreachable explain);
    yields its URL and stops it afterwards. The shared services are left alone."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    variant = Stack(url, stack.scoring_url, stack.explain_url, stack.api_key, stack.advisor, stack.admin,
                    stack.database_url, stack.logs, {**stack.env, **env})
    process = start_service(variant, name, SERVICES["web"][0], port)
    try:
        _wait(url + "/healthz", process, name, _ok)
        yield url
    finally:
        stop_service(variant, name)
