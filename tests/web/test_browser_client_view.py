"""Issue 13 item 10 in a real Chromium, French and English: the advisor creates the client's link from the
dashboard, sees it with its expiry, and the client opens it in a fresh browser (no session cookie): the decision,
the reasons and what would change it, in their language, and a download of their data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests._chromium import new_page, signed_in_page
from tests.web._panels import api, clients_by_decision
from tests.web._stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 60_000
WORDS = {
    "fr": {"valid": "valable jusqu'au", "reasons": "Les principales raisons de cette décision",
           "change": "Ce qui pourrait changer la décision", "data": "Vos informations",
           "refused": "Refusé", "granted": "Accordé"},
    "en": {"valid": "valid until", "reasons": "The main reasons for this decision",
           "change": "What could change the decision", "data": "Your information",
           "refused": "Refused", "granted": "Granted"},
}


@pytest.fixture(scope="module")
def refused(stack: Stack) -> int:
    return clients_by_decision(stack)["refused"][-5]  # not one the decision tests override


def _advisor_page(browser: Browser, stack: Stack, lang: str) -> Page:
    return signed_in_page(browser, stack.web_url, stack.advisor, lang, wait_ms=WAIT_MS,
                          viewport={"width": 1440, "height": 900}, locale="fr-FR")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_advisor_creates_the_link_and_the_client_opens_it_in_a_fresh_browser(
        browser: Browser, stack: Stack, refused: int, lang: str) -> None:
    words = WORDS[lang]
    advisor = _advisor_page(browser, stack, lang)
    advisor.goto(f"{stack.web_url}/?client={refused}&lang={lang}")
    # The analysis panels first (they move the layout as they arrive), then the client view, loaded when revealed.
    expect(advisor.locator("#panels > section.panel:not(#client-view-panel) > .loading")).to_have_count(0)
    create = advisor.locator("#client-view-create")
    for _ in range(10):
        advisor.evaluate("document.getElementById('client-view-panel').scrollIntoView()")
        if create.count():
            break
        advisor.wait_for_timeout(300)
    expect(create).to_be_visible()
    advisor.select_option("#client-link-lang", lang)
    create.click()
    link = advisor.locator("#client-link-url")
    expect(link).to_be_visible()
    url = link.input_value()
    assert re.fullmatch(rf"{re.escape(stack.web_url)}/c/[A-Za-z0-9_.\-]+\?lang={lang}", url), url
    expect(advisor.locator(".client-link-created")).to_contain_text(words["valid"])
    expect(advisor.locator("#client-link-open")).to_have_attribute("href", url)
    advisor.context.close()

    # The client: another browser context, so no cookie of the advisor's.
    client = new_page(browser, wait_ms=WAIT_MS, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context = client.context
    violations: list[str] = []
    client.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = client.goto(url)
    assert response is not None and response.status == 200
    assert context.cookies() == []
    expect(client.locator("html")).to_have_attribute("lang", lang)
    history = api(stack, "scoring", "GET", f"/v1/clients/{refused}/history", params={"limit": 20})
    decision = (history.get("advisor_decision") or {}).get("final_decision") or "refused"
    expect(client.locator(".client-view-decision .decision")).to_contain_text(words[decision])
    if decision == "refused" and not history.get("advisor_decision"):
        expect(client.locator("main")).to_contain_text(words["reasons"])
    expect(client.locator("ol.letter-reasons li").first).to_be_visible()
    expect(client.locator("main")).to_contain_text(words["change"])
    cf = api(stack, "explain", "GET", f"/v1/clients/{refused}/counterfactual")
    if decision == "refused":
        expect(client.locator(f'.counterfactual-fragment[data-status="{cf["status"]}"]')).to_be_visible()
    expect(client.locator("main")).to_contain_text(words["data"])
    # Read-only: no form, no button, no link to the dashboard or to other clients.
    expect(client.locator("form")).to_have_count(0)
    expect(client.locator("button")).to_have_count(0)
    hrefs = client.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert all(h.startswith(("/c/", "#")) for h in hrefs), hrefs

    with client.expect_download() as download_info:
        client.click("#download-json")
    download = download_info.value
    assert download.suggested_filename == f"pret-a-depenser-{refused}.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["client_id"] == refused and data["language"] == lang
    assert data["decision"]["decision"] == decision and data["reasons"]
    assert not violations
    context.close()
