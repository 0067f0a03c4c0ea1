"""Model-operations metrics of the scoring service, on its metrics port: the share of drifted features of each
model version's latest drift report, and the challenger's progress (scored, skipped)."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from prometheus_client import Gauge

from credit_core.monitoring import populations
from credit_core.scoring.shadow import ShadowScorer
from credit_core.service.database import connection
from credit_core.service.observability import Metrics

log = logging.getLogger("credit.monitoring")
REFRESH_SECONDS = 30.0  # drift reports are made daily or so: a stored share is re-read every 30 s


class MonitoringMetrics:
    """Registered with the app (once); fed while the app runs (`run`)."""

    def __init__(self, metrics: Metrics) -> None:
        self.shadow: ShadowScorer | None = None
        self.drift_share = Gauge("credit_model_drifted_feature_share",
                                 "Share of features drifted (PSI test) in the version's latest drift report.",
                                 ["model_version"], registry=metrics.registry)
        self.shadow_scored = Gauge("credit_shadow_scored_decisions", "Decisions the challenger has scored.",
                                   registry=metrics.registry)
        self.shadow_dropped = Gauge("credit_shadow_dropped_decisions",
                                    "Decisions the challenger skipped because it lagged behind.",
                                    registry=metrics.registry)
        self.shadow_scored.set_function(lambda: self.shadow.scored if self.shadow else 0)
        self.shadow_dropped.set_function(lambda: self.shadow.dropped if self.shadow else 0)

    async def refresh(self, pool: asyncpg.Pool) -> None:
        async with connection(pool) as conn:
            reports = await populations.latest(conn)
        for report in reports:
            self.drift_share.labels(model_version=report["model_version"]).set(report["drifted_share"])

    async def run(self, pool: asyncpg.Pool, shadow: ShadowScorer) -> None:
        self.shadow = shadow
        while True:
            try:
                await self.refresh(pool)
            except Exception as exc:  # the database may be away: keep the last values, try again later
                log.warning("drift metrics refresh failed: %s", type(exc).__name__)
            await asyncio.sleep(REFRESH_SECONDS)
