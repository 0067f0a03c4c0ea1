"""Scoring-service knobs on top of the shared settings."""

from __future__ import annotations

from functools import lru_cache

from credit_core.service.limits import DEFAULT_MAX_BODY_BYTES
from credit_core.settings import Settings


class ScoringSettings(Settings):
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # Batches (POST /v1/score/batch, KServe :predict) take up to 10,000 applications: ~1-4 KB each as JSON
    # without history. Only those routes get this limit.
    batch_max_body_bytes: int = 64 * 2**20
    batch_chunk_size: int = 5_000  # client ids read, scored and audited per step (steps overlap: see scorer)
    application_chunk_size: int = 2_000  # new applications featurized together (one pipeline pass)
    # True: a decision row is on disk (WAL flushed) before the response. False: committed and visible before the
    # response, but a database-server crash may lose the last ~0.6 s of rows; saves the disk flush per commit
    # (~2-3 ms here). See credit_core.service.database.create_raw_pool.
    audit_synchronous_commit: bool = True

    @property
    def events_on(self) -> bool:
        """Whether decisions get an outbox row for the events relay (EVENTS_URL set)."""
        return bool(self.events_url)


@lru_cache
def get_scoring_settings() -> ScoringSettings:
    return ScoringSettings()
