"""Local explanations: a known client (precomputed SHAP, live fallback) and arbitrary / what-if applications."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
import numpy as np
import orjson
import polars as pl
from fastapi import APIRouter, Query
from fastapi.responses import Response

from credit_core import decision, features
from credit_core.contracts.explain import ExplanationOut, WhatIfOut
from credit_core.explain import client_row, explanation, recompute, shap_values, store
from credit_core.explain._bundle import sigmoid
from credit_core.service.problems import ProblemError
from credit_explain.deps import ClientRecordDep, ConnectionDep, ContextDep
from credit_explain.schemas import ExplainRequest

router = APIRouter()
Top = Annotated[int, Query(ge=1, le=500)]


@router.get("/clients/{client_id}/explanation", response_class=Response,
            responses={200: {"model": ExplanationOut}})
async def client_explanation(record: ClientRecordDep, ctx: ContextDep, top: Top = 10) -> Response:
    """SHAP explanation (log-odds) of a known client: base_value + Σ shap = prediction.log_odds."""
    row = client_row.as_dict(record)
    if record["shap"] is not None:
        base, values = float(record["base_value"]), shap_values.from_bytes(record["shap"])
        source = "precomputed"
    else:
        frame = client_row.as_frame(row, ctx.bundle.feature_names)
        batch = await anyio.to_thread.run_sync(lambda: shap_values.compute(ctx.bundle, frame, thread_count=1))
        base, values, source = batch.base_value, batch.values[0], "live"
    payload = explanation.build(ctx.bundle, row, base, values, ctx.population, top=top, rates=ctx.rates)
    payload["client_id"] = int(record["sk_id_curr"])
    payload["meta"]["shap_source"] = source
    # Plain JSON types already: orjson directly, skipping FastAPI's generic encoder (the hot path).
    return Response(orjson.dumps(payload), media_type="application/json")


async def _whatif_frame(conn: Any, client_id: int, changes: dict[str, Any]) -> pl.DataFrame:
    record = await store.fetch_client(conn, "", features.FEATURE_SET_VERSION, client_id)
    if record is None:
        raise ProblemError(404, "client not found", f"No features for client {client_id}.", client_id=client_id)
    stored = client_row.as_frame(client_row.as_dict(record), list(features.FEATURE_NAMES))
    if not changes:
        return stored
    application = await store.fetch_application(conn, client_id)
    if application is None:
        raise ProblemError(404, "application not found", f"No application row for client {client_id}.")
    changed = {**application, **changes}
    try:
        return await anyio.to_thread.run_sync(
            lambda: recompute.merged_rows(stored, [application, changed], recompute.pipeline_featurizer).slice(1, 1)
        )
    except (ValueError, TypeError, pl.exceptions.PolarsError) as exc:
        raise ProblemError(422, "invalid changes", str(exc)[:300]) from exc


def _application_frame(body: ExplainRequest) -> pl.DataFrame:
    try:
        application: dict[str, Any] = body.application.model_dump() if body.application is not None else {}
        history = body.history.tables() if body.history is not None else None
        return features.features_for_application(application, history)
    except (ValueError, TypeError, pl.exceptions.PolarsError) as exc:
        raise ProblemError(422, "invalid application", str(exc)[:300]) from exc


@router.post("/explain", responses={200: {"model": WhatIfOut}})
async def explain(body: ExplainRequest, conn: ConnectionDep, ctx: ContextDep) -> dict[str, Any]:
    """Live explanation, probability and decision for a what-if on a known client or a new application."""
    if body.client_id is not None:
        frame = await _whatif_frame(conn, body.client_id, body.changed())
    else:
        frame = await anyio.to_thread.run_sync(_application_frame, body)
    payload = await anyio.to_thread.run_sync(
        lambda: explanation.explain_frame(ctx.bundle, frame, ctx.population, top=body.top, rates=ctx.rates)
    )
    p = float(sigmoid(np.float64(payload["prediction"]["log_odds"])))
    payload["meta"]["shap_source"] = "live"
    payload["decision"] = {"probability": p, "threshold": float(ctx.bundle.threshold),
                           "decision": decision.decide(p, ctx.bundle.threshold)}
    if body.client_id is not None:
        payload["client_id"], payload["changes"] = body.client_id, body.changed()
    return payload
