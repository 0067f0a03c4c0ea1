"""Token buckets per API key: bursts allowed, then the configured rate; keys never share a bucket."""

from __future__ import annotations

import pytest

from credit_core.service import ratelimit


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_rate() -> None:
    clock = Clock()
    buckets = ratelimit.TokenBuckets(rate=10, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = buckets.take("a")
    assert wait == pytest.approx(0.1)  # one token every 1/10 s
    clock.now += 0.05
    assert buckets.take("a") == pytest.approx(0.05)  # half a token so far
    clock.now += 0.05
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0


def test_refill_is_capped_at_the_burst() -> None:
    clock = Clock()
    buckets = ratelimit.TokenBuckets(rate=10, burst=2, clock=clock)
    buckets.take("a")
    clock.now += 3600
    assert [buckets.take("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert buckets.take("a") > 0


def test_keys_are_independent() -> None:
    buckets = ratelimit.TokenBuckets(rate=1, burst=1, clock=Clock())
    assert buckets.take("a") == 0.0 and buckets.take("a") > 0
    assert buckets.take("b") == 0.0


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert ratelimit.retry_after(0.01) == "1"
    assert ratelimit.retry_after(1.0) == "1"
    assert ratelimit.retry_after(2.2) == "3"


def test_configuration() -> None:
    assert ratelimit.from_settings(0, 10) is None  # 0 disables
    limiter = ratelimit.from_settings(5, 0)
    assert limiter is not None and limiter.burst == 1
    with pytest.raises(ValueError):
        ratelimit.TokenBuckets(rate=0, burst=1)
