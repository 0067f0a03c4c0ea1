"""Per-model-version state of the explain service: the in-memory context, the similar index, SHAP precompute.

The ModelHolder hot-swaps the bundle; the first request (or the watcher) that sees a new version builds its
ExplainContext in a thread, then fills client_shap in the background. Requests are served meanwhile:
an explanation without a stored SHAP row is computed live. Once the fill is complete, the rows of model versions
neither active nor previously active are deleted (they would only grow the table).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db, feature_store, features
from credit_core.explain import context, shap_values, store
from credit_core.explain._bundle import BundleLike
from credit_core.service.model_holder import ModelHolder
from credit_explain.config import ExplainSettings

log = logging.getLogger("credit.explain")


class ExplainState:
    def __init__(self, engine: AsyncEngine, holder: ModelHolder[BundleLike], settings: ExplainSettings) -> None:
        self.engine, self.holder, self.settings = engine, holder, settings
        self.context: context.ExplainContext | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def context_for(self, bundle: BundleLike) -> context.ExplainContext:
        current = self.context
        if current is not None and current.bundle is bundle:
            return current
        async with self._lock:
            if self.context is not None and self.context.bundle is bundle:
                return self.context
            built = await anyio.to_thread.run_sync(context.load, bundle)
            if self.settings.similar_index:
                await self._build_similar(built)
            self.context = built
            log.info("explain context ready for model %s", bundle.version)
            if self.settings.precompute_shap:
                self._spawn(self.precompute(built))
            return built

    async def _build_similar(self, ctx: context.ExplainContext) -> None:
        numeric = list(features.NUMERIC_FEATURES)
        names = [n for n in ctx.similarity_features() if n in numeric]
        if not names:
            return
        async with self.engine.connect() as conn:
            raw = await db.driver_connection(conn)
            ids, target, matrix = await store.fetch_labelled(raw, features.FEATURE_SET_VERSION,
                                                             [numeric.index(n) for n in names])
        if len(ids):
            ctx.similar = await anyio.to_thread.run_sync(ctx.build_similar, ids, target, matrix, names)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def precompute(self, ctx: context.ExplainContext) -> int:
        """Fill client_shap for this model version in batches (idempotent); returns rows written.

        One process per database does it (advisory lock); SHAP runs on one thread so requests keep a core.
        """
        written = 0
        try:
            async with self.engine.connect() as lock_conn:
                lock = await db.driver_connection(lock_conn)
                if not await lock.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", f"client_shap:{ctx.version}"):
                    return 0
                try:
                    written = await self._fill(ctx)
                    if self.settings.prune_shap and self.context is ctx:
                        await self.prune(ctx.version)
                finally:
                    await lock.execute("SELECT pg_advisory_unlock(hashtext($1))", f"client_shap:{ctx.version}")
        except Exception as exc:  # keep serving (live SHAP); a later version switch retries
            log.warning("SHAP precompute stopped: %s", type(exc).__name__)
        log.info("SHAP precompute for %s: %d rows", ctx.version, written)
        return written

    async def prune(self, served_version: str) -> dict[str, int]:
        """Once this version's SHAP is complete, drop the rows of versions neither active nor previously active."""
        async with self.engine.begin() as conn:
            raw = await db.driver_connection(conn)
            deleted = await store.prune(raw, keep=[served_version])
        for version, n in deleted.items():
            log.info("pruned %d client_shap rows of model %s", n, version)
        return deleted

    async def _fill(self, ctx: context.ExplainContext) -> int:
        written = 0
        while self.context is ctx:
            async with self.engine.connect() as conn:
                raw = await db.driver_connection(conn)
                ids = await store.missing_ids(raw, ctx.version, features.FEATURE_SET_VERSION,
                                              self.settings.shap_batch_size)
                if not ids:
                    break
                frame = feature_store.decode(await feature_store.fetch(raw, ids))
            batch = await anyio.to_thread.run_sync(partial(shap_values.compute, ctx.bundle, frame, thread_count=1))
            async with self.engine.begin() as conn:
                raw = await db.driver_connection(conn)
                written += await store.write(raw, ctx.version, frame["SK_ID_CURR"].to_list(), batch.base_value,
                                             batch.values)
        return written

    async def watch(self) -> None:
        """Build the context as soon as the holder serves a (new) bundle, before the first request."""
        while True:
            bundle = self.holder.bundle
            if bundle is not None and (self.context is None or self.context.bundle is not bundle):
                try:
                    await self.context_for(bundle)
                except Exception as exc:  # e.g. a bundle without reference.parquet: requests will report it
                    log.warning("explain context for %s failed: %s", getattr(bundle, "version", "?"), exc)
            await asyncio.sleep(max(0.2, float(self.settings.model_poll_seconds)))

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
