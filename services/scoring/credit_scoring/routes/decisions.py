"""A client's audit trail (every decision the service returned for it) and its compact history, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from credit_core import decision
from credit_core.contracts.scoring import DecisionsOut, HistoryOut
from credit_core.ids import ClientIdParam
from credit_core.scoring import audit
from credit_scoring.deps import ConnectionDep
from credit_scoring.routes._convert import json_response, problem_docs

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
         "decided_at": r["created_at"], "purpose": r["purpose"]}
        for r in rows
    ]
    return json_response({"client_id": client_id, "decisions": decisions})


@router.get("/clients/{client_id}/history", response_model=HistoryOut, responses=problem_docs(401, 422, 503))
async def client_history(
    client_id: Annotated[ClientIdParam, Path()],
    conn: ConnectionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many of each kind.")] = 20,
) -> Response:
    """Distinct model decisions (a score shown twenty times is one entry, with its count and purposes) and the
    advisor decisions, merged newest first; `advisor_decision` is the latest advisor decision or null."""
    models, advisors = await audit.history(conn, client_id, limit)
    entries = [
        {"kind": "model", "decision_id": r["id"], "decision": r["decision"], "probability": r["probability"],
         "threshold": r["threshold"], "risk_band": decision.risk_band(r["probability"], r["threshold"]),
         "model_version": r["model_version"], "purposes": sorted(r["purposes"]), "count": r["count"],
         "first_at": r["first_at"], "last_at": r["last_at"]}
        for r in models
    ]
    advisor_entries = [
        {"kind": "advisor", "advisor_decision_id": r["id"], "decision_id": r["decision_id"],
         "choice": "follow" if r["final_decision"] == r["model_decision"] else "override",
         "model_decision": r["model_decision"], "final_decision": r["final_decision"], "reason": r["reason"],
         "username": r["username"], "display_name": r["display_name"], "decided_at": r["created_at"]}
        for r in advisors
    ]
    # An advisor decision and the model decision it was taken on share a timestamp (one transaction): the advisor's
    # comes first, it is the later word.
    merged = sorted([*entries, *advisor_entries], reverse=True,
                    key=lambda e: (e.get("last_at") or e["decided_at"], e["kind"] == "advisor"))
    return json_response({"client_id": client_id, "entries": merged,
                          "advisor_decision": advisor_entries[0] if advisor_entries else None})
