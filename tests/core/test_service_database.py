"""The services' one retry policy: a read that met a dead connection runs once more, a write never."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from credit_core.service.database import once_more_if_dead


def _attempts(*outcomes: BaseException | str) -> tuple[list[int], Callable[[], Awaitable[str]]]:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return calls, attempt


async def test_a_read_is_retried_once_on_a_dead_connection() -> None:
    calls, attempt = _attempts(asyncpg.ConnectionDoesNotExistError("gone"), "rows")
    assert await once_more_if_dead(attempt, idempotent=True) == "rows"
    assert len(calls) == 2


async def test_a_read_fails_when_the_second_connection_is_dead_too() -> None:
    calls, attempt = _attempts(ConnectionResetError(), ConnectionResetError())
    with pytest.raises(ConnectionResetError):
        await once_more_if_dead(attempt, idempotent=True)
    assert len(calls) == 2


async def test_a_write_is_never_retried() -> None:
    calls, attempt = _attempts(asyncpg.ConnectionDoesNotExistError("gone"), "written twice")
    with pytest.raises(asyncpg.ConnectionDoesNotExistError):
        await once_more_if_dead(attempt, idempotent=False)
    assert len(calls) == 1


async def test_a_statement_error_is_not_retried() -> None:
    calls, attempt = _attempts(asyncpg.exceptions.UndefinedTableError("no table"), "rows")
    with pytest.raises(asyncpg.exceptions.UndefinedTableError):
        await once_more_if_dead(attempt, idempotent=True)
    assert len(calls) == 1
