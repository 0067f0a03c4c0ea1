"""Scoring endpoints: a known client, a new application, and batches of either."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from credit_core import ids
from credit_core.contracts.scoring import Application, BatchOut, BatchRequest, ItemError, ScoreOut
from credit_core.scoring import audit, batches
from credit_core.service.auth import require_api_key
from credit_core.service.observability import request_id
from credit_core.service.problems import ProblemError
from credit_scoring.deps import (
    PURPOSE_DESCRIPTION,
    CallerDep,
    PoolDep,
    PurposeQuery,
    RequestIdDep,
    ScorerDep,
    SettingsDep,
    ShadowDep,
    get_scorer,
)
from credit_scoring.routes._convert import batch_items, json_response, problem_docs, score_dict, score_out
from credit_scoring.routes._lean import LeanRoute, path_parameter

router = APIRouter()
NOT_FOUND = ItemError(status=404, title="client not found", detail="No features for this client id.")


async def score_client(request: Request) -> Response:
    """Score a known client from its stored features; the decision is audited before the response."""
    # The hot path: a LeanRoute (no FastAPI parameter solving), app state read directly.
    client_id = _client_id(request.path_params["client_id"])
    purpose = _purpose(request.query_params.get("purpose"))
    scorer = await get_scorer(request)
    scored = await request.app.state.coalescer.score(scorer, client_id, caller=await require_api_key(request),
                                                     request_id=request_id(request.scope), purpose=purpose)
    if scored is None:
        raise ProblemError(404, "client not found", f"No features for client {client_id}.", client_id=client_id)
    return json_response(score_dict(scored))


router.add_api_route(
    "/clients/{client_id}/score", score_client, methods=["GET"], route_class_override=LeanRoute,
    response_model=ScoreOut, responses=problem_docs(401, 404, 422, 503),
    openapi_extra={"parameters": [path_parameter("client_id", ids.DESCRIPTION, minimum=ids.MIN_CLIENT_ID,
                                                  maximum=ids.MAX_CLIENT_ID, example=100002),
                                   {"name": "purpose", "in": "query", "required": False,
                                    "description": PURPOSE_DESCRIPTION,
                                    "schema": {"type": "string", "enum": list(audit.PURPOSES),
                                               "default": audit.DEFAULT_PURPOSE, "title": "Purpose"}}]},
)


def _purpose(raw: str | None) -> audit.Purpose:
    if raw is None:
        return audit.DEFAULT_PURPOSE
    for purpose in audit.PURPOSES:
        if raw == purpose:
            return purpose
    raise ProblemError(422, "invalid request", "Invalid value(s): query.purpose", errors=[
        {"field": "query.purpose", "message": f"one of {', '.join(audit.PURPOSES)}"}])


def _client_id(raw: str) -> int:
    try:
        return ids.parse_client_id(raw)
    except ValueError as exc:
        raise ProblemError(422, "invalid request", "Invalid value(s): path.client_id", errors=[
            {"field": "path.client_id", "message": ids.RANGE_MESSAGE}]) from exc


@router.post("/score", response_model=ScoreOut, responses=problem_docs(401, 413, 422, 503))
async def score_application(
    application: Application, pool: PoolDep, scorer: ScorerDep, caller: CallerDep, rid: RequestIdDep,
    settings: SettingsDep, shadow: ShadowDep, purpose: PurposeQuery = audit.DEFAULT_PURPOSE,
) -> ScoreOut:
    """Score a new application (raw Home Credit fields, optional history); audited with its sha256."""
    chunks = await batches.score_applications(pool, scorer, [application.raw()], caller=caller, request_id=rid,
                                              chunk_size=settings.application_chunk_size, purpose=purpose,
                                              events=settings.events_on, shadow=shadow)
    scored = next(batches.items(chunks))
    assert scored is not None  # an application is always scored
    return score_out(scored)


@router.post("/score/batch", response_model=BatchOut, responses=problem_docs(401, 413, 422, 503))
async def score_batch(
    batch: BatchRequest, pool: PoolDep, scorer: ScorerDep, caller: CallerDep, rid: RequestIdDep,
    settings: SettingsDep, shadow: ShadowDep, purpose: PurposeQuery = audit.DEFAULT_PURPOSE,
) -> Response:
    """Up to 10,000 `client_ids` or `applications`. Items come back in input order; an unknown client id
    is reported on its own item (`error.status` 404) and does not fail the batch."""
    if (batch.client_ids is None) == (batch.applications is None):
        raise ProblemError(422, "invalid request", "Send exactly one of client_ids or applications.",
                           errors=[{"field": "body", "message": "exactly one of client_ids, applications"}])
    if batch.client_ids is not None:
        chunks = await batches.score_clients(pool, scorer, batch.client_ids, caller=caller, request_id=rid,
                                             chunk_size=settings.batch_chunk_size, purpose=purpose,
                                             events=settings.events_on, shadow=shadow)
    else:
        assert batch.applications is not None
        chunks = await batches.score_applications(
            pool, scorer, [a.raw() for a in batch.applications], caller=caller, request_id=rid,
            chunk_size=settings.application_chunk_size, purpose=purpose, events=settings.events_on, shadow=shadow)
    items = batch_items(chunks, NOT_FOUND.model_dump())
    failed = sum(1 for item in items if item["error"] is not None)
    # Built as plain JSON (documented by BatchOut): 10,000 pydantic items would cost more than the scoring.
    return json_response({"model_version": scorer.version, "count": len(items), "failed": failed,
                          "items": items})

