"""The advisor's whole flow in a real Chromium against the real running stack (scoring, explain, web, Postgres).

login → search a client (live suggestions) → Predict → every chart drawn with no console error → change a
variable → what-if edit updates score and waterfall → record an override with its reason → open the letter →
switch language; axe-core (served by us) finds no serious or critical violation on the main pages. The test
also saves the README's screenshot (docs/img/dashboard.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests._chromium import new_page, sign_in
from tests.web._stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "dashboard.png"
VARIABLE_A, VARIABLE_B, VARIABLE_B2 = "EXT_SOURCE_3", "AGE_YEARS", "NAME_EDUCATION_TYPE"

# True once no panel is loading, no htmx request is in flight and every [data-vega-spec] inside `root` has
# been drawn by vega-embed (an <svg> or <canvas>), with at least `min` charts.
ALL_CHARTS_DRAWN = """([root, min]) => {
  const scope = document.querySelector(root);
  // Panels still loading show their placeholder; lazy parts (e.g. loaded when revealed) are not waited for: the
  // client-view panel loads only once scrolled to, which a page restored by going back may never be.
  const loading = ':scope > .loading, .panel:not([hx-trigger~="revealed"]) > .loading, .htmx-request';
  if (!scope || scope.querySelector(loading)) return false;
  const charts = [...scope.querySelectorAll('[data-vega-spec]')];
  return charts.length >= min && charts.every(
    c => c.dataset.vegaDrawn === 'done' && c.querySelector('svg, canvas'));
}"""

# For every chart in `root`: its role, any aria-label, the text of the figcaption of its own figure that
# aria-labelledby points at ("" when it points elsewhere or nowhere), and whether the drawing inside is hidden
# from assistive technology (the container is the image).
CHART_NAMES = """root => [...document.querySelectorAll(`${root} [data-vega-spec]`)].map(chart => {
  const caption = document.getElementById(chart.getAttribute('aria-labelledby') || '');
  const own = caption && caption.tagName === 'FIGCAPTION' && caption.closest('figure') === chart.closest('figure');
  const drawing = chart.querySelector('svg, canvas');
  return {role: chart.getAttribute('role'), ariaLabel: chart.getAttribute('aria-label'),
          caption: own ? caption.textContent.trim() : '',
          drawingHidden: Boolean(drawing) && drawing.getAttribute('aria-hidden') === 'true'};
})"""

AXE_RUN = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


class Console:
    """Console errors and uncaught page errors seen by a page (CSP violations are console errors too)."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} @ {message.location.get('url', '')}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, viewport={"width": 1280, "height": 900}, locale="fr-FR")
    yield page
    page.context.close()


def wait_for_charts(page: Page, root: str, minimum: int) -> int:
    page.wait_for_function(ALL_CHARTS_DRAWN, arg=[root, minimum])
    return page.locator(f"{root} [data-vega-spec]").count()


