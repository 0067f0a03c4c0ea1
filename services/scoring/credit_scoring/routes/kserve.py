"""KServe V1 inference protocol: model readiness and `:predict` over client ids or applications."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from credit_core.service.problems import ProblemError
from credit_scoring import scorer
from credit_scoring.deps import BundleDep, CallerDep, HolderDep, PoolDep, RequestIdDep, SettingsDep
from credit_scoring.routes._convert import problem_docs
from credit_scoring.routes.score import NOT_FOUND
from credit_scoring.schemas import Application, KServeModel, KServePrediction, KServeRequest, KServeResponse

router = APIRouter()
MODEL_NAME = "credit-default"


def _check_name(name: str, bundle: Any) -> None:
    if bundle is None or name not in (MODEL_NAME, str(bundle.version)):
        raise ProblemError(404, "model not found", f"Unknown model {name!r}; use {MODEL_NAME!r} or the version.")


@router.get("/models/{name}", response_model=KServeModel, responses=problem_docs(401, 404))
async def model_ready(name: str, holder: HolderDep) -> KServeModel:
    """KServe V1 model metadata: `name` is "credit-default" or the served version."""
    bundle = holder.bundle
    _check_name(name, bundle)
    return KServeModel(name=name, ready=holder.ready, version=str(bundle.version))


@router.post("/models/{name}:predict", response_model=KServeResponse, responses=problem_docs(401, 404, 413, 422, 503))
async def predict(
    name: str, request: KServeRequest, pool: PoolDep, bundle: BundleDep, caller: CallerDep,
    rid: RequestIdDep, settings: SettingsDep,
) -> KServeResponse:
    """`instances` are client ids (ints) or application objects, mixed freely; predictions keep their order."""
    _check_name(name, bundle)
    ids = [(i, x) for i, x in enumerate(request.instances) if isinstance(x, int)]
    apps = [(i, x) for i, x in enumerate(request.instances) if isinstance(x, Application)]
    predictions: list[KServePrediction | None] = [None] * len(request.instances)
    if ids:
        chunks = await scorer.score_clients(pool, bundle, [x for _, x in ids], caller=caller, request_id=rid,
                                            chunk_size=settings.batch_chunk_size)
        for (i, client_id), scored in zip(ids, scorer.items(chunks), strict=True):
            predictions[i] = _prediction(scored) if scored else KServePrediction(client_id=client_id, error=NOT_FOUND)
    if apps:
        app_chunks = await scorer.score_applications(pool, bundle, [a.raw() for _, a in apps], caller=caller,
                                                     request_id=rid, chunk_size=settings.application_chunk_size)
        for (i, _), scored in zip(apps, scorer.items(app_chunks), strict=True):
            assert scored is not None  # every application is scored
            predictions[i] = _prediction(scored)
    return KServeResponse(model_name=MODEL_NAME, model_version=str(bundle.version),
                          predictions=[p for p in predictions if p is not None])


def _prediction(scored: scorer.Scored) -> KServePrediction:
    result, stored = scored
    return KServePrediction(
        client_id=result.client_id, probability_default=result.probability, decision=result.decision,  # type: ignore[arg-type]
        threshold=result.threshold, risk_band=result.risk_band, decision_id=stored.decision_id,
    )
