"""Issue 13 in a real Chromium, French and English: input handling (item 7), the advisor's screens without
jargon, with results announced and suggestions closed by Escape (item 9)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests._chromium import signed_in_page
from tests.web._stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WORDS = {"fr": {"unknown": "est inconnu", "invalid_amount": "Le montant doit être positif",
                "same": "Les deux variables étaient identiques", "client": "Numéro de client"},
         "en": {"unknown": "is unknown", "invalid_amount": "The amount must be positive",
                "same": "Both variables were the same", "client": "Client ID"}}


@pytest.fixture(params=["fr", "en"])
def page(request: pytest.FixtureRequest, browser: Browser, stack: Stack) -> Iterator[Page]:
    page = signed_in_page(browser, stack.web_url, stack.advisor, request.param,
                          viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page.lang = request.param  # type: ignore[attr-defined]
    yield page
    page.context.close()


def _lang(page: Page) -> str:
    return str(page.lang)  # type: ignore[attr-defined]


def test_unknown_client_gives_one_message_and_no_decision_form(stack: Stack, page: Page) -> None:
    lang = _lang(page)
    page.goto(f"{stack.web_url}/?client=1&lang={lang}")
    message = page.locator("#dashboard-results .unknown-client")
    expect(message).to_have_count(1)
    expect(message).to_contain_text(WORDS[lang]["unknown"])
    page.wait_for_timeout(1500)  # the other panels' answers arrive after and must not add anything
    assert page.locator("#dashboard-results").inner_text().count(WORDS[lang]["unknown"]) == 1
    expect(page.locator(".decision-form")).to_have_count(0)


def test_a_19_digit_id_gives_one_message(stack: Stack, page: Page) -> None:
    lang = _lang(page)
    page.goto(f"{stack.web_url}/?client=9999999999999999999&lang={lang}")
    expect(page.locator("#client-invalid")).to_have_count(1)
    expect(page.locator(".notice")).to_have_count(1)
    expect(page.locator("#panels")).to_have_count(0)


def test_an_id_pasted_with_spaces_works(stack: Stack, page: Page) -> None:
    client = stack.client_ids(1)[0]
    page.get_by_label(WORDS[_lang(page)]["client"]).fill(f"  {client} ")
    page.click("#predict")
    page.wait_for_url(re.compile(rf"client=(\+|%20)*{client}"))
    expect(page.locator("#score-panel .score-fragment")).to_be_visible()


def test_same_variable_in_both_pickers_is_said(stack: Stack, page: Page) -> None:
    lang = _lang(page)
    client = stack.client_ids(1)[0]
    page.goto(f"{stack.web_url}/?client={client}&a=AGE_YEARS&b=AGE_YEARS&lang={lang}")
    expect(page.locator("#pair-replaced")).to_contain_text(WORDS[lang]["same"])
    assert page.locator("#b-select").input_value() != "AGE_YEARS"


@pytest.mark.parametrize("bad", ["0", "-100"])
def test_a_bad_what_if_value_shows_a_field_error_and_clears_the_old_result(stack: Stack, page: Page,
                                                                           bad: str) -> None:
    lang = _lang(page)
    client = stack.client_ids(2)[1]
    page.goto(f"{stack.web_url}/?client={client}&lang={lang}")
    amount = page.locator("#whatif-AMT_CREDIT")
    expect(amount).to_be_visible()
    amount.fill("300000")
    page.locator(".whatif-form button[type=submit]").click()
    expect(page.locator("#whatif-result .whatif-outcome")).to_be_visible()
    amount.fill(bad)
    page.locator(".whatif-form button[type=submit]").click()
    expect(page.locator("#whatif-result .form-errors")).to_contain_text(WORDS[lang]["invalid_amount"])
    expect(page.locator("#whatif-result .whatif-outcome")).to_have_count(0)  # no stale result left on screen


def test_escape_closes_the_suggestions(stack: Stack, page: Page) -> None:
    client = stack.client_ids(1)[0]
    field = page.locator("#client-input")
    field.press_sequentially(str(client)[:4], delay=30)
    expect(page.locator("#client-suggestions a[data-client]").first).to_be_visible()
    field.press("Escape")
    expect(page.locator("#client-suggestions a")).to_have_count(0)
    expect(field).to_be_focused()


def test_results_are_announced_and_no_jargon_is_shown(stack: Stack, page: Page) -> None:
    lang = _lang(page)
    client = stack.client_ids(1)[0]
    page.goto(f"{stack.web_url}/?client={client}&lang={lang}")
    status = page.locator("#results-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text(str(client))
    expect(page.locator("#why-panel .why-fragment")).to_be_visible()
    page.locator("#why-panel .global-summary").scroll_into_view_if_needed()  # it loads when revealed
    expect(page.locator("#why-panel .global-summary [data-vega-spec]").first).to_be_attached()
    page.wait_for_timeout(500)
    visible = page.locator("main").inner_text()
    for word in ("SHAP", "log-odds", "beeswarm"):
        assert word not in visible, word
