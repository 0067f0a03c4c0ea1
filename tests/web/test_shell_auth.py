"""Sign-in, sessions, CSRF and roles on the real running web service."""

from __future__ import annotations

import httpx
import pytest

from tests.web._session import csrf_from, sign_in
from tests.web._stack import Stack

pytestmark = pytest.mark.slow


def browser(stack: Stack, **options: object) -> httpx.Client:
    return httpx.Client(base_url=stack.web_url, timeout=30, headers={"Accept": "text/html"}, **options)


def test_dashboard_needs_sign_in_and_comes_back_after_it(stack: Stack) -> None:
    with browser(stack) as client:
        response = client.get("/?client=100002&lang=en")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2F%3Fclient%3D100002%26lang%3Den&lang=en"
        page = client.get(response.headers["location"])
        assert page.status_code == 200 and 'name="password"' in page.text
        signed = client.post("/login", data={"username": stack.advisor.username, "password": stack.advisor.password,
                                             "csrf_token": csrf_from(page.text), "next": "/?client=100002&lang=en"})
        assert signed.status_code == 303
        assert signed.headers["location"] == "/?client=100002&lang=en"
        dashboard = client.get("/")
        assert dashboard.status_code == 200
        assert stack.advisor.username in dashboard.text


def test_session_cookie_is_http_only_and_same_site(stack: Stack) -> None:
    with browser(stack) as client:
        page = client.get("/login")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("pad_session=")
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        assert "secure" not in cookie.lower()  # plain http here; WEB_TLS=1 adds it (see test_shell_config)


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(stack: Stack) -> None:
    with browser(stack) as client:
        token = csrf_from(client.get("/login?lang=en").text)
        for username in (stack.advisor.username, "nobody-here"):
            response = client.post("/login?lang=en", data={"username": username, "password": "wrong password!",
                                                           "csrf_token": token})
            assert response.status_code == 401
            assert "Wrong username or password." in response.text
        assert client.get("/", follow_redirects=False).status_code == 303


def test_open_redirects_are_neutralised(stack: Stack) -> None:
    with browser(stack) as client:
        token = csrf_from(client.get("/login").text)
        response = client.post("/login", data={"username": stack.advisor.username, "password": stack.advisor.password,
                                               "csrf_token": token, "next": "//evil.example/steal"})
        assert response.status_code == 303 and response.headers["location"] == "/"


def test_post_without_a_valid_csrf_token_is_refused(stack: Stack) -> None:
    with browser(stack) as client:
        client.get("/login")
        data = {"username": stack.advisor.username, "password": stack.advisor.password}
        assert client.post("/login", data=data).status_code == 403
        assert client.post("/login", data={**data, "csrf_token": "forged"}).status_code == 403
        assert client.get("/", follow_redirects=False).status_code == 303  # still signed out


def test_csrf_header_works_for_htmx_and_cross_origin_posts_are_refused(stack: Stack) -> None:
    with sign_in(stack.web_url, stack.advisor) as client:
        token = client.headers["X-CSRF-Token"]
        foreign = client.post("/logout", headers={"Origin": "https://evil.example", "X-CSRF-Token": token})
        assert foreign.status_code == 403
        assert client.get("/").status_code == 200  # the forged logout did nothing
        done = client.post("/logout", headers={"X-CSRF-Token": token, "HX-Request": "true"})
        assert done.status_code == 303 and done.headers["location"].startswith("/login?bye=1")
        assert client.get("/", follow_redirects=False).status_code == 303


def test_csrf_token_changes_at_sign_in(stack: Stack) -> None:
    with browser(stack) as client:
        before = csrf_from(client.get("/login").text)
        client.post("/login", data={"username": stack.advisor.username, "password": stack.advisor.password,
                                    "csrf_token": before})
        after = csrf_from(client.get("/").text)
        assert after != before


def test_htmx_requests_without_session_get_hx_redirect(stack: Stack) -> None:
    with browser(stack) as client:
        response = client.get("/search/clients?client=10", headers={
            "HX-Request": "true", "HX-Current-URL": f"{stack.web_url}/?client=100002&a=AMT_CREDIT"})
        assert response.status_code == 200
        assert response.headers["hx-redirect"] == "/login?next=%2F%3Fclient%3D100002%26a%3DAMT_CREDIT&lang=fr"
        assert response.text == ""


def test_api_clients_get_problem_json_401(stack: Stack) -> None:
    response = httpx.get(f"{stack.web_url}/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_admin_page_is_for_admins_only(stack: Stack) -> None:
    with sign_in(stack.web_url, stack.advisor) as advisor:
        denied = advisor.get("/admin/users?lang=en")
        assert denied.status_code == 403
        assert "You do not have access to this page." in denied.text
    with sign_in(stack.web_url, stack.admin) as admin:
        page = admin.get("/admin/users?lang=en")
        assert page.status_code == 200
        assert stack.advisor.username in page.text and stack.admin.username in page.text
        assert "argon2" not in page.text  # never the hashes


def test_behind_a_proxy_the_forwarded_host_counts_as_our_origin(stack: Stack) -> None:
    with sign_in(stack.web_url, stack.advisor) as client:
        token = client.headers["X-CSRF-Token"]
        spoofed = client.post("/logout", headers={"Origin": "https://dashboard.example", "X-CSRF-Token": token,
                                                  "X-Forwarded-Host": "other.example"})
        assert spoofed.status_code == 403
        proxied = client.post("/logout", headers={"Origin": "https://dashboard.example", "X-CSRF-Token": token,
                                                  "X-Forwarded-Host": "dashboard.example"})
        assert proxied.status_code == 303


def test_repeated_failures_slow_down_guessing(stack: Stack) -> None:
    with browser(stack) as client:
        token = csrf_from(client.get("/login?lang=en").text)
        target = "guess-target"
        statuses = [client.post("/login?lang=en", data={"username": target, "password": f"guess number {i}",
                                                        "csrf_token": token}).status_code for i in range(6)]
        assert statuses == [401] * 5 + [429]
        blocked = client.post("/login?lang=en", data={"username": target, "password": "whatever it is",
                                                      "csrf_token": token})
        assert blocked.status_code == 429 and "Too many attempts" in blocked.text
        assert int(blocked.headers["retry-after"]) > 0
