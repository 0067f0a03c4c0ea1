"""Item 7: one client id type everywhere (credit_core.ids): the same range on every route of both APIs and the
dashboard, JSON integers only in bodies (no `true`, no 100002.0, no strings), canonical digits only in paths and
queries (no sign, spaces, decimals, leading zeros or non-ASCII digits)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from credit_core.ids import MAX_CLIENT_ID, MIN_CLIENT_ID
from tests.security._http import problem_fields
from tests.security._servers import Apis

BAD_TEXT = ["+{id}", "{id}.0", " {id}", "{id} ", "0{id}", "1_000", "0", "-1", str(2**63), "²", "١٢٣", "1e5", ""]
BAD_JSON = ["true", "false", '"{id}"', "{id}.0", "0", "-1", str(2**63), "null", "1e5"]


@pytest.fixture(scope="module")
def scoring(apis: Apis) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=apis.scoring_url, headers=apis.auth, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def explain(apis: Apis) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=apis.explain_url, headers=apis.auth, timeout=60) as client:
        yield client


def _path_routes(scoring: httpx.Client, explain: httpx.Client) -> list[tuple[httpx.Client, str, str]]:
    return [(scoring, "GET", "/v1/clients/{}/score"), (scoring, "GET", "/v1/clients/{}/decisions"),
            (scoring, "POST", "/v1/clients/{}/advisor-decisions"), (explain, "GET", "/v1/clients/{}/explanation"),
            (explain, "GET", "/v1/clients/{}/similar"), (explain, "GET", "/v1/clients/{}/counterfactual"),
            (explain, "GET", "/v1/clients/{}/profile")]


@pytest.mark.parametrize("template", BAD_TEXT)
def test_paths_take_canonical_digits_only(scoring: httpx.Client, explain: httpx.Client, apis: Apis,
                                          template: str) -> None:
    text = quote(template.format(id=apis.client_ids[0]), safe="")
    for client, method, path in _path_routes(scoring, explain):
        body = {"choice": "follow", "username": "sec"} if method == "POST" else None
        response = client.request(method, path.format(text), json=body)
        if text == "":  # /v1/clients//score: no such route
            assert response.status_code == 404, path
            continue
        assert problem_fields(response) == {"path.client_id"}, (path, template)


@pytest.mark.parametrize("template", BAD_TEXT)
def test_queries_take_canonical_digits_only(explain: httpx.Client, apis: Apis, template: str) -> None:
    text = template.format(id=apis.client_ids[0])
    for path in ("/v1/features/AMT_CREDIT/distribution", "/v1/features/AMT_CREDIT/AMT_ANNUITY/joint"):
        assert problem_fields(explain.get(path, params={"client_id": text})) == {"query.client_id"}, (path, template)


@pytest.mark.parametrize("template", BAD_JSON)
def test_bodies_take_json_integers_only(scoring: httpx.Client, explain: httpx.Client, apis: Apis,
                                        template: str) -> None:
    value = template.format(id=apis.client_ids[0])
    json = {"content-type": "application/json"}
    batch = scoring.post("/v1/score/batch", content=f'{{"client_ids": [{value}]}}', headers=json)
    assert problem_fields(batch) == {"body.client_ids.0"}
    kserve = scoring.post("/v1/models/credit-default:predict", content=f'{{"instances": [{value}]}}', headers=json)
    assert kserve.status_code == 422
    explained = explain.post("/v1/explain", content=f'{{"client_id": {value}}}', headers=json)
    assert explained.status_code == 422
    if value != "null":  # null means "no client" there: the request is then incomplete, not a bad id
        assert problem_fields(explained) == {"body.client_id"}


def test_a_batch_of_true_is_not_client_1(scoring: httpx.Client) -> None:
    response = scoring.post("/v1/score/batch", content=b'{"client_ids": [true]}',
                            headers={"content-type": "application/json"})
    assert problem_fields(response) == {"body.client_ids.0"}


def test_the_canonical_id_works_everywhere(scoring: httpx.Client, explain: httpx.Client, apis: Apis) -> None:
    client_id = apis.client_ids[0]
    for client, method, path in _path_routes(scoring, explain):
        if method == "GET":
            assert client.get(path.format(client_id)).status_code == 200, path
    assert scoring.post("/v1/score/batch", json={"client_ids": [client_id]}).json()["failed"] == 0
    assert explain.get("/v1/features/AMT_CREDIT/distribution", params={"client_id": client_id}).status_code == 200


def _client_id_schemas(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for operations in openapi["paths"].values():
        for operation in operations.values():
            found += [p["schema"] for p in operation.get("parameters", []) if p["name"] in ("client_id",)]
    return found


def test_both_apis_document_one_range(scoring: httpx.Client, explain: httpx.Client) -> None:
    schemas = [*_client_id_schemas(scoring.get("/openapi.json").json()),
               *_client_id_schemas(explain.get("/openapi.json").json())]
    assert len(schemas) >= 9
    for schema in schemas:
        plain = schema.get("anyOf", [schema])[0]
        assert (plain["type"], plain["minimum"], plain["maximum"]) == ("integer", MIN_CLIENT_ID, MAX_CLIENT_ID), schema
