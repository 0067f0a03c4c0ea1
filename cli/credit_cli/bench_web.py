"""`credit bench web`: the dashboard's speed in a real Chromium, plus server time and memory of the web service.

Starts scoring, explain and web under uvicorn on free loopback ports against the current database (which needs
client features and an active model, as left by `credit run` or `credit db bootstrap`), signs in a throwaway
advisor account (deleted at the end) and measures:
  - page load: the dashboard, navigation start to `load` event (fresh browser context, empty cache), and a
    bookmarked client view from navigation start to every chart drawn;
  - Predict: click → every chart of every panel drawn by vega-embed, median over `--clients` clients;
  - what-if: an edit of the credit amount → the new score and its waterfall drawn, median (by its `change`
    event and by the "Recalculate" button);
  - server time of the whole Predict fragment set, fetched concurrently as the browser does (p50 / p95);
  - web service RSS (after the runs, and the peak sampled during them).
It prints figures and asserts nothing (see docs/BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import numpy as np
import psutil
import sqlalchemy as sa
import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_cli import _processes
from credit_cli._common import fail, with_database
from credit_core.settings import Settings

CHROMIUM = "/usr/bin/chromium"
VARIABLES = ("EXT_SOURCE_3", "AGE_YEARS")
FRAGMENTS = ("score", "why", "profile", "compare", "similar", "whatif", "decisions")
CSRF = re.compile(r'"X-CSRF-Token": "([^"]+)"')
STEP_TIMEOUT_MS = 60_000

# performance.now() once the swapped-in content (not the stale copy marked before the action) has loaded all its
# panels and vega-embed has drawn every chart in it (minimum 0: panels loaded, charts not waited for).
DRAWN_AT = """([root, minimum]) => {
  const scope = document.querySelector(root);
  if (!scope || scope.closest('[data-stale]') || scope.querySelector('[data-stale]')) return false;
  if (scope.querySelector(':scope > .loading, .panel > .loading, .htmx-request')) return false;
  const charts = [...scope.querySelectorAll('[data-vega-spec]')];
  const done = charts.length >= minimum && (minimum === 0 || charts.every(
    c => c.dataset.vegaDrawn === 'done' && c.querySelector('svg, canvas')));
  return done ? performance.now() : false;
}"""


@dataclass
class Services:
    urls: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)


async def _prepare(engine: AsyncEngine, settings: Settings, username: str, password: str) -> tuple[str, list[int]]:
    """A bench API key, a throwaway advisor, and clients with features."""
    from credit_core import db
    from credit_core.service import auth as api_keys
    from credit_web import auth as users

    async with engine.connect() as conn:
        ids = [row[0] for row in await conn.exec_driver_sql(
            "SELECT sk_id_curr FROM client_feature ORDER BY random() LIMIT 500")]
        active = (await conn.exec_driver_sql("SELECT version FROM model_version WHERE is_active")).scalar()
    if not ids or active is None:
        raise fail("no client features or no active model: run `credit run` (or `credit db bootstrap`) first")
    async with db.session_factory(engine)() as session:
        key = await api_keys.create_api_key(session, f"bench-web-{secrets.token_hex(4)}")
        await users.create_user(session, username, password, "advisor")
    return key, ids


async def _drop_user(engine: AsyncEngine, settings: Settings, username: str) -> None:
    from credit_core import orm

    async with engine.begin() as conn:
        await conn.execute(sa.delete(orm.AppUser).where(orm.AppUser.username == username))


def _wait(url: str, process: subprocess.Popen[bytes], ready: Callable[[httpx.Response], bool], timeout: float,
          log_dir: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise fail(f"{url} exited during startup (logs in {log_dir})")
        try:
            if ready(httpx.get(url, timeout=2)):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise fail(f"{url} not ready after {timeout:.0f} s (logs in {log_dir})")


def _start(key: str, timeout: float) -> Services:
    ports = {name: _processes.free_port() for name in ("scoring", "explain", "web")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = dict(os.environ, SCORING_URL=urls["scoring"], EXPLAIN_URL=urls["explain"], SERVICE_API_KEY=key,
               SESSION_SECRET=secrets.token_urlsafe(32), CREDIT_ACCESS_LOG="0")
    services = Services(urls, Path(tempfile.mkdtemp(prefix="bench-web-logs-")))
    modules = {"scoring": "credit_scoring.main:app", "explain": "credit_explain.main:app", "web": "credit_web.main:app"}
    for name, module in modules.items():
        cmd = [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(ports[name]),
               "--no-access-log", "--log-level", "warning"]
        with (services.logs / f"{name}.log").open("ab") as log:  # the services' JSON logs, out of the figures
            services.processes[name] = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    probes: dict[str, tuple[str, Callable[[httpx.Response], bool]]] = {
        "scoring": ("/readyz", lambda r: r.status_code == 200),
        "explain": ("/healthz", lambda r: r.status_code == 200 and bool(r.json().get("explain_ready"))),
        "web": ("/healthz", lambda r: r.status_code == 200),
    }
    for name, (path, ready) in probes.items():
        _wait(urls[name] + path, services.processes[name], ready, timeout, services.logs)
    return services


def _stop(services: Services) -> None:
    _processes.stop(services.processes.values())


class PeakRss:
    """Samples a process's RSS in a background thread; `.peak_mb` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now_mb(self) -> float:
        return self.process.memory_info().rss / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_mb = max(self.peak_mb, self.now_mb())
            except psutil.Error:
                return
            self._stop.wait(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _sign_in_http(web: str, username: str, password: str) -> httpx.AsyncClient:
    """An async client holding a signed-in session, as the browser's htmx requests would."""
    with httpx.Client(base_url=web, timeout=30) as sync:
        token = CSRF.search(sync.get("/login").text.replace("&#34;", '"').replace("&quot;", '"'))
        if token is None:
            raise fail("the login page has no CSRF token")
        r = sync.post("/login", data={"username": username, "password": password, "csrf_token": token.group(1),
                                      "next": "/"})
        if r.status_code != 303:
            raise fail(f"sign-in failed ({r.status_code})")
        cookies = sync.cookies
    return httpx.AsyncClient(base_url=web, cookies=cookies, timeout=30, headers={"HX-Request": "true"},
                             limits=httpx.Limits(max_connections=len(FRAGMENTS)))


async def _server_times(web: str, username: str, password: str, ids: list[int], rounds: int) -> list[float]:
    """Seconds from the first request of a Predict fragment set to its last response, per client."""
    client = _sign_in_http(web, username, password)
    a, b = VARIABLES
    times = []
    async with client:
        for i in range(rounds):
            params = {"client": ids[i % len(ids)], "a": a, "b": b, "lang": "fr"}
            started = time.perf_counter()
            responses = await asyncio.gather(*(client.get(f"/fragments/{name}", params=params)
                                               for name in FRAGMENTS))
            elapsed = time.perf_counter() - started
            if any(r.status_code != 200 for r in responses):
                raise fail(f"fragment error: {[r.status_code for r in responses]}")
            if i >= 3:  # the first rounds warm connections and caches
                times.append(elapsed)
    return times


def _browser_figures(web: str, username: str, password: str, ids: list[int], clients: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    a, b = VARIABLES
    figures: dict[str, list[float]] = {"load": [], "load_client": [], "panels": [], "predict": [],
                                       "whatif_button": [], "whatif_edit": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for _ in range(5):  # page load in fresh contexts: empty cache, like a first visit of the day
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
                page = context.new_page()
                _sign_in_page(page, web, username, password)
                page.goto(f"{web}/?a={a}&b={b}&lang=fr", wait_until="load")
                timing = page.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
                figures["load"].append((timing["loadEventEnd"] - timing["startTime"]) / 1000)
                # A bookmarked client view: navigation start (performance.now() origin) to every chart drawn.
                page.goto(f"{web}/?client={ids[-1 - len(figures['load'])]}&a={a}&b={b}&lang=fr")
                drawn = page.wait_for_function(DRAWN_AT, arg=["#panels", 5], polling="raf").json_value()
                figures["load_client"].append(drawn / 1000)
                context.close()
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            context.set_default_timeout(STEP_TIMEOUT_MS)
            page = context.new_page()
            _sign_in_page(page, web, username, password)
            page.goto(f"{web}/?a={a}&b={b}&lang=fr")
            for i in range(clients + 1):  # the first round warms up
                client_id = ids[i % len(ids)]
                page.fill("#client-input", str(client_id))
                started = page.evaluate("""() => {
                  // the region Predict replaces (the whole main area before it had its own results region)
                  const replaced = document.getElementById('dashboard-results')
                    || document.getElementById('dashboard-main');
                  replaced.dataset.stale = '1';
                  const t0 = performance.now();
                  document.querySelector('#predict').click();
                  return t0;
                }""")
                loaded = page.wait_for_function(DRAWN_AT, arg=["#panels", 0], polling="raf").json_value()
                drawn = page.wait_for_function(DRAWN_AT, arg=["#panels", 5], polling="raf").json_value()
                if i:
                    figures["panels"].append((loaded - started) / 1000)
                    figures["predict"].append((drawn - started) / 1000)
                for path, trigger in (("whatif_button", "button"), ("whatif_edit", "change")):
                    started = _whatif(page, i, trigger)
                    drawn = page.wait_for_function(DRAWN_AT, arg=["#whatif-result", 2], polling="raf").json_value()
                    if i:
                        figures[path].append((drawn - started) / 1000)
        finally:
            browser.close()
    return figures


def _sign_in_page(page: Any, web: str, username: str, password: str) -> None:
    page.goto(f"{web}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?.*)?$"))


def _whatif(page: Any, i: int, trigger: str) -> float:
    """Change the credit amount (by the Recalculate button, or a plain edit and its change event); t0 in ms."""
    credit = page.locator("#whatif-AMT_CREDIT")
    credit.wait_for()
    value = float(credit.input_value() or 100_000)
    credit.fill(f"{value * (0.8 if i % 2 else 0.9):.0f}")
    action = ("form.requestSubmit()" if trigger == "button"
              else "form.querySelector('#whatif-AMT_CREDIT').dispatchEvent(new Event('change', {bubbles: true}))")
    return float(page.evaluate(f"""() => {{
      const result = document.querySelector('#whatif-result');
      for (const child of result.children) child.dataset.stale = '1';
      const form = document.querySelector('#whatif-panel form.whatif-form');
      const t0 = performance.now();
      {action};
      return t0;
    }}"""))


def _line(name: str, values: list[float], unit: str = "ms") -> str:
    if not values:
        return f"{name:44} (no data)"
    ms = np.array(values) * 1000
    return (f"{name:44} n={len(ms):3}  median {np.median(ms):7.0f} {unit}  p95 {np.percentile(ms, 95):7.0f} {unit}"
            f"  min {ms.min():6.0f}  max {ms.max():6.0f}")


def web(
    clients: Annotated[int, typer.Option(help="Clients to Predict in the browser (median over them).")] = 20,
    server_rounds: Annotated[int, typer.Option(help="Fragment sets fetched for the server-time figures.")] = 100,
    ready_timeout: Annotated[float, typer.Option(help="Seconds to wait for the services to be ready.")] = 600.0,
) -> None:
    """Start scoring, explain and web, then measure the dashboard in Chromium and the web service's server time."""
    if not os.path.exists(CHROMIUM):
        raise fail(f"{CHROMIUM} not found (apt-get install chromium)")
    username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    key, ids = with_database(lambda engine, settings: _prepare(engine, settings, username, password))
    services = _start(key, ready_timeout)
    try:
        rss = PeakRss(services.processes["web"].pid)
        load_before = os.getloadavg()
        browser = _browser_figures(services.urls["web"], username, password, ids, clients)
        server = asyncio.run(_server_times(services.urls["web"], username, password, ids, server_rounds))
        load_after = os.getloadavg()
        rss_now = rss.now_mb()
        rss.stop()
    finally:
        _stop(services)
        with_database(lambda engine, settings: _drop_user(engine, settings, username), migrate=False)
    typer.echo(f"{len(ids)} candidate clients; variables {VARIABLES[0]} × {VARIABLES[1]}; load average "
               f"{load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} CPUs)")
    typer.echo(_line("page load (dashboard, fresh context)", browser["load"]))
    typer.echo(_line("client view → charts drawn (cached assets)", browser["load_client"]))
    typer.echo(_line("Predict → every panel's HTML loaded", browser["panels"]))
    typer.echo(_line("Predict → every chart drawn", browser["predict"]))
    typer.echo(_line("what-if (Recalculate) → score + waterfall", browser["whatif_button"]))
    typer.echo(_line("what-if (edit: change event)", browser["whatif_edit"]))
    typer.echo(_line(f"server: {len(FRAGMENTS)} Predict fragments, concurrent", server))
    typer.echo(f"{'web RSS':44} {rss_now:7.0f} MB after the runs, peak {rss.peak_mb:.0f} MB")
    typer.echo(f"service logs: {services.logs}")
