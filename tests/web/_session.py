"""Signing in to the dashboard over real HTTP (shared by the web and ops tests)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.web._stack import Login

CSRF_META = re.compile(r'"X-CSRF-Token": "([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token a page gives htmx (hx-headers on <body>)."""
    found = CSRF_META.search(html.replace("&#34;", '"').replace("&quot;", '"'))
    assert found, "page has no CSRF token"
    return found.group(1)


@contextmanager
def sign_in(base_url: str, login: Login, **client_options: object) -> Iterator[httpx.Client]:
    """An httpx client holding a signed-in session (and its CSRF token in `.headers`, as htmx sends it)."""
    with httpx.Client(base_url=base_url, timeout=30, headers={"Accept": "text/html"}, **client_options) as client:
        token = csrf_from(client.get("/login").text)
        response = client.post("/login", data={"username": login.username, "password": login.password,
                                               "csrf_token": token, "next": "/"})
        assert response.status_code == 303, response.text
        client.headers["X-CSRF-Token"] = csrf_from(client.get("/").text)
        yield client