def axe_violations(page: Page, base_url: str) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations reported by axe-core (loaded from our static folder)."""
    page.add_script_tag(url=f"{base_url}/static/vendor/axe.min.js")
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]


def _probability(page: Page, scope: str) -> str:
    return page.locator(f"{scope} .score-probability, {scope} .whatif-outcome p").first.inner_text()


def test_advisor_flow(page: Page, stack: Stack) -> None:
    console = Console(page)
    web = stack.web_url
    client_id = stack.client_ids(3)[1]
    sign_in(page, web, stack.advisor)
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # Search: typing a prefix shows live suggestions, each a link to that client.
    page.fill("#client-input", str(client_id)[:4])
    suggestions = page.locator("#client-suggestions a[data-client]")
    expect(suggestions.first).to_be_visible()
    shown = suggestions.evaluate_all("links => links.map(link => link.dataset.client)")
    assert shown and all(s.startswith(str(client_id)[:4]) for s in shown)

    # Predict with two numeric variables: every panel loads and every chart is drawn.
    page.fill("#client-input", str(client_id))
    page.select_option("#a-select", VARIABLE_A)
    page.select_option("#b-select", VARIABLE_B)
    page.click("#predict")
    page.wait_for_url(re.compile(rf"client={client_id}"))
    drawn = wait_for_charts(page, "#panels", 5)  # gauge, waterfall, two distributions, their scatter
    assert drawn >= 5
    # Each chart is an image named by its own visible caption: the text exists once (no aria-label copy of it,
    # which screen readers would read twice).
    names = page.evaluate(CHART_NAMES, "#panels")
    assert len(names) == drawn and all(n["role"] == "img" and n["ariaLabel"] is None and n["caption"]
                                       and n["drawingHidden"] for n in names), names
    url = page.url
    assert f"a={VARIABLE_A}" in url and f"b={VARIABLE_B}" in url and "lang=fr" in url
    expect(page.locator("#score-panel .score-decision")).to_be_visible()
    expect(page.locator(f'#compare-panel [data-feature="{VARIABLE_B}"] figcaption')).to_contain_text("% des clients")
    # The global summary loads when scrolled into view.
    page.locator("#why-panel .global-summary").scroll_into_view_if_needed()
    wait_for_charts(page, "#why-panel .global-summary", 2)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1400})
    assert SCREENSHOT.stat().st_size > 20_000

    # Reloading the pushed URL restores the same view (bookmarkable state).
    page.reload()
    wait_for_charts(page, "#panels", 5)
    expect(page.locator("#b-select")).to_have_value(VARIABLE_B)

    # Change a variable: the comparison now shows a box plot per category, still drawn.
    page.select_option("#b-select", VARIABLE_B2)
    page.click("#predict")
    page.wait_for_url(re.compile(rf"b={VARIABLE_B2}"))
    wait_for_charts(page, "#compare-panel", 3)
    expect(page.locator(f'#compare-panel [data-feature="{VARIABLE_B2}"]')).to_be_visible()

    # What-if: halve the credit; the new score and its waterfall appear.
    credit = page.locator("#whatif-AMT_CREDIT")
    original = float(credit.input_value())
    credit.fill(f"{original / 2:.0f}")
    credit.dispatch_event("change")
    outcome = page.locator("#whatif-result .whatif-outcome")
    expect(outcome).to_be_visible()
    wait_for_charts(page, "#whatif-result", 2)
    expect(outcome).to_have_attribute("data-decision", re.compile("granted|refused"))

    # Override needs a reason: refused without one, recorded with one (who and why shown in the history).
    decisions = page.locator("#decision-panel")
    decisions.locator("#decision-override").check()
    decisions.locator("form.decision-form button[type=submit]").click()
    expect(decisions.locator("#decision-reason-error")).to_be_visible()
    # That refusal is a 422 answer, which Chromium and htmx log as errors: the only errors allowed.
    expected_422 = [e for e in console.errors if "422" in e and "/fragments/decisions" in e]
    assert expected_422 and len(expected_422) == len(console.errors), console.errors
    console.errors.clear()
    reason = f"Garant solide, revenus confirmés ({client_id})"
    decisions.locator("#decision-override").check()
    decisions.locator("#decision-reason").fill(reason)
    decisions.locator("form.decision-form button[type=submit]").click()
    history = decisions.locator('table.decision-history tbody tr[data-kind="advisor"]').first
    expect(history).to_contain_text(reason)
    expect(history).to_contain_text(stack.advisor.username)

    # The printable letter, in French, names the client's decision.
    page.click(".letter-link a")
    page.wait_for_url(re.compile(r"/letter\?"))
    expect(page.locator("article.letter")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # Back to the dashboard, switch to English: same view, English text and charts.
    page.go_back()
    wait_for_charts(page, "#panels", 5)
    page.click("[data-lang-switch]")
    page.wait_for_url(re.compile(r"lang=en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    wait_for_charts(page, "#panels", 5)
    expect(page.locator("#score-panel figcaption").first).to_contain_text("Probability of default")
    assert f"client={client_id}" in page.url and f"b={VARIABLE_B2}" in page.url

    assert console.errors == [], console.errors


@pytest.mark.parametrize("path", ["/login", "/", "/model", "/letter"])
def test_pages_have_no_serious_accessibility_violation(page: Page, stack: Stack, path: str) -> None:
    console = Console(page)
    client_id = stack.client_ids(1)[0]
    if path != "/login":
        sign_in(page, stack.web_url, stack.advisor)
    query = f"?client={client_id}&a={VARIABLE_A}&b={VARIABLE_B2}&lang=fr" if path in ("/", "/letter") else ""
    page.goto(f"{stack.web_url}{path}{query}")
    if path == "/":
        wait_for_charts(page, "#panels", 5)
    elif path == "/model":
        wait_for_charts(page, "main", 5)
    violations = axe_violations(page, stack.web_url)
    assert violations == [], violations
    assert console.errors == [], console.errors
