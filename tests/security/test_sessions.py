"""Item 1: sessions are server-side and revocable. Signing out ends the session for every copy of its cookie; a
password change, a role change (by `credit user`, or straight in app_user) or a deleted account end the user's
sessions at the next request. Run against both stores: PostgreSQL (default) and Redis (REDIS_URL)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.security._dashboard import Dashboard, dashboard_on, new_account, redis_keys, sql
from tests.security._web import attempt, browser, signed_in
from tests.web._stack import Stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["postgres", "redis"])
def dashboard(request: pytest.FixtureRequest, stack: Stack) -> Iterator[Dashboard]:
    with dashboard_on(stack, request.param) as running:
        yield running


def _copy(client: httpx.Client) -> httpx.Client:
    """Another browser holding the same cookie (a copied or stolen cookie)."""
    return httpx.Client(base_url=str(client.base_url), cookies=dict(client.cookies), timeout=60,
                        headers={"Accept": "text/html", "X-Forwarded-For": client.headers["X-Forwarded-For"]})


def _signed_out(client: httpx.Client, path: str = "/") -> bool:
    response = client.get(path, follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(dashboard: Dashboard) -> None:
    account = new_account(dashboard)
    with signed_in(dashboard.url, account.username, account.password, "10.1.0.1") as original, _copy(original) as copy:
        assert copy.get("/model").status_code == 200
        assert original.post("/logout").status_code == 303
        assert _signed_out(copy, "/model")
        assert _signed_out(original, "/model")


def test_the_session_lives_in_the_configured_store(dashboard: Dashboard) -> None:
    account = new_account(dashboard)
    with signed_in(dashboard.url, account.username, account.password, "10.1.0.2"):
        rows = sql(dashboard.database_url, "SELECT count(*) AS n FROM web_session WHERE user_id = $1", account.user_id)
        if dashboard.store == "postgres":
            assert rows[0]["n"] == 1
        else:
            assert rows[0]["n"] == 0
            prefix = dashboard.env["REDIS_PREFIX"]
            assert any(key.startswith(f"{prefix}session:".encode()) for key in redis_keys(prefix))


def test_a_password_change_ends_the_users_sessions(dashboard: Dashboard) -> None:
    account = new_account(dashboard)
    with signed_in(dashboard.url, account.username, account.password, "10.1.0.3") as client:
        assert client.get("/").status_code == 200
        output = dashboard.cli("user", "password", account.username, "--password", "a-brand-new-passw0rd")
        assert "1 session(s) ended" in output
        assert _signed_out(client)
    with browser(dashboard.url, "10.1.0.3") as client:
        assert attempt(client, account.username, account.password).status_code == 401
        assert attempt(client, account.username, "a-brand-new-passw0rd").status_code == 303


def test_a_demoted_admin_loses_the_admin_pages_at_once(dashboard: Dashboard) -> None:
    admin = new_account(dashboard, "admin")
    with signed_in(dashboard.url, admin.username, admin.password, "10.1.0.4") as client:
        assert client.get("/admin/users").status_code == 200
        assert "session(s) ended" in dashboard.cli("user", "role", admin.username, "--role", "advisor")
        assert _signed_out(client, "/admin/users")
    with signed_in(dashboard.url, admin.username, admin.password, "10.1.0.4") as again:
        assert again.get("/admin/users").status_code == 403


def test_a_role_changed_straight_in_app_user_counts_at_the_next_request(dashboard: Dashboard) -> None:
    admin = new_account(dashboard, "admin")
    with signed_in(dashboard.url, admin.username, admin.password, "10.1.0.5") as client:
        assert client.get("/admin/users").status_code == 200
        sql(dashboard.database_url, "UPDATE app_user SET role = 'advisor' WHERE id = $1", admin.user_id)
        assert _signed_out(client, "/admin/users")


def test_a_deleted_account_and_a_revoked_user_are_signed_out(dashboard: Dashboard) -> None:
    deleted, revoked = new_account(dashboard), new_account(dashboard)
    with signed_in(dashboard.url, deleted.username, deleted.password, "10.1.0.6") as gone, \
            signed_in(dashboard.url, revoked.username, revoked.password, "10.1.0.6") as ended:
        sql(dashboard.database_url, "DELETE FROM app_user WHERE id = $1", deleted.user_id)
        assert _signed_out(gone)
        assert "1 session(s) ended" in dashboard.cli("user", "revoke", revoked.username)
        assert _signed_out(ended)


def test_a_session_id_set_before_sign_in_is_not_kept(dashboard: Dashboard) -> None:
    """Session fixation: signing in always starts a new session; the previous one (another user's) ends."""
    first, second = new_account(dashboard), new_account(dashboard)
    with signed_in(dashboard.url, first.username, first.password, "10.1.0.7") as client, _copy(client) as before:
        assert attempt(client, second.username, second.password).status_code == 303
        assert second.username in client.get("/").text
        assert _signed_out(before)
