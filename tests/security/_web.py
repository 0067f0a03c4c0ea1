"""Browser-like HTTP clients of a running dashboard: sign in through the real form (CSRF token included), from a
chosen client address (X-Forwarded-For, which uvicorn honours from 127.0.0.1 only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    found = _TOKEN.search(page)
    assert found, "no CSRF field in the page"
    return found.group(1)


@contextmanager
def browser(base_url: str, address: str = "127.0.0.1", **headers: str) -> Iterator[httpx.Client]:
    """An httpx client that keeps cookies and sends pages' Accept header, as from `address`."""
    with httpx.Client(base_url=base_url, timeout=60, headers={"Accept": "text/html", "X-Forwarded-For": address,
                                                               **headers}) as client:
        yield client


def attempt(client: httpx.Client, username: str, password: str) -> httpx.Response:
    """One sign-in through the form (a fresh CSRF token from the login page)."""
    token = csrf_token(client.get("/login", follow_redirects=True).text)  # a signed-in user lands on "/"
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@contextmanager
def signed_in(base_url: str, username: str, password: str, address: str = "127.0.0.1") -> Iterator[httpx.Client]:
    with browser(base_url, address) as client:
        response = attempt(client, username, password)
        assert response.status_code == 303, response.text[:500]
        client.headers["X-CSRF-Token"] = csrf_token(client.get("/").text)  # the sign-out form's token
        yield client
