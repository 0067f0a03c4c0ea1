"""The sign-in throttle: exponential back-off per (client address, username) and per client address.

Nothing is ever locked for everyone: a guesser slows down only the pair (its address, the username) and, past a
larger allowance, its own address; the advisor signing in from elsewhere is not affected. Each key allows
`free` failures, then must wait `base`, `2·base`, `4·base`… (at most `cap`) after each further failure; a key
with no failure for `forget` seconds starts afresh. An attempt is counted *before* the password is checked
(`reserve`), so concurrent attempts cannot all slip through before the first failure is recorded; a success
gives that count back (`forgive`). Counters live in the session store (PostgreSQL or Redis), shared by all web
workers, each key expiring on its own: memory stays bounded without ever resetting everything at once.

Keys are HMACs of the address and username (never the raw text: people type passwords into username fields).
IPv6 addresses count per /64 network, the block one subscriber usually gets.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from typing import Protocol

MAX_DOUBLINGS = 30  # 2**30·base is beyond any cap: keeps the arithmetic finite for very long attacks


@dataclass(frozen=True)
class Attempts:
    failures: int
    last_failure_at: float  # seconds since the epoch


@dataclass(frozen=True)
class Policy:
    free: int  # failures allowed without waiting
    base: float  # first wait, seconds
    cap: float  # longest wait, seconds
    forget: float  # seconds without failure after which the key starts afresh

    def wait(self, attempts: Attempts | None, now: float) -> float:
        """Seconds before the next attempt may be checked (0: now)."""
        if attempts is None or self.forgotten(attempts, now) or attempts.failures < self.free:
            return 0.0
        delay = min(self.cap, self.base * 2.0 ** min(attempts.failures - self.free, MAX_DOUBLINGS))
        return max(0.0, attempts.last_failure_at + delay - now)

    def counted(self, attempts: Attempts | None, now: float) -> Attempts:
        """The record after one more (presumed) failure at `now`."""
        if attempts is None or self.forgotten(attempts, now):
            return Attempts(1, now)
        return Attempts(attempts.failures + 1, now)

    def forgotten(self, attempts: Attempts, now: float) -> bool:
        return now - attempts.last_failure_at >= self.forget


# A person mistyping gets 5 tries, then 30 s, 1 min, 2 min… up to 15 min between tries; an address (an office
# behind one NAT included) gets 30 failures over all usernames before its own back-off starts.
PAIR_POLICY = Policy(free=5, base=30.0, cap=900.0, forget=3600.0)
ADDRESS_POLICY = Policy(free=30, base=5.0, cap=900.0, forget=3600.0)


class ThrottleStore(Protocol):
    async def reserve(self, keys: list[tuple[bytes, Policy]], now: float) -> float:
        """Atomically: the longest wait of the keys; when none must wait, count one failure on each."""

    async def forgive(self, cleared: bytes, decremented: bytes) -> None:
        """A success: forget `cleared` entirely, give one failure back to `decremented`."""


def network_of(address: str) -> str:
    """The address as throttled: IPv4 as is, IPv6 by its /64 network; anything unparsable as given."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.9 is 203.0.113.9
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class LoginThrottle:
    def __init__(self, store: ThrottleStore, secret: str, *, pair: Policy = PAIR_POLICY,
                 address: Policy = ADDRESS_POLICY) -> None:
        self.store, self.pair, self.address = store, pair, address
        self._secret = hashlib.sha256(b"login-throttle\0" + secret.encode()).digest()

    def _key(self, *parts: str) -> bytes:
        return hmac.new(self._secret, "\0".join(parts).encode(), hashlib.sha256).digest()

    def keys(self, address: str, username: str) -> tuple[bytes, bytes]:
        """(pair key, address key). Usernames compare case-insensitively, as people type them."""
        network = network_of(address)
        return self._key("pair", network, username.casefold()), self._key("address", network)

    async def reserve(self, address: str, username: str, now: float) -> float:
        """0 when this attempt may be checked (it is counted as a failure until `succeeded`), else the wait."""
        pair_key, address_key = self.keys(address, username)
        return await self.store.reserve([(pair_key, self.pair), (address_key, self.address)], now)

    async def succeeded(self, address: str, username: str) -> None:
        pair_key, address_key = self.keys(address, username)
        await self.store.forgive(pair_key, address_key)


def retry_after(wait: float) -> str:
    """Whole seconds for Retry-After (rounded up, at least 1)."""
    return str(max(1, math.ceil(wait)))
