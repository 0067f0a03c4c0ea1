"""Item 10: the dashboard's Content-Security-Policy allows only our own scripts and stylesheets: no
'unsafe-inline' styles. In a real Chromium, the pages an advisor uses (charts drawn, a tooltip shown, htmx swaps)
trigger no CSP violation, and the chart and tooltip rules moved into app.css apply."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests._chromium import signed_in_page
from tests.security._dashboard import Dashboard, dashboard_on, new_account
from tests.web._stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 60_000  # a ceiling for one step on a shared machine, not a speed check
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample || ''}`.trim()));
"""
CHARTS_DRAWN = """min => {
  const charts = [...document.querySelectorAll('[data-vega-spec]')];
  return charts.length >= min && !document.querySelector('.htmx-request, .panel > .loading')
    && charts.every(c => c.dataset.vegaDrawn === 'done' && c.querySelector('svg, canvas'));
}"""


@pytest.fixture(scope="module")
def dashboard(stack: Stack) -> Iterator[Dashboard]:
    with dashboard_on(stack, "postgres") as running:
        yield running


@pytest.fixture
def page(browser: Browser, dashboard: Dashboard) -> Iterator[Page]:
    page = signed_in_page(browser, dashboard.url, new_account(dashboard), "en", wait_ms=WAIT_MS,
                          init_script=RECORD_VIOLATIONS, viewport={"width": 1280, "height": 900}, locale="en-GB",
                          extra_http_headers={"X-Forwarded-For": "10.10.0.1"})
    yield page
    page.context.close()


def _show_a_tooltip(page: Page) -> bool:
    """Sweep the mouse over the comparison charts (they carry tooltips) until vega shows one."""
    for chart in page.locator("#compare-panel [data-vega-spec]").all():
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        if box is None:
            continue
        for fy in (0.3, 0.5, 0.7):
            for fx in range(1, 20):
                page.mouse.move(box["x"] + box["width"] * fx / 20, box["y"] + box["height"] * fy)
                if page.evaluate("document.querySelector('#vg-tooltip-element.visible') !== null"):
                    return True
    return False


def test_the_policy_allows_no_inline_style(dashboard: Dashboard) -> None:
    policy = httpx.get(f"{dashboard.url}/login").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in policy


def test_pages_with_charts_and_tooltips_raise_no_violation(page: Page, dashboard: Dashboard, stack: Stack) -> None:
    client_id = stack.client_ids(3)[0]
    page.goto(f"{dashboard.url}/?client={client_id}&a=EXT_SOURCE_3&b=NAME_EDUCATION_TYPE&lang=en")
    page.wait_for_function(CHARTS_DRAWN, arg=5)
    # A tooltip: vega-tooltip creates its element (styled by app.css, not by an injected <style>).
    assert _show_a_tooltip(page), "no chart showed a tooltip"
    assert page.locator("#vg-tooltip-element").evaluate("e => getComputedStyle(e).position") == "fixed"
    for path in (f"/letter?client={client_id}&lang=en", "/model?lang=en", "/login?lang=en"):
        page.goto(f"{dashboard.url}{path}")
        if path.startswith("/model"):
            page.wait_for_function(CHARTS_DRAWN, arg=3)
        assert page.evaluate("window.__csp") == [], path
    page.goto(f"{dashboard.url}/?client={client_id}&lang=en")
    page.wait_for_function(CHARTS_DRAWN, arg=2)
    assert page.evaluate("window.__csp") == []
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    wrapper = page.locator(".vega-embed").first
    assert wrapper.evaluate("e => getComputedStyle(e).position") == "relative"  # app.css's rule applies
