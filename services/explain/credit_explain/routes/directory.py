"""Finding clients (id prefix search for the dashboard's suggestions) and their profile card."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from credit_core import features
from credit_core.contracts.explain import ClientSearchOut, ProfileOut
from credit_core.explain import profile, store
from credit_core.service.problems import ProblemError
from credit_explain.deps import ClientId, ConnectionDep

router = APIRouter()
MAX_SUGGESTIONS = 50


@router.get("/clients", responses={200: {"model": ClientSearchOut}})
async def search_clients(
    conn: ConnectionDep,
    prefix: Annotated[str, Query(min_length=1, max_length=store.ID_DIGITS, pattern=r"^[0-9]+$",
                                 description="Leading digits of the client id.")],
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)] = 10,
) -> dict[str, Any]:
    """Clients with features (current feature set) whose id starts with `prefix`, ascending by id."""
    found = await store.clients_with_prefix(conn, features.FEATURE_SET_VERSION, prefix, limit)
    return {"clients": [{"client_id": cid, "has_outcome": outcome} for cid, outcome in found]}


@router.get("/clients/{client_id}/profile", responses={200: {"model": ProfileOut}})
async def client_profile(client_id: ClientId, conn: ConnectionDep) -> dict[str, Any]:
    """Key application fields for the advisor's profile card, labelled and displayed in French and English."""
    application = await store.fetch_application_columns(conn, client_id, profile.SOURCE_COLUMNS)
    if application is None:
        raise ProblemError(404, "client not found", f"No application for client {client_id}.", client_id=client_id)
    return {"client_id": client_id, "fields": profile.build(application)}
