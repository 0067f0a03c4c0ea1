"""The web's typed API clients against the services' contracts: each endpoint the web calls is the one the service
documents in its OpenAPI, with the very model the web validates the answer with; an answer that breaks the
contract is refused (a notice for the reader, never a 500 nor a page built on it)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from credit_core.settings import Settings
from credit_explain.main import create_app as create_explain
from credit_scoring.main import create_app as create_scoring
from credit_web.api_clients import ENDPOINTS, BackendContractError, ExplainClient, ScoringClient
from credit_web.backends import BackendProblem

# The lifespan is not run: reading the OpenAPI document needs neither the database nor a model.
UNUSED = Settings(database_url="postgresql+asyncpg://unused@127.0.0.1:9/unused")
REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, dict[str, Any]]:
    apps: dict[str, FastAPI] = {"scoring": create_scoring(UNUSED), "explain": create_explain(UNUSED)}
    return {service: app.openapi() for service, app in apps.items()}


def _answer_schema(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    operation = spec["paths"][path][method.lower()]
    schema: dict[str, Any] = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    return schema


def _shape(schema: Any) -> Any:
    """The schema without `default`s and `examples`: FastAPI leaves `"default": null` out of some response schemas
    and scoring tidies its examples; neither says what an answer may contain."""
    if isinstance(schema, dict):
        return {k: _shape(v) for k, v in schema.items() if k not in ("default", "examples")}
    if isinstance(schema, list):
        return [_shape(v) for v in schema]
    return schema


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_each_endpoint_is_documented_with_the_model_the_web_validates(
        openapi: dict[str, dict[str, Any]], name: str) -> None:
    endpoint = ENDPOINTS[name]
    spec = openapi[endpoint.service]
    schema = _answer_schema(spec, endpoint.method, endpoint.path, endpoint.status)
    assert schema.get("$ref") == REF + endpoint.model.__name__, (name, schema)
    # And the document's schema is the model's own (not an older copy under the same name).
    _, generated = models_json_schema([(endpoint.model, "serialization")], ref_template=REF + "{model}")
    components = spec["components"]["schemas"]
    for model_name, model_schema in generated["$defs"].items():
        assert _shape(components[model_name]) == _shape(model_schema), (name, model_name)


def test_every_client_method_has_its_endpoint() -> None:
    """No method builds a URL the contract test does not see (drift_report answers HTML, not a contract body)."""
    methods = {name for cls in (ScoringClient, ExplainClient)
               for name, _ in inspect.getmembers(cls, inspect.iscoroutinefunction) if not name.startswith("_")}
    assert methods - {"drift_report"} == set(ENDPOINTS)


class _Answers:
    """A stand-in for Backends that answers every call with one fixed body."""

    def __init__(self, body: Any) -> None:
        self.body, self.calls = body, list[tuple[str, str, Any, Any]]()

    async def scoring(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any:
        self.calls.append((method, path, params, json))
        return self.body

    explain = scoring

    async def scoring_document(self, path: str) -> bytes:
        return b""


SCORE = {"client_id": 100002, "probability_default": 0.31, "decision": "refused", "threshold": 0.24, "margin": 0.07,
         "risk_band": "high", "model_version": "1", "decision_id": 42, "scored_at": "2026-11-27T20:00:00Z"}


async def test_a_valid_answer_comes_back_as_sent_from_the_url_built_once() -> None:
    backends = _Answers(SCORE)
    assert await ScoringClient(backends).score(100002, "view") == SCORE
    assert backends.calls == [("GET", "/v1/clients/100002/score", {"purpose": "view"}, None)]


async def test_explain_answers_keep_the_fields_their_contract_does_not_name() -> None:
    """Explain's contracts allow extra fields (its bodies carry more than documented): the templates get them."""
    profile = {"client_id": 100002, "fields": [{"name": "AGE", "kind": "years", "value": 41.0, "status": "ok",
                                                "note": "extra"}], "added_later": True}
    backends = _Answers(profile)
    assert await ExplainClient(backends).profile(100002) == profile
    assert backends.calls == [("GET", "/v1/clients/100002/profile", None, None)]


@pytest.mark.parametrize("broken", [
    {k: v for k, v in SCORE.items() if k != "probability_default"},
    {**SCORE, "probability_default": "high"},
    {**SCORE, "decision": "maybe"},
    {**SCORE, "surprise": 1},  # scoring's models forbid unknown fields: its OpenAPI says additionalProperties false
    [SCORE],
])
async def test_an_answer_breaking_the_contract_is_refused(broken: Any) -> None:
    with pytest.raises(BackendContractError) as raised:
        await ScoringClient(_Answers(broken)).score(100002, "view")
    assert raised.value.service == "scoring" and raised.value.model == "ScoreOut"


async def test_an_explanation_without_its_reasons_is_refused() -> None:
    with pytest.raises(BackendContractError):
        await ExplainClient(_Answers({"reasons_for": "refused"})).explanation(100002, top=3)


async def test_an_advisor_decision_scoring_would_refuse_is_not_sent() -> None:
    backends = _Answers({})
    with pytest.raises(BackendProblem) as raised:
        await ScoringClient(backends).record_advisor_decision(100002, choice="override", reason="", username="ann",
                                                              display_name=None)
    assert raised.value.status == 422 and backends.calls == []
