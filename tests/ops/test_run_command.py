"""`credit run` from a fresh state, as a newcomer runs it: its own data directory (embedded PostgreSQL inside),
free ports, no DATABASE_URL. Wait until it serves, score a client through scoring and through the dashboard,
SIGTERM it, and check that no process of ours is left (PostgreSQL and its watchdog included). Then run it again
on the same data (no bootstrap, same login) and stop it with Ctrl-C (SIGINT to its process group). With EVENTS_URL
set (a private nats-server), it also runs the decision events relay: a decision reaches the broker."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import nats
import orjson
import psutil
import pytest
from nats.js.errors import NotFoundError

from credit_core import events
from tests._nats import NatsServer
from tests._waiting import until
from tests.ops import _processes
from tests.web._stack import free_port

pytestmark = pytest.mark.slow

# Not a speed goal: only how long to wait before declaring the run hung (first run bootstraps demo data + model).
HANG_SECONDS = 1800.0
DEMO_CLIENTS = "2000"  # Settings.demo_clients: the first run's demo size (20k by default)


@dataclass
class Run:
    process: subprocess.Popen[str]
    env: dict[str, str]
    root: Path
    output: Path
    scoring: str
    explain: str
    web: str

    def text(self) -> str:
        return self.output.read_text(errors="replace")


def _credit(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "credit_cli", *args], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, f"credit {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


def _wait_until(run: Run, what: str, ready: Callable[[], object]) -> None:
    def check() -> object:
        try:
            return ready()
        except httpx.HTTPError:
            return False

    def exited() -> str | None:
        code = run.process.poll()
        return None if code is None else f"credit run exited ({code}):\n{run.text()[-4000:]}"

    until(check, f"{what} ready", stop=exited, seconds=HANG_SECONDS, context=lambda: run.text()[-4000:])


@dataclass
class Workspace:
    root: Path
    env: dict[str, str]
    urls: dict[str, str]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A fresh data directory and free ports; whatever runs in it is stopped at the end, whatever happened."""
    root = tmp_path_factory.mktemp("credit-run")
    ports = {name: free_port() for name in ("scoring", "explain", "web")}
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SERVICE_API_KEY", "SESSION_SECRET", "SCORING_URL", "EXPLAIN_URL")}
    env.update({"DATA_DIR": str(root / "data"), "MODELS_DIR": str(root / "models"),
                "SCORING_URL": f"http://127.0.0.1:{ports['scoring']}",
                "EXPLAIN_URL": f"http://127.0.0.1:{ports['explain']}", "WEB_PORT": str(ports["web"]),
                "DEMO_CLIENTS": DEMO_CLIENTS, "DEMO_TUNE_MINUTES": "0", "PYTHONUNBUFFERED": "1"})
    urls = {"scoring": env["SCORING_URL"], "explain": env["EXPLAIN_URL"], "web": f"http://127.0.0.1:{ports['web']}"}
    try:
        yield Workspace(root, env, urls)
    finally:
        _processes.kill_all(_processes.tagged(root))


@contextmanager
def started(space: Workspace, log_name: str) -> Iterator[Run]:
    """`credit run` in its own process group (a terminal's foreground job); stopped with SIGTERM if still up."""
    output = space.root / log_name
    with output.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "credit_cli", "run"], env=space.env, stdout=log,
                                   stderr=subprocess.STDOUT, text=True, cwd=space.root, start_new_session=True)
    try:
        yield Run(process, space.env, space.root, output, space.urls["scoring"], space.urls["explain"],
                  space.urls["web"])
    finally:
        if process.poll() is None:  # a failed test: stop it the way a user would
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()


def _ready(run: Run) -> None:
    _wait_until(run, "scoring", lambda: httpx.get(f"{run.scoring}/readyz", timeout=2).status_code == 200)
    _wait_until(run, "explain", lambda: httpx.get(f"{run.explain}/healthz", timeout=2).json()["explain_ready"])
    _wait_until(run, "web", lambda: httpx.get(f"{run.web}/healthz", timeout=2).status_code == 200)
    _wait_until(run, "the run command", lambda: "Ctrl-C" in run.text())


