"""Item 2: the sign-in throttle slows guessing without locking anyone out.

Per (client address, username) and per address, exponential back-off, counters shared by every web worker in
the session store (PostgreSQL or Redis), bounded without ever being reset wholesale, and one argon2 verification
for every attempt that is checked (unknown user, empty password included)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from credit_core.service.database import create_raw_pool
from credit_web import auth
from credit_web.config import WebSettings
from credit_web.main import create_app
from credit_web.session_store import Lifetimes, PostgresSessionStore, SessionStore
from credit_web.session_store_redis import RedisSessionStore
from credit_web.throttle import ADDRESS_POLICY, PAIR_POLICY, LoginThrottle, Policy, network_of
from tests.security._dashboard import REDIS_URL, Dashboard, dashboard_on, delete_redis_keys, new_account, sql
from tests.security._web import attempt, browser, csrf_token
from tests.web._stack import Stack, extra_web

PAIR = Policy(free=3, base=10.0, cap=80.0, forget=1000.0)
ADDRESS = Policy(free=6, base=5.0, cap=40.0, forget=1000.0)
T0 = 1_900_000_000.0  # an injected clock: the store's logic never reads the wall clock here


# ---- the store's counters, with an injected clock --------------------------------------------------------------

@pytest.fixture(scope="module")
def throttle_database(fresh_database: Any) -> str:
    return str(fresh_database())


@pytest.fixture(params=["postgres", "redis"])
async def store(request: pytest.FixtureRequest, throttle_database: str) -> AsyncIterator[SessionStore]:
    """A store of each kind; tests keep apart by their client addresses."""
    lifetimes = Lifetimes(3600, 600)
    if request.param == "postgres":
        pool = await create_raw_pool(throttle_database, max_size=8)
        try:
            yield PostgresSessionStore(pool, lifetimes, forget=1000.0)
        finally:
            await pool.close()
        return
    prefix = f"pad-test-{uuid.uuid4().hex[:12]}:"
    redis_store = RedisSessionStore(REDIS_URL, lifetimes, prefix=prefix, forget=1000.0)
    try:
        yield redis_store
    finally:
        await redis_store.close()
        delete_redis_keys(prefix)


def _throttle(store: SessionStore, address: Policy = ADDRESS) -> LoginThrottle:
    return LoginThrottle(store, "a test secret", pair=PAIR, address=address)


UNLIMITED_ADDRESS = Policy(free=10**9, base=1.0, cap=1.0, forget=1000.0)


async def test_a_guesser_backs_off_exponentially_and_only_for_its_own_pair(store: SessionStore) -> None:
    throttle = _throttle(store, UNLIMITED_ADDRESS)  # the pair alone (the address is the next test's)
    now = T0
    for _ in range(PAIR.free):
        assert await throttle.reserve("203.0.113.9", "advisor", now) == 0
    waits = []
    for _ in range(5):
        wait = await throttle.reserve("203.0.113.9", "advisor", now)
        waits.append(wait)
        now += wait
        assert await throttle.reserve("203.0.113.9", "advisor", now) == 0  # after the wait: checked again
    assert waits == [10.0, 20.0, 40.0, 80.0, 80.0]  # doubling, capped
    # The real advisor, elsewhere, and another user from the guesser's address are not held up.
    assert await throttle.reserve("198.51.100.7", "advisor", now) == 0
    assert await throttle.reserve("203.0.113.9", "someone-else", now) == 0


async def test_the_address_backs_off_over_all_usernames(store: SessionStore) -> None:
    throttle = _throttle(store)
    for i in range(ADDRESS.free):
        assert await throttle.reserve("203.0.113.20", f"user-{i}", T0) == 0
    assert await throttle.reserve("203.0.113.20", "yet-another-user", T0) == 5.0
    assert await throttle.reserve("203.0.113.21", "yet-another-user", T0) == 0
    # One IPv6 subscriber (a /64) is one address.
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"


async def test_a_success_clears_its_pair_and_gives_its_count_back(store: SessionStore) -> None:
    throttle = _throttle(store)
    for _ in range(PAIR.free - 1):
        assert await throttle.reserve("203.0.113.30", "advisor", T0) == 0
    assert await throttle.reserve("203.0.113.30", "advisor", T0) == 0  # this one turns out right:
    await throttle.succeeded("203.0.113.30", "advisor")
    for _ in range(PAIR.free):  # the pair starts afresh
        assert await throttle.reserve("203.0.113.30", "advisor", T0 + 1) == 0


async def test_counters_are_forgotten_one_by_one_never_all_at_once(store: SessionStore) -> None:
    """The old throttle cleared its whole table past 10,000 usernames, lifting every lock. Here 10,050 other keys
    change nothing for a blocked pair, and a key is forgotten only `forget` seconds after its own last failure."""
    throttle = _throttle(store)
    for _ in range(PAIR.free):
        await throttle.reserve("203.0.113.40", "target", T0)
    assert await throttle.reserve("203.0.113.40", "target", T0) > 0
    wide = _throttle(store, UNLIMITED_ADDRESS)
    for start in range(0, 10_050, 50):  # 50 attempts at a time, as many web workers would send them
        await asyncio.gather(*(wide.reserve(f"198.18.{i // 250}.{i % 250}", f"random-{i}", T0 + 1)
                               for i in range(start, min(start + 50, 10_050))))
    assert await throttle.reserve("203.0.113.40", "target", T0 + 2) > 0  # still held back
    assert await throttle.reserve("203.0.113.40", "target", T0 + PAIR.forget) == 0  # its own time has passed
    if isinstance(store, PostgresSessionStore):
        # The periodic purge drops forgotten counters (Redis expires each key by itself).
        assert await store.purge(T0 + 1 + ADDRESS.forget + 1) >= 2 * 10_050
    else:
        ttl = await store.redis.pttl(store._throttle(throttle.keys("203.0.113.40", "target")[0]))
        assert 0 < ttl <= PAIR.forget * 1000


# ---- the running dashboard -------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["postgres", "redis"])
def dashboard(request: pytest.FixtureRequest, stack: Stack) -> Iterator[Dashboard]:
    with dashboard_on(stack, request.param) as running:
        yield running


def test_a_guesser_cannot_lock_the_advisor_out(dashboard: Dashboard) -> None:
    account = new_account(dashboard)
    with browser(dashboard.url, "192.0.2.10") as guesser:
        statuses = [attempt(guesser, account.username, f"guess {i}").status_code for i in range(PAIR_POLICY.free + 1)]
        assert statuses == [401] * PAIR_POLICY.free + [429]
        held = attempt(guesser, account.username, account.password)  # even the right password waits here
        assert held.status_code == 429 and int(held.headers["retry-after"]) > 0
    with browser(dashboard.url, "192.0.2.11") as advisor:  # the advisor, from their own desk
        assert attempt(advisor, account.username, account.password).status_code == 303


def test_one_address_trying_many_usernames_is_slowed_down(dashboard: Dashboard) -> None:
    address = "192.0.2.20"
    with browser(dashboard.url, address) as guesser:
        token = csrf_token(guesser.get("/login").text)
        statuses = [guesser.post("/login", data={"username": f"nobody-{i}", "password": "x" * 12,
                                                 "csrf_token": token}).status_code
                    for i in range(ADDRESS_POLICY.free + 1)]
    assert statuses == [401] * ADDRESS_POLICY.free + [429]


def test_web_workers_share_the_counters(dashboard: Dashboard, stack: Stack) -> None:
    """Failures seen by one web process hold back the same pair on another process using the same store."""
    account = new_account(dashboard)
    env = {k: dashboard.env[k] for k in ("REDIS_URL", "REDIS_PREFIX") if k in dashboard.env}
    with extra_web(stack, f"web-second-{dashboard.store}", **env) as second_url:
        with browser(dashboard.url, "192.0.2.30") as first:
            for i in range(PAIR_POLICY.free):
                assert attempt(first, account.username, f"guess {i}").status_code == 401
        with browser(second_url, "192.0.2.30") as other:
            assert attempt(other, account.username, "guess again").status_code == 429


async def test_every_checked_attempt_runs_argon2_once(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown user, empty username, empty password, wrong or right password: the same work (one verification)."""
    verified: list[str] = []
    original = auth._verify

    def counting(stored: str, password: str) -> bool:
        verified.append(password)
        return original(stored, password)

    monkeypatch.setattr(auth, "_verify", counting)
    account = new_account(Dashboard("postgres", stack.web_url, stack.env, stack.database_url))
    app = create_app(WebSettings(database_url=stack.database_url, service_api_key=stack.api_key,
                                 session_secret="a test secret of the argon2 test", scoring_url=stack.scoring_url,
                                 explain_url=stack.explain_url))
    tries = [("", ""), ("", "some password"), ("nobody-at-all", ""), ("nobody-at-all", "some password"),
             (account.username, ""), (account.username, "wrong password"), (account.username, account.password)]
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                       base_url="http://web") as client:
        for username, password in tries:
            token = csrf_token((await client.get("/login")).text)
            response = await client.post("/login", data={"username": username, "password": password,
                                                         "csrf_token": token})
            assert response.status_code in (303, 401), response.status_code
            await client.post("/logout", data={"csrf_token": csrf_token((await client.get("/login",
                                                                                          follow_redirects=True)).text)})
    assert verified == [password for _, password in tries]
    sql(stack.database_url, "DELETE FROM app_user WHERE id = $1", account.user_id)
