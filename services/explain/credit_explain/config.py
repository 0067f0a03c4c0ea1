"""Explain-service knobs on top of the shared settings."""

from __future__ import annotations

from functools import lru_cache

from credit_core.service.limits import DEFAULT_MAX_BODY_BYTES
from credit_core.settings import Settings


class ExplainSettings(Settings):
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # Precompute every client's SHAP into client_shap when a model version is first served.
    precompute_shap: bool = True
    shap_batch_size: int = 5_000
    # After a version's precompute, delete client_shap rows of versions neither active nor previously active.
    prune_shap: bool = True
    # Build the similar-clients index (all labelled clients' features in memory) per model version.
    similar_index: bool = True


@lru_cache
def get_explain_settings() -> ExplainSettings:
    return ExplainSettings()
