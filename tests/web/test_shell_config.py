"""How the web service starts: it refuses to run without a session secret, marks cookies Secure behind TLS,
and stays usable (with clear notices) when the explain service cannot be reached."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.web._session import csrf_from, sign_in
from tests.web._stack import Stack, extra_web, free_port

pytestmark = pytest.mark.slow


def test_refuses_to_start_without_a_session_secret(stack: Stack) -> None:
    env = {**stack.env, "SESSION_SECRET": "", "WEB_DEV_INSECURE_SECRET": "0"}
    done = subprocess.run([sys.executable, "-m", "uvicorn", "credit_web.main:app", "--port", str(free_port())],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "SESSION_SECRET is not set" in done.stderr


def test_behind_tls_cookies_are_secure_and_hsts_is_sent(stack: Stack) -> None:
    with extra_web(stack, "web-tls", WEB_TLS="1") as url:
        response = httpx.get(f"{url}/login")
        cookie = response.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert response.headers["strict-transport-security"].startswith("max-age=")
        lang = httpx.get(f"{url}/login?lang=en").headers.get_list("set-cookie")
        assert any(c.startswith("lang=en") and "secure" in c.lower() for c in lang)


def test_explain_down_leaves_sign_in_and_the_page_working_with_notices(stack: Stack) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with extra_web(stack, "web-no-explain", EXPLAIN_URL=closed) as url, sign_in(url, stack.advisor) as client:
        page = client.get("/", params={"lang": "en"})
        assert page.status_code == 200
        assert "The list of variables is unavailable right now." in page.text
        suggestions = client.get("/search/clients", params={"client": "10", "lang": "en"})
        assert suggestions.status_code == 200
        assert "The explanation service is unavailable" in suggestions.text
        assert "Traceback" not in page.text + suggestions.text
        assert csrf_from(page.text)
