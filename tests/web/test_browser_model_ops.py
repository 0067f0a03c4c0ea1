"""Issue 16 on the model page, in a real Chromium, French and English: the drift and champion/challenger sections
with nothing to show, then with a drift report made by `credit drift report` and a challenger started by
`credit model shadow` that scored the same traffic as the served model."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from credit_core import db
from credit_web import formatting
from credit_web.i18n.features import feature_label
from tests._chromium import signed_in_page
from tests._waiting import until
from tests.web._panels import api, pct, text_of
from tests.web._stack import Stack, credit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHALLENGER_SEED = "11"
WORDS = {"fr": {"no_drift": "Pas encore de rapport de dérive", "no_challenger": "Aucun challenger n'est à l'essai",
                "drift": "Variables qui ont changé", "agreement": "des demandes"},
         "en": {"no_drift": "No drift report yet", "no_challenger": "No challenger is being tried",
                "drift": "Features that changed", "agreement": "of requests"}}


def _monitoring(stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = api(stack, "scoring", "GET", "/v1/model/monitoring")
    return body


def _forget_model_operations(stack: Stack) -> None:
    """No challenger and no drift report: the state a fresh installation starts in (the other tests never make
    either, and this module leaves the stack that way)."""
    credit(stack.env, "model", "shadow", "--off")

    async def delete_reports() -> None:
        engine = db.create_engine(stack.database_url, pool_size=1)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("DELETE FROM drift_report")
        finally:
            await engine.dispose()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, delete_reports()).result()

    def nothing() -> bool:
        body = _monitoring(stack)
        return body["drift"] is None and body["challenger"] is None

    until(nothing, "the scoring service dropped its challenger")


@pytest.fixture(scope="module")
def quiet(stack: Stack) -> None:
    _forget_model_operations(stack)


@pytest.fixture(scope="module")
def monitored(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A challenger (another seed, not activated) in the shadow of the served model, requests scored by both, and
    a drift report of the last day's decisions; the monitoring body the page is drawn from."""
    trained = credit(stack.env, "train", "--iterations", "30", "--no-progress", "--no-tune", "--seed",
                     CHALLENGER_SEED, "--no-activate")
    version = re.search(r"registered (\S+)", trained).group(1)  # type: ignore[union-attr]
    credit(stack.env, "model", "shadow", version)
    clients = sorted({c["client_id"] for prefix in ("1000", "1010", "1020")
                      for c in api(stack, "explain", "GET", "/v1/clients", params={"prefix": prefix, "limit": 50})[
                          "clients"]})

    def compared() -> dict[str, Any] | None:
        # The shadow skips traffic until the challenger is loaded and compiled: score again until it has all.
        api(stack, "scoring", "POST", "/v1/score/batch", json={"client_ids": clients})
        time.sleep(1)
        comparison = _monitoring(stack)["challenger"]
        return comparison if comparison and comparison["n"] >= len(clients) else None

    until(compared, "the challenger's shadow scores of a batch", seconds=300)
    out = tmp_path_factory.mktemp("drift") / "drift.html"
    credit(stack.env, "drift", "report", "--since", "1d", "--out", str(out))
    body = _monitoring(stack)
    assert body["drift"] is not None and body["challenger"]["challenger_version"] == version
    yield {**body, "report_file": out}
    _forget_model_operations(stack)


@pytest.fixture(params=["fr", "en"])
def page(request: pytest.FixtureRequest, browser: Browser, stack: Stack) -> Iterator[Page]:
    page = signed_in_page(browser, stack.web_url, stack.advisor, request.param,
                          viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page.lang = request.param  # type: ignore[attr-defined]
    yield page
    page.context.close()


def _lang(page: Page) -> str:
    return str(page.lang)  # type: ignore[attr-defined]


def test_without_report_or_challenger_each_section_says_how_to_start(stack: Stack, page: Page, quiet: None) -> None:
    lang = _lang(page)
    page.goto(f"{stack.web_url}/model?lang={lang}")
    drift, challenger = page.locator("#model-drift"), page.locator("#model-challenger")
    expect(drift.locator(".drift-empty")).to_contain_text(WORDS[lang]["no_drift"])
    expect(drift.locator(".drift-empty code")).to_have_text("credit drift report --since 30d")
    expect(challenger.locator(".challenger-empty")).to_contain_text(WORDS[lang]["no_challenger"])
    expect(challenger.locator(".challenger-empty code")).to_have_text("credit model shadow VERSION")
    expect(page.locator(".drift-table, .challenger-table, .monitoring-unavailable")).to_have_count(0)
    expect(page.locator(".model-card")).to_be_visible()  # the rest of the page is there


def test_drift_and_challenger_sections_show_the_comparison(stack: Stack, page: Page,
                                                           monitored: dict[str, Any], tmp_path: Path) -> None:
    lang = _lang(page)
    drift, comparison = monitored["drift"], monitored["challenger"]
    drifted = [row["feature"] for row in drift["top_features"] if row["drifted"]]
    assert drifted, "the day's decisions against the training sample: some features drift (small sample)"
    page.goto(f"{stack.web_url}/model?lang={lang}")
    section = page.locator("#model-drift")
    expect(section.locator(".drift-share")).to_contain_text(pct(drift["drifted_share"], lang))
    counts = text_of(section.locator(".drift-counts").inner_text())
    assert text_of(formatting.number(drift["n_current"], lang)) in counts
    rows = section.locator(".drift-table tbody tr")
    expect(rows).to_have_count(len(drifted))
    for i, name in enumerate(drifted):  # the catalogue's words, most shifted first, never the raw column alone
        expect(rows.nth(i).locator("th")).to_have_text(feature_label(name, lang))
    link = section.locator("a.drift-download")
    expect(link).to_have_attribute("href", f"/model/drift/{drift['report_id']}")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    assert saved.read_bytes() == monitored["report_file"].read_bytes()  # the report the command wrote, whole

    challenger = page.locator("#model-challenger")
    expect(challenger.locator(".challenger-version")).to_have_text(comparison["challenger_version"])
    expect(challenger.locator(".challenger-n")).to_have_text(str(comparison["n"]))
    expect(challenger.locator(".challenger-agreement")).to_contain_text(pct(comparison["agreement_rate"], lang))
    expect(challenger.locator(".challenger-agreement")).to_contain_text(WORDS[lang]["agreement"])
    approval = challenger.locator(".challenger-approval td")
    expect(approval.nth(0)).to_have_text(pct(comparison["champion"]["approval_rate"], lang))
    expect(approval.nth(1)).to_have_text(pct(comparison["challenger"]["approval_rate"], lang))
    expect(challenger.locator(".challenger-outcomes")).to_be_visible()  # no outcomes: "not enough outcomes yet"
    expect(challenger.locator(".vega-chart canvas, .vega-chart svg").first).to_be_attached()
    expect(page.locator(".drift-empty, .challenger-empty, .monitoring-unavailable")).to_have_count(0)
