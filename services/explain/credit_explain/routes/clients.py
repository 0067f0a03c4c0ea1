"""Similar historical clients and counterfactuals for one client."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
import numpy as np
from fastapi import APIRouter, Query

from credit_core import features
from credit_core.contracts.explain import CounterfactualOut, SimilarOut
from credit_core.explain import client_row, counterfactual, recompute, store
from credit_core.service.problems import ProblemError
from credit_explain.deps import ClientRecordDep, ConnectionDep, ContextDep

router = APIRouter()


@router.get("/clients/{client_id}/similar", responses={200: {"model": SimilarOut}})
async def similar(record: ClientRecordDep, ctx: ContextDep, k: Annotated[int, Query(ge=1, le=200)] = 30
                  ) -> dict[str, Any]:
    """k nearest labelled clients (weighted standardised Euclidean distance on the top numeric features); their
    default rate only from 30 neighbours up (`default_rate` null and `rate_suppressed` below, as every rate)."""
    index = ctx.similar
    if index is None or len(index) == 0:
        raise ProblemError(503, "similar index not ready", "No labelled clients are indexed for this model yet.")
    row = client_row.as_dict(record)
    values = np.array([np.nan if row.get(n) is None else float(row[n]) for n in index.feature_names])
    client_id = int(record["sk_id_curr"])
    return {"client_id": client_id, "model_version": ctx.version,
            **index.neighbours(values, k, exclude_id=client_id)}


@router.get("/clients/{client_id}/counterfactual", responses={200: {"model": CounterfactualOut}})
async def counterfactual_view(record: ClientRecordDep, ctx: ContextDep, conn: ConnectionDep) -> dict[str, Any]:
    """Cheapest change of the loan (amount, down payment, term; credit_core.explain.counterfactual) that turns a
    refusal into a grant: `status` found | already_granted | none_within_bounds (with the `closest` change) |
    no_loan_terms, `reason_code` saying why none exists, `changes` from -> to."""
    client_id = int(record["sk_id_curr"])
    application = await store.fetch_application(conn, client_id)
    if application is None:
        raise ProblemError(404, "application not found", f"No application row for client {client_id}.")
    stored = client_row.as_frame(client_row.as_dict(record), list(features.FEATURE_NAMES))
    result = await anyio.to_thread.run_sync(
        lambda: counterfactual.search(ctx.bundle, stored, application, recompute.pipeline_featurizer,
                                      float(ctx.bundle.threshold))
    )
    return {"client_id": client_id, "model_version": ctx.version, **result}
