"""Per-API-key rate limiting: an in-memory token bucket per caller (one process, no shared store needed).

Each caller may send `burst` requests at once, then `rate` per second on average. A refused request
learns how long to wait (the 429's Retry-After). Buckets live as long as the process: callers are the
few internal systems that hold API keys, so the table stays tiny.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

_EPSILON = 1e-9  # refills are float sums: 0.5 + 0.05 * 10 may fall a hair short of 1


class TokenBuckets:
    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (tokens, time of last update)

    def take(self, caller: str) -> float:
        """0.0 when the request may go ahead (a token is spent), else the seconds until a token is available."""
        now = self.clock()
        tokens, last = self._buckets.get(caller, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0 - _EPSILON:
            self._buckets[caller] = (tokens - 1.0, now)
            return 0.0
        self._buckets[caller] = (tokens, now)
        return (1.0 - tokens) / self.rate


def retry_after(wait_seconds: float) -> str:
    """Retry-After is whole seconds (RFC 9110): round up, at least 1."""
    return str(max(1, math.ceil(wait_seconds)))


def from_settings(rate: float, burst: float) -> TokenBuckets | None:
    """The limiter for the configured rate and burst; None (no limit) when the rate is 0."""
    return TokenBuckets(rate, max(1.0, burst)) if rate > 0 else None
