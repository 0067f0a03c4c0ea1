"""Concurrent backend calls for one fragment, where a failed call becomes a `Failure` the template explains.

A panel never shows a stack trace: a backend that is down, slow or answers 4xx turns into a notice, while the
other calls of the same fragment still render (e.g. the score without its explanation).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from credit_web.backends import BackendProblem, BackendUnavailable
from credit_web.i18n import N_, words


@dataclass(frozen=True)
class Failure:
    """Why a backend call gave no data; templates pick the message from `notice_key`."""

    service: str  # "scoring" | "explain" | "database"
    status: int | None  # HTTP status of a 4xx problem; None when the service could not be reached
    detail: str | None = None

    @property
    def not_found(self) -> bool:
        return self.status == 404

    @property
    def notice_key(self) -> str:
        if self.status is None:
            return words.SERVICE_DOWN_NOTICE.get(self.service, words.SERVICE_DOWN_NOTICE["scoring"])
        if self.status == 404:
            return N_("This information is not available for this client.")
        return N_("This request could not be processed.")


def failure_of(exc: BaseException) -> Failure:
    if isinstance(exc, BackendUnavailable):
        return Failure(exc.service, None)
    if isinstance(exc, BackendProblem):
        problem = exc.problem if isinstance(exc.problem, dict) else {}
        return Failure(exc.service, exc.status, str(problem.get("detail") or problem.get("title") or ""))
    raise exc


async def gather(*calls: Awaitable[Any]) -> list[Any]:
    """Run the calls concurrently; each result is the decoded JSON or a `Failure`. Other errors propagate."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    return [failure_of(r) if isinstance(r, BaseException) else r for r in results]


def failed(value: Any) -> bool:
    return isinstance(value, Failure)
