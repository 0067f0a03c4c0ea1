"""The feature catalogue, per-feature population distributions and two-feature joint views."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from credit_core import features
from credit_core.contracts.explain import DistributionOut, FeaturesOut, JointOut
from credit_core.explain import client_row, distributions, joint, store
from credit_core.ids import ClientIdParam
from credit_core.service.problems import ProblemError
from credit_explain.deps import ConnectionDep, ContextDep, valid_feature

router = APIRouter()
FeatureA = Annotated[str, Depends(valid_feature)]
OptionalClient = Annotated[ClientIdParam | None, Query()]


def _describe(spec: features.Feature) -> dict[str, Any]:
    """One catalogue entry as the API shows it. Label and description are English, the catalogue's source
    language; readers in other languages translate them (the dashboard through its gettext catalogues)."""
    return {"name": spec.name, "group": spec.group, "kind": spec.kind, "label": spec.label,
            "description": spec.description or None, "unit": spec.unit, "actionable": spec.actionable,
            "higher_is": spec.higher_is or None}


@router.get("/features", responses={200: {"model": FeaturesOut}})
async def list_features() -> dict[str, Any]:
    return {"feature_set_version": features.FEATURE_SET_VERSION,
            "features": [_describe(f) for f in features.CATALOGUE]}


async def _client(conn: Any, client_id: int | None) -> dict[str, Any] | None:
    if client_id is None:
        return None
    record = await store.fetch_client(conn, "", features.FEATURE_SET_VERSION, client_id)
    if record is None:
        raise ProblemError(404, "client not found", f"No features for client {client_id}.", client_id=client_id)
    return client_row.as_dict(record)


@router.get("/features/{name}/distribution", response_class=Response, responses={200: {"model": DistributionOut}})
async def distribution(name: FeatureA, ctx: ContextDep, conn: ConnectionDep,
                       client_id: OptionalClient = None) -> Response:
    """The feature over the reference population split by known outcome, with n and a default rate per category or
    bin (suppressed below `min_cell` clients; credit_core.explain.rates); percentiles come from population.json."""
    if not ctx.population.has(name) or not ctx.rates.has(name):
        raise ProblemError(404, "distribution not found", f"No population data for {name!r}.", feature=name)
    body = {"feature": name, "model_version": ctx.version,
            **distributions.distribution(ctx.population, ctx.rates, name)}
    client = await _client(conn, client_id)
    if client is not None:
        value = client.get(name)
        cell = ctx.rates.cell_of(name, value)
        body["client"] = {"client_id": client_id, "value": value, "percentile": ctx.population.percentile(name, value),
                          "default_rate": cell["default_rate"], "n": cell["n"], "suppressed": cell["suppressed"]}
    # Plain JSON types already (NaN becomes null): orjson directly, skipping FastAPI's generic encoder.
    return Response(orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY), media_type="application/json")


def _valid_b(b: str, ctx: ContextDep) -> str:
    return valid_feature(b, ctx)


@router.get("/features/{name}/{b}/joint", response_class=Response, responses={200: {"model": JointOut}})
async def joint_view(name: FeatureA, b: Annotated[str, Depends(_valid_b)], ctx: ContextDep, conn: ConnectionDep,
                     client_id: OptionalClient = None) -> Response:
    """Scatter (numeric×numeric), quartiles by category (numeric×categorical) or crosstab, over the reference."""
    if name == b:
        raise ProblemError(422, "invalid feature pair", "Choose two different features.", feature=name)
    client = await _client(conn, client_id)
    body = {"model_version": ctx.version, **ctx.joint_view(name, b)}  # a new dict: the cached view stays intact
    if client is not None:
        body["client"] = joint.client_position(client, name, b)
    return Response(orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY), media_type="application/json")