def test_first_run_bootstraps_serves_then_stops_cleanly_on_sigterm(workspace: Workspace) -> None:
    with started(workspace, "first-run.log") as run:
        _first_run(run)


def _first_run(run: Run) -> None:
    _ready(run)
    owned_before = _processes.tagged(run.root)
    children = psutil.Process(run.process.pid).children(recursive=True)
    postmaster = (run.root / "data" / "pg" / "postmaster.pid").read_text().split("\n", 1)[0]
    assert any(p.pid == int(postmaster) for p in owned_before), "embedded PostgreSQL not found by its data dir"

    # A second command joins the running database without owning it (and gives us an API key).
    key = _credit(run.env, "apikey", "create", f"ops-{secrets.token_hex(4)}").strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {key}"}
    clients = httpx.get(f"{run.explain}/v1/clients", params={"prefix": "1", "limit": 3}, headers=headers,
                        timeout=30).json()["clients"]
    assert clients, "no client with features after the bootstrap"
    client_id = clients[0]["client_id"]
    scored = httpx.get(f"{run.scoring}/v1/clients/{client_id}/score", headers=headers, timeout=30)
    assert scored.status_code == 200, scored.text
    assert 0 <= scored.json()["probability_default"] <= 1

    # Through the dashboard, with the demo login the command printed: the score fragment comes from scoring
    # through web's own API key (both created by the run command).
    from tests.web._session import sign_in
    from tests.web._stack import Login

    printed = re.search(r"login: (\S+)\s+password: (\S+)", run.text())
    assert printed, f"no demo login printed:\n{run.text()[-2000:]}"
    advisor = Login(printed.group(1), printed.group(2), "advisor")
    before = httpx.get(f"{run.scoring}/v1/clients/{client_id}/decisions", headers=headers, timeout=30).json()
    with sign_in(run.web, advisor) as browser:
        fragment = browser.get("/fragments/score", params={"client": client_id})
    assert fragment.status_code == 200, fragment.text
    assert 'class="notice' not in fragment.text, fragment.text[:2000]
    assert f"decision-{scored.json()['decision']}" in fragment.text
    after = httpx.get(f"{run.scoring}/v1/clients/{client_id}/decisions", headers=headers, timeout=30).json()
    assert len(after["decisions"]) == len(before["decisions"]) + 1, "the dashboard's score left no audit row"

    run.process.send_signal(signal.SIGTERM)
    _assert_stopped_cleanly(run, [*owned_before, *children], "SIGTERM")


def _assert_stopped_cleanly(run: Run, tracked: list[psutil.Process], how: str) -> None:
    try:
        code = run.process.wait(timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"credit run did not exit after {how}:\n{run.text()[-4000:]}")
    assert code in (0, 128 + signal.SIGTERM, 128 + signal.SIGINT, 130, -signal.SIGTERM, -signal.SIGINT), (
        f"exit code {code} after {how}:\n{run.text()[-4000:]}")
    _, left = psutil.wait_procs(_processes.alive(tracked), timeout=60)
    left = _processes.alive(left) + [p for p in _processes.tagged(run.root) if p.pid not in {x.pid for x in left}]
    assert not left, f"processes left after {how}:\n" + _processes.describe(left)
    assert not (run.root / "data" / "pg" / "postmaster.pid").exists(), "PostgreSQL did not shut down cleanly"


