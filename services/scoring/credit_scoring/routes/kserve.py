"""KServe V1 inference protocol: model readiness and `:predict` over client ids or applications."""

from __future__ import annotations

from fastapi import APIRouter

from credit_core.contracts.scoring import Application, KServeModel, KServePrediction, KServeRequest, KServeResponse
from credit_core.scoring import audit, batches
from credit_core.scoring.scorer import Scorer
from credit_core.service.problems import ProblemError
from credit_scoring.deps import CallerDep, HolderDep, PoolDep, RequestIdDep, ScorerDep, SettingsDep, ShadowDep
from credit_scoring.routes._convert import problem_docs
from credit_scoring.routes.score import NOT_FOUND

router = APIRouter()
MODEL_NAME = "credit-default"


def _check_name(name: str, scorer: Scorer | None) -> Scorer:
    if scorer is None or name not in (MODEL_NAME, scorer.version):
        raise ProblemError(404, "model not found", f"Unknown model {name!r}; use {MODEL_NAME!r} or the version.")
    return scorer


@router.get("/models/{name}", response_model=KServeModel, responses=problem_docs(401, 404))
async def model_ready(name: str, holder: HolderDep) -> KServeModel:
    """KServe V1 model metadata: `name` is "credit-default" or the served version."""
    scorer = _check_name(name, holder.bundle)
    return KServeModel(name=name, ready=holder.ready, version=scorer.version)


@router.post("/models/{name}:predict", response_model=KServeResponse, responses=problem_docs(401, 404, 413, 422, 503))
async def predict(
    name: str, request: KServeRequest, pool: PoolDep, scorer: ScorerDep, caller: CallerDep,
    rid: RequestIdDep, settings: SettingsDep, shadow: ShadowDep,
) -> KServeResponse:
    """`instances` are client ids (ints) or application objects, mixed freely; predictions keep their order."""
    _check_name(name, scorer)
    ids = [(i, x) for i, x in enumerate(request.instances) if isinstance(x, int)]
    apps = [(i, x) for i, x in enumerate(request.instances) if isinstance(x, Application)]
    predictions: list[KServePrediction | None] = [None] * len(request.instances)
    if ids:
        chunks = await batches.score_clients(pool, scorer, [x for _, x in ids], caller=caller, request_id=rid,
                                             chunk_size=settings.batch_chunk_size, events=settings.events_on,
                                             shadow=shadow)
        for (i, client_id), scored in zip(ids, batches.items(chunks), strict=True):
            predictions[i] = _prediction(scored) if scored else KServePrediction(client_id=client_id, error=NOT_FOUND)
    if apps:
        app_chunks = await batches.score_applications(pool, scorer, [a.raw() for _, a in apps], caller=caller,
                                                      request_id=rid, chunk_size=settings.application_chunk_size,
                                                      events=settings.events_on, shadow=shadow)
        for (i, _), scored in zip(apps, batches.items(app_chunks), strict=True):
            assert scored is not None  # every application is scored
            predictions[i] = _prediction(scored)
    return KServeResponse(model_name=MODEL_NAME, model_version=scorer.version,
                          predictions=[p for p in predictions if p is not None])


def _prediction(scored: audit.Scored) -> KServePrediction:
    result, stored = scored
    return KServePrediction(
        client_id=result.client_id, probability_default=result.probability, decision=result.decision,
        threshold=result.threshold, risk_band=result.risk_band, decision_id=stored.decision_id,
    )
