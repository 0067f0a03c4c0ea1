"""The services' async engine: pooled, pre-pinged (recovers after a database restart), failing fast."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

CONNECT_TIMEOUT_SECONDS = 2.0
STATEMENT_TIMEOUT_MS = 5_000


def create_service_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=CONNECT_TIMEOUT_SECONDS * 2,
        connect_args={
            "timeout": CONNECT_TIMEOUT_SECONDS,
            "command_timeout": STATEMENT_TIMEOUT_MS / 1000 + 1,
            "server_settings": {"statement_timeout": str(STATEMENT_TIMEOUT_MS)},
        },
    )