def test_later_run_reuses_everything_and_stops_on_ctrl_c(workspace: Workspace) -> None:
    """Same data directory again: no bootstrap, the same demo login, and Ctrl-C (SIGINT to the terminal's
    foreground process group) stops it all."""
    first = (workspace.root / "first-run.log").read_text(errors="replace")
    assert "Ctrl-C" in first, "the first run did not get that far"
    with started(workspace, "later-run.log") as run:
        _ready(run)
        assert "empty database" not in run.text()
        login = re.search(r"login: (\S+)\s+password: (\S+)", run.text())
        assert login and login.group(0) in first, "the demo login changed between runs"
        tracked = [*_processes.tagged(run.root), *psutil.Process(run.process.pid).children(recursive=True)]
        key = _credit(run.env, "apikey", "create", f"ops-{secrets.token_hex(4)}").strip().splitlines()[-1]
        client_id = httpx.get(f"{run.explain}/v1/clients", params={"prefix": "1", "limit": 1},
                              headers={"Authorization": f"Bearer {key}"}, timeout=30).json()["clients"][0]["client_id"]
        scored = httpx.get(f"{run.scoring}/v1/clients/{client_id}/score", headers={"Authorization": f"Bearer {key}"},
                           timeout=30)
        assert scored.status_code == 200, scored.text
        os.killpg(run.process.pid, signal.SIGINT)
        _assert_stopped_cleanly(run, tracked, "Ctrl-C")


EVENTS_SUBJECT = "runtest.decisions"


async def _published(url: str) -> dict[str, dict[str, object]]:
    """Every event of the broker's decision stream so far, by id (an ephemeral consumer from the start)."""
    nc = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=1)
    try:
        js = nc.jetstream()
        try:
            subscription = await js.pull_subscribe(f"{EVENTS_SUBJECT}.>", stream=events.STREAM)
        except NotFoundError:  # the relay has not created the stream yet
            return {}
        found: dict[str, dict[str, object]] = {}
        while True:
            try:
                messages = await subscription.fetch(100, timeout=1)
            except (TimeoutError, nats.errors.TimeoutError):
                return found
            for message in messages:
                event = orjson.loads(message.data)
                found[event["id"]] = event
    finally:
        await nc.close()


def test_run_with_events_url_relays_decisions_to_the_broker(workspace: Workspace,
                                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    """EVENTS_URL set: `credit run` starts the relay beside the services (as compose's events-relay service), a
    decision made through scoring arrives on the broker, and SIGTERM stops the relay with the rest."""
    broker = NatsServer(tmp_path_factory.mktemp("nats") / "jetstream")  # never the machine's :4222
    broker.start()
    space = Workspace(workspace.root, {**workspace.env, "EVENTS_URL": broker.url, "EVENTS_SUBJECT": EVENTS_SUBJECT},
                      workspace.urls)
    try:
        with started(space, "events-run.log") as run:
            _ready(run)
            assert f"relaying decisions to {broker.url}  running" in run.text()
            tracked = [*_processes.tagged(run.root), *psutil.Process(run.process.pid).children(recursive=True)]
            relay = [p for p in tracked if "relay" in " ".join(p.cmdline())]
            assert relay, f"no relay process among credit run's:\n{_processes.describe(tracked)}"
            key = _credit(run.env, "apikey", "create", f"ops-{secrets.token_hex(4)}").strip().splitlines()[-1]
            headers = {"Authorization": f"Bearer {key}"}
            client_id = httpx.get(f"{run.explain}/v1/clients", params={"prefix": "1", "limit": 1}, headers=headers,
                                  timeout=30).json()["clients"][0]["client_id"]
            scored = httpx.get(f"{run.scoring}/v1/clients/{client_id}/score", headers=headers, timeout=30)
            assert scored.status_code == 200, scored.text
            event_id = f"decision-{scored.json()['decision_id']}"
            published = until(lambda: asyncio.run(_published(broker.url)).get(event_id),
                              f"event {event_id} on the broker", context=lambda: run.text()[-4000:])
            assert isinstance(published, dict) and published["type"] == events.MODEL_DECISION
            data = published["data"]
            assert isinstance(data, dict)
            assert data["client_id"] == client_id and data["decision"] == scored.json()["decision"]
            run.process.send_signal(signal.SIGTERM)
            _assert_stopped_cleanly(run, tracked, "SIGTERM")
    finally:
        broker.stop()
