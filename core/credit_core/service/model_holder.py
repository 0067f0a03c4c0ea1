"""The active model bundle of a service, hot-swapped when the registry activates another version.

A background task asks the registry for the active version id every `poll_seconds` (one cheap query).
When it changes, the new bundle is loaded in a thread and the reference is swapped in one assignment:
requests already running keep the bundle they took, new ones get the new bundle, none fails.

With `challenger=True` it holds the registry's challenger instead (`credit model shadow`), and lets it go
(`bundle` None) when there is none any more.

What it holds is what the service's loader makes of a bundle directory: a ModelBundle (explain), or a
credit_core.scoring.Scorer wrapping one (scoring: its evaluator starts compiling in the loader's thread).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Generic, Protocol, TypeVar, overload

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from credit_core import orm, registry
from credit_core.model import ModelBundle
from credit_core.tasks import cancel_and_wait

log = logging.getLogger("credit.model")


class Versioned(Protocol):
    @property
    def version(self) -> str: ...


Served = TypeVar("Served", bound=Versioned, covariant=True)  # a holder of ModelBundle is a holder of BundleLike


class ModelHolder(Generic[Served]):
    @overload
    def __init__(self: ModelHolder[ModelBundle], sessions: async_sessionmaker[AsyncSession], poll_seconds: float,
                 *, models_dir: Path | None = None, challenger: bool = False) -> None: ...
    @overload
    def __init__(self, sessions: async_sessionmaker[AsyncSession], poll_seconds: float,
                 loader: Callable[[Path], Served], models_dir: Path | None = None, *,
                 challenger: bool = False) -> None: ...
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        poll_seconds: float,
        loader: Callable[[Path], Served] | None = None,
        models_dir: Path | None = None,
        *,
        challenger: bool = False,
    ) -> None:
        self.sessions, self.poll_seconds, self.models_dir = sessions, poll_seconds, models_dir
        self.challenger = challenger
        self.loader: Callable[[Path], Served] = loader or ModelBundle.load  # type: ignore[assignment]  # overloads
        self.bundle: Served | None = None
        self.active_id: object = None
        self.metadata: orm.ModelVersion | None = None  # the registry row of the served bundle
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def ready(self) -> bool:
        return self.bundle is not None

    async def refresh(self) -> bool:
        """Load the registry's active bundle if it changed; True when a new bundle was swapped in."""
        async with self._lock:
            async with self.sessions() as session:
                if self.challenger:
                    active_id = await registry.challenger_version_id(session)
                    if active_id is None and self.bundle is not None:  # shadowing stopped (or promoted)
                        self.bundle, self.metadata, self.active_id = None, None, None
                        log.info("no challenger model any more")
                        return True
                else:
                    active_id = await registry.active_version_id(session)
                if active_id is None or (active_id == self.active_id and self.bundle is not None):
                    return False
                row = await (registry.challenger_version if self.challenger else registry.active_version)(session)
            if row is None:
                return False
            path = registry.resolve_path(row, self.models_dir) if self.models_dir else Path(row.path)
            bundle = await asyncio.to_thread(self.loader, path)
            self.bundle, self.metadata, self.active_id = bundle, row, active_id  # the swap
            log.info("%s model %s", "shadowing with challenger" if self.challenger else "serving", row.version)
            return True

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.refresh()
            except Exception as exc:  # the database may be down for a while: keep serving, keep polling
                log.warning("model registry poll failed: %s", type(exc).__name__)

    async def start(self) -> None:
        try:
            await self.refresh()
        except Exception as exc:
            log.warning("no model loaded at startup: %s", type(exc).__name__)
        self._task = asyncio.create_task(self._poll(), name="model-holder-poll")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)
