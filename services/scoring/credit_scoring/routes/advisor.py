"""The advisor's final decision on a client: scored now, and stored together with the audited model decision.

The dashboard records an advisor's "follow" or "override" here rather than in its own database after a score:
the model decision (audit row) and the advisor's decision referring to it are written in one transaction, so a
failure (an invalid reason, the database going away) never leaves one without the other.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path

from credit_core import feature_store
from credit_core.contracts.scoring import AdvisorDecisionIn, AdvisorDecisionOut
from credit_core.ids import ClientIdParam
from credit_core.scoring import audit
from credit_core.service.database import connection, with_retry
from credit_core.service.problems import ProblemError
from credit_scoring.deps import CallerDep, PoolDep, RequestIdDep, ScorerDep, SettingsDep, ShadowDep
from credit_scoring.routes._convert import problem_docs, score_out

router = APIRouter()
OPPOSITE = {"granted": "refused", "refused": "granted"}


@router.post("/clients/{client_id}/advisor-decisions", status_code=201, response_model=AdvisorDecisionOut,
             responses=problem_docs(401, 404, 413, 422, 503))
async def record_advisor_decision(
    client_id: Annotated[ClientIdParam, Path()], body: AdvisorDecisionIn, pool: PoolDep, scorer: ScorerDep,
    caller: CallerDep, rid: RequestIdDep, settings: SettingsDep, shadow: ShadowDep,
) -> AdvisorDecisionOut:
    """Score the client, then store the model decision (audit) and the advisor's decision on it atomically."""
    categories = scorer.needs_categories
    records = await with_retry(pool, lambda conn: feature_store.fetch_for_scoring(conn, [client_id],
                                                                                  categories=categories))
    if not records:
        raise ProblemError(404, "client not found", f"No features for client {client_id}.", client_id=client_id)
    scores = await asyncio.to_thread(scorer.predict, records)
    model_decision = scores.decisions[0]
    final = model_decision if body.choice == "follow" else OPPOSITE[model_decision]
    reason = body.reason.strip() if body.reason and body.reason.strip() else None
    display_name = body.display_name.strip() if body.display_name and body.display_name.strip() else None
    async with connection(pool) as conn:  # a write: never retried
        recorded, row = await audit.record_advisor_decision(conn, scores, caller=caller, request_id=rid,
                                                            final_decision=final, reason=reason,
                                                            username=body.username, display_name=display_name,
                                                            events=settings.events_on)
    if shadow is not None:
        shadow.submit(scores, recorded.decision_ids, records=records)
    return AdvisorDecisionOut(
        advisor_decision_id=row["id"], client_id=client_id, choice=body.choice, model_decision=model_decision,
        final_decision=final, reason=reason, username=body.username, display_name=display_name,
        decided_at=row["created_at"],
        score=score_out((scores.result(0), recorded.stored(0))),
    )
