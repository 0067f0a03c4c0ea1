"""Scored results to response models, and the problem responses documented in OpenAPI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.responses import Response

from credit_core.contracts.scoring import ScoreOut
from credit_core.scoring.audit import Scored
from credit_core.scoring.batches import Chunk

_PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def problem_docs(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {401: "Missing or invalid API key.", 404: "Not found.", 413: "Request body too large.",
                    429: "Rate limit of the API key exceeded; retry after `Retry-After` seconds.",
                    422: "Invalid request; `errors[].field` names each bad field.",
                    503: "Database unreachable or no model loaded."}
    if 401 in statuses:  # the /v1 gate checks the key, then the key's rate limit
        statuses = (*statuses, 429)
    return {s: {"description": descriptions.get(s, "Error."), **_PROBLEM} for s in sorted(set(statuses))}


def score_out(scored: Scored) -> ScoreOut:
    result, stored = scored
    return ScoreOut(
        client_id=result.client_id, probability_default=result.probability, decision=result.decision,
        threshold=result.threshold, margin=result.margin, risk_band=result.risk_band,
        model_version=result.model_version, decision_id=stored.decision_id, scored_at=stored.scored_at,
        application_hash=result.application_hash,
    )


def score_dict(scored: Scored) -> dict[str, Any]:
    """Same content as score_out, as a plain dict: big batches skip per-item model construction."""
    result, stored = scored
    return {
        "client_id": result.client_id, "probability_default": result.probability, "decision": result.decision,
        "threshold": result.threshold, "margin": result.margin, "risk_band": result.risk_band,
        "model_version": result.model_version, "decision_id": stored.decision_id, "scored_at": stored.scored_at,
        "application_hash": result.application_hash,
    }


def batch_items(chunks: Sequence[Chunk], not_found: dict[str, Any]) -> list[dict[str, Any]]:
    """The `items` of a batch answer (BatchOut), built column by column: per-item helpers (score_dict) cost
    several times more for 10,000 items."""
    items: list[dict[str, Any]] = []
    for chunk in chunks:
        s, recorded = chunk.scores, chunk.recorded
        t, version, at = s.threshold, s.model_version, recorded.scored_at
        results = iter([
            {"client_id": c, "probability_default": p, "decision": d, "threshold": t, "margin": p - t,
             "risk_band": band, "model_version": version, "decision_id": i, "scored_at": at, "application_hash": a}
            for c, p, d, band, i, a in zip(s.client_ids, s.probabilities, s.decisions, s.risk_bands,
                                           recorded.decision_ids, s.application_hashes, strict=True)])
        start = len(items)
        items.extend(
            {"index": start + k, "client_id": client_id, "result": next(results), "error": None} if found
            else {"index": start + k, "client_id": client_id, "result": None, "error": not_found}
            for k, (client_id, found) in enumerate(zip(chunk.client_ids, chunk.found, strict=True)))
    return items


def json_response(content: dict[str, Any]) -> Response:
    return Response(orjson.dumps(content), media_type="application/json")
