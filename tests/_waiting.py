"""Bounded waiting for what another process does (a server getting ready, a log line reaching its file, a
process exiting): the one retry loop of the tests, so that none hand-rolls a sleep loop. Where the awaited thing
is an event of this process (a future, a task, an asyncio.Event), tests wait on it directly instead.

The bound is a hang guard, never a speed claim: generous, and a failure names what never happened.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

T = TypeVar("T")
HANG_SECONDS = 120.0  # a shared, loaded machine may be slow; only a hang takes this long
PAUSE_SECONDS = 0.1


def until(check: Callable[[], T], what: str, *, stop: Callable[[], str | None] | None = None,
          seconds: float = HANG_SECONDS, context: Callable[[], str] | None = None) -> T:
    """Call `check` until it returns something truthy, and return that; fail naming `what` after `seconds`.
    `stop` returns a reason to give up at once (a process that exited), or None; `context` what to add to a
    failure (a log tail)."""
    deadline = time.monotonic() + seconds
    while True:
        if stop is not None and (reason := stop()):
            pytest.fail(f"{what}: {reason}")
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"hung: {what} not reached after {seconds:.0f} s" + (f":\n{context()}" if context else ""))
        time.sleep(PAUSE_SECONDS)


async def until_async(check: Callable[[], Awaitable[T]], what: str, *, stop: Callable[[], str | None] | None = None,
                      seconds: float = HANG_SECONDS) -> T:
    """`until` for an async check, without blocking the event loop."""
    deadline = time.monotonic() + seconds
    while True:
        if stop is not None and (reason := stop()):
            pytest.fail(f"{what}: {reason}")
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"hung: {what} not reached after {seconds:.0f} s")
        await asyncio.sleep(PAUSE_SECONDS)
