"""The shell in a real Chromium: sign in, find a client by typing, open it, switch language; no console errors
(a Content-Security-Policy violation is one) and keyboard access through the skip link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.web._stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PANEL_IDS = ("score-panel", "why-panel", "profile-panel", "compare-panel", "similar-panel", "whatif-panel",
             "decision-panel")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def sign_in(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.web_url}/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F&lang=fr$"))
    page.get_by_label("Identifiant").fill(stack.advisor.username)
    page.get_by_label("Mot de passe").fill(stack.advisor.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{stack.web_url}/")


def test_search_open_client_and_switch_language(stack: Stack, page: Page, tmp_path: Path) -> None:
    sign_in(page, stack)
    assert page.locator("html").get_attribute("lang") == "fr"
    client_id = stack.client_ids(1)[0]
    search = page.get_by_label("Numéro de client")
    search.press_sequentially(str(client_id)[:4], delay=30)
    suggestion = page.locator(f'#client-suggestions a[data-client="{client_id}"]')
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page).to_have_url(re.compile(rf"client={client_id}"))
    for panel in PANEL_IDS:
        expect(page.locator(f"#{panel}")).to_have_count(1)
    expect(page.locator("#score-panel .loading")).to_have_count(0, timeout=15_000)
    page.screenshot(path=str(tmp_path / "dashboard-fr.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"client={client_id}.*lang=en"))
    expect(page.get_by_label("Client ID")).to_have_value(str(client_id))
    page.reload()  # the URL alone restores the same view
    expect(page.get_by_label("Client ID")).to_have_value(str(client_id))
    expect(page.locator("#score-panel .loading")).to_have_count(0, timeout=15_000)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_variable_filter_and_predict_push_the_state_into_the_url(stack: Stack, page: Page) -> None:
    sign_in(page, stack)
    client_id = stack.client_ids(2)[1]
    page.get_by_label("Numéro de client").fill(str(client_id))
    page.get_by_placeholder("Filtrer les variables").first.fill("âge")
    first = page.locator("#a-select")
    expect(first.locator("option", has_text=re.compile("[Ââ]ge", re.IGNORECASE)).first).to_be_attached()
    value = first.locator("option", has_text=re.compile("[Ââ]ge", re.IGNORECASE)).first.get_attribute("value")
    assert value
    first.select_option(value)
    page.get_by_role("button", name="Prédire").click()
    expect(page).to_have_url(re.compile(rf"client={client_id}&a={value}&b=\w+&lang=fr"))
    expect(page.locator("#compare-panel")).to_have_attribute("hx-get", re.compile(rf"a={value}"))

    other = stack.client_ids(3)[2]
    page.get_by_label("Numéro de client").fill(str(other))
    page.get_by_role("button", name="Prédire").click()
    expect(page).to_have_url(re.compile(rf"client={other}&a={value}"))
    page.go_back()  # history restores the previous view from its URL
    expect(page).to_have_url(re.compile(rf"client={client_id}&a={value}"))
    expect(page.get_by_label("Numéro de client")).to_have_value(str(client_id))
    expect(page.locator("#score-panel .loading")).to_have_count(0, timeout=15_000)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_skip_link_is_the_first_stop_and_focus_is_visible(stack: Stack, page: Page) -> None:
    sign_in(page, stack)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_login_page_honours_lang_and_keeps_it_through_the_redirect(stack: Stack, browser: Browser) -> None:
    """Issue 13 item 5: an English browser opening a French link gets the French sign-in page (and back)."""
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{stack.web_url}/login?lang=fr")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
        expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
        page.goto(f"{stack.web_url}/login?lang=en")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        context.clear_cookies()
        page.goto(f"{stack.web_url}/?client=100002&lang=fr")  # not signed in: the sign-in page, still French
        expect(page).to_have_url(re.compile(r"/login\?next=.*&lang=fr$"))
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "english_codes"), [("fr", True), ("en", False)])
def test_profile_shows_category_values_as_words_of_the_language(stack: Stack, page: Page, lang: str,
                                                                english_codes: bool) -> None:
    """Issue 13 item 5: "Widow", "House / apartment", "M" never appear raw; French screens say them in French."""
    sign_in(page, stack)
    client_id = stack.client_ids(1)[0]
    page.goto(f"{stack.web_url}/?client={client_id}&lang={lang}")
    profile = page.locator("#profile-panel .profile-card")
    expect(profile).to_be_visible(timeout=15_000)
    for field in ("CODE_GENDER", "NAME_FAMILY_STATUS", "NAME_HOUSING_TYPE", "NAME_EDUCATION_TYPE"):
        text = profile.locator(f'[data-field="{field}"] dd').inner_text().strip()
        assert text not in {"M", "F", "Widow", "Married", "House / apartment", "Secondary / secondary special",
                            "Higher education", "Single / not married", "With parents"}, (field, text)
        if lang == "fr":
            assert text.lower() not in {"male", "female", "married", "widowed", "house / flat", "single"}, text
    assert page.console_errors == []  # type: ignore[attr-defined]
