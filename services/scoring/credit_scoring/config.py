"""Scoring-service knobs on top of the shared settings."""

from __future__ import annotations

from functools import lru_cache

from credit_core.service.limits import DEFAULT_MAX_BODY_BYTES
from credit_core.settings import Settings


class ScoringSettings(Settings):
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    batch_chunk_size: int = 5_000  # client ids read, scored and audited per round trip
    application_chunk_size: int = 2_000  # new applications featurized together (one pipeline pass)


@lru_cache
def get_scoring_settings() -> ScoringSettings:
    return ScoringSettings()
