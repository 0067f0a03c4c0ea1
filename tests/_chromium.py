"""Playwright on the system Chromium, written once for every browser test: launching it, a fresh page in a new
context (its own cookies) with a per-step timeout, and signing in through the login form.

tests/conftest.py's module-scoped `browser` fixture launches through `chromium()`; tests import the page
helpers from here (never from a conftest)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright's own download is not used anywhere
WAIT_MS = 30_000  # a generous ceiling for one step on a shared machine (not a speed assertion)
SIGNED_IN = re.compile(r"/(\?.*)?$")  # the login form redirects to the dashboard (or to `next`)


class Credentials(Protocol):
    @property
    def username(self) -> str: ...

    @property
    def password(self) -> str: ...


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed (with its Playwright driver) on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, *, wait_ms: int = WAIT_MS, init_script: str | None = None,
             **context_options: Any) -> Page:
    """A page in a new browser context (`context_options`: viewport, locale, accept_downloads, …) whose steps
    wait at most `wait_ms`; `init_script` runs in every document it loads. Close it with `page.context.close()`."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(wait_ms)
    if init_script is not None:
        context.add_init_script(init_script)
    return context.new_page()


def sign_in(page: Page, web_url: str, login: Credentials, lang: str | None = None) -> None:
    """Sign in through the login form (in `lang` when given) and wait for the redirect that follows."""
    page.goto(f"{web_url}/login" if lang is None else f"{web_url}/login?lang={lang}")
    page.fill("#username", login.username)
    page.fill("#password", login.password)
    page.click("form button[type=submit]")
    page.wait_for_url(SIGNED_IN)


def signed_in_page(browser: Browser, web_url: str, login: Credentials, lang: str | None = None, *,
                   wait_ms: int = WAIT_MS, init_script: str | None = None, **context_options: Any) -> Page:
    """`new_page` then `sign_in`: a page of a fresh context signed in as `login`."""
    page = new_page(browser, wait_ms=wait_ms, init_script=init_script, **context_options)
    sign_in(page, web_url, login, lang)
    return page
