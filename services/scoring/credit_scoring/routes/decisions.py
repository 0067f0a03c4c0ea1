"""A client's audit trail: the decisions the service returned for it, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from credit_core import decision
from credit_core.ids import ClientIdParam
from credit_core.scoring import audit
from credit_scoring.deps import ConnectionDep
from credit_scoring.routes._convert import json_response, problem_docs
from credit_scoring.schemas import DecisionsOut

router = APIRouter()
MAX_LIMIT = 500


@router.get("/clients/{client_id}/decisions", response_model=DecisionsOut, responses=problem_docs(401, 422, 503))
async def client_decisions(
    client_id: Annotated[ClientIdParam, Path()],
    conn: ConnectionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many rows.")] = 20,
) -> Response:
    """The client's audited decisions (every score this service returned for it), newest first; an empty list
    when it was never scored."""
    rows = await audit.recent(conn, client_id, limit)
    decisions = [
        {"decision_id": r["id"], "client_id": r["client_id"], "probability": r["probability"],
         "threshold": r["threshold"], "decision": r["decision"],
         "risk_band": decision.risk_band(r["probability"], r["threshold"]), "model_version": r["model_version"],
         "caller": r["caller"], "request_id": r["request_id"], "feature_hash": r["feature_hash"],
         "decided_at": r["created_at"]}
        for r in rows
    ]
    return json_response({"client_id": client_id, "decisions": decisions})
