"""Typed clients of the scoring and explain APIs: one method per endpoint the web reads, every URL built here.

Each answer is validated against the contract model the service declares for that path (credit_core.contracts,
the one definition both sides import; tests/web/test_api_contracts.py checks each endpoint below against the
services' OpenAPI). An answer that breaks the contract raises BackendContractError, a BackendUnavailable: the
routes show the service-unavailable notice, never a 500 and never a page built on a half-understood body.

The methods return the validated body as the service sent it (a plain dict, not the model): templates and chart
builders read those dicts unchanged, and the models allow extra fields, so nothing the service adds is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from credit_core.contracts import explain as explain_api
from credit_core.contracts import scoring as scoring_api
from credit_web.backends import BackendProblem, BackendUnavailable

log = logging.getLogger("credit.web.api_clients")

Service = Literal["scoring", "explain"]
Purpose = Literal["view", "decision", "letter", "api"]
Choice = Literal["follow", "override"]


class BackendContractError(BackendUnavailable):
    """The service answered 2xx with a body its own contract does not describe (a contract change the web did
    not follow, or a broken deployment): for the reader, the service is unavailable."""

    def __init__(self, service: str, model: str) -> None:
        super().__init__(service, f"answer breaks the {model} contract")
        self.model = model


class Caller(Protocol):
    """What the clients need of credit_web.backends.Backends (one of its two service calls)."""

    async def scoring(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any: ...

    async def explain(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any: ...

    async def scoring_document(self, path: str) -> bytes: ...


@dataclass(frozen=True)
class Endpoint:
    """One API operation the web uses: its method, its OpenAPI path template and the model of its answer."""

    service: Service
    method: Literal["GET", "POST"]
    path: str
    model: type[BaseModel]
    status: int = 200


# Client method name -> endpoint. The contract test walks this table; the methods below only use it.
ENDPOINTS: dict[str, Endpoint] = {
    "score": Endpoint("scoring", "GET", "/v1/clients/{client_id}/score", scoring_api.ScoreOut),
    "history": Endpoint("scoring", "GET", "/v1/clients/{client_id}/history", scoring_api.HistoryOut),
    "model_report": Endpoint("scoring", "GET", "/v1/model/report", scoring_api.ModelReportOut),
    "monitoring": Endpoint("scoring", "GET", "/v1/model/monitoring", scoring_api.MonitoringOut),
    "record_advisor_decision": Endpoint("scoring", "POST", "/v1/clients/{client_id}/advisor-decisions",
                                        scoring_api.AdvisorDecisionOut, status=201),
    "features": Endpoint("explain", "GET", "/v1/features", explain_api.FeaturesOut),
    "search_clients": Endpoint("explain", "GET", "/v1/clients", explain_api.ClientSearchOut),
    "profile": Endpoint("explain", "GET", "/v1/clients/{client_id}/profile", explain_api.ProfileOut),
    "explanation": Endpoint("explain", "GET", "/v1/clients/{client_id}/explanation", explain_api.ExplanationOut),
    "counterfactual": Endpoint("explain", "GET", "/v1/clients/{client_id}/counterfactual",
                               explain_api.CounterfactualOut),
    "similar": Endpoint("explain", "GET", "/v1/clients/{client_id}/similar", explain_api.SimilarOut),
    "importance": Endpoint("explain", "GET", "/v1/importance", explain_api.ImportanceOut),
    "distribution": Endpoint("explain", "GET", "/v1/features/{name}/distribution", explain_api.DistributionOut),
    "joint": Endpoint("explain", "GET", "/v1/features/{name}/{b}/joint", explain_api.JointOut),
    "what_if": Endpoint("explain", "POST", "/v1/explain", explain_api.WhatIfOut),
}


class _Client:
    def __init__(self, backends: Caller) -> None:
        self.backends = backends

    async def _call(self, key: str, /, *, params: Any = None, json: Any = None, **path: str | int
                    ) -> dict[str, Any]:
        """`key` names the endpoint in ENDPOINTS; `path` fills its path template (each value URL-quoted)."""
        endpoint = ENDPOINTS[key]
        url = endpoint.path.format(**{key: quote(str(value), safe="") for key, value in path.items()})
        send = self.backends.scoring if endpoint.service == "scoring" else self.backends.explain
        body = await send(endpoint.method, url, params=params, json=json)
        try:
            if not isinstance(body, dict):
                raise BackendContractError(endpoint.service, endpoint.model.__name__)
            endpoint.model.model_validate(body)
        except ValidationError as exc:
            # Where and what, never the values: bodies carry personal data.
            log.warning("%s %s %s: answer breaks %s: %s", endpoint.service, endpoint.method, endpoint.path,
                        endpoint.model.__name__, exc.errors(include_url=False, include_input=False))
            raise BackendContractError(endpoint.service, endpoint.model.__name__) from exc
        return body


class ScoringClient(_Client):
    """The scoring API as the web uses it (bodies: credit_core.contracts.scoring)."""

    async def score(self, client_id: int, purpose: Purpose) -> dict[str, Any]:
        """ScoreOut; audited by scoring with this purpose."""
        return await self._call("score", client_id=client_id, params={"purpose": purpose})

    async def history(self, client_id: int, limit: int) -> dict[str, Any]:
        """HistoryOut: distinct model decisions and advisor decisions, newest first."""
        return await self._call("history", client_id=client_id, params={"limit": limit})

    async def model_report(self) -> dict[str, Any]:
        """ModelReportOut of the active model."""
        return await self._call("model_report")

    async def monitoring(self) -> dict[str, Any]:
        """MonitoringOut: the latest drift summary and the challenger comparison."""
        return await self._call("monitoring")

    async def record_advisor_decision(self, client_id: int, *, choice: Choice, reason: str | None, username: str,
                                      display_name: str | None) -> dict[str, Any]:
        """AdvisorDecisionOut. The request is checked against AdvisorDecisionIn first: one scoring would refuse
        is a BackendProblem 422 without the round trip."""
        try:
            request = scoring_api.AdvisorDecisionIn(choice=choice, reason=reason, username=username,
                                                    display_name=display_name)
        except ValidationError as exc:
            raise BackendProblem("scoring", 422, {"type": "about:blank", "title": "invalid advisor decision",
                                                  "status": 422}) from exc
        return await self._call("record_advisor_decision", client_id=client_id,
                                json=request.model_dump(mode="json"))

    async def drift_report(self, report_id: int) -> bytes:
        """A drift report's full HTML (a document, not JSON: no contract model)."""
        return await self.backends.scoring_document(f"/v1/model/drift/{report_id}")


class ExplainClient(_Client):
    """The explain API as the web uses it (bodies: credit_core.contracts.explain)."""

    async def features(self) -> dict[str, Any]:
        """FeaturesOut: the feature catalogue."""
        return await self._call("features")

    async def search_clients(self, prefix: str, limit: int) -> dict[str, Any]:
        """ClientSearchOut: clients whose id starts with `prefix` (digits)."""
        return await self._call("search_clients", params={"prefix": prefix, "limit": limit})

    async def profile(self, client_id: int) -> dict[str, Any]:
        """ProfileOut: the profile card's fields."""
        return await self._call("profile", client_id=client_id)

    async def explanation(self, client_id: int, top: int) -> dict[str, Any]:
        """ExplanationOut with the `top` contributions."""
        return await self._call("explanation", client_id=client_id, params={"top": top})

    async def counterfactual(self, client_id: int) -> dict[str, Any]:
        """CounterfactualOut: the cheapest loan change that grants, or why none exists."""
        return await self._call("counterfactual", client_id=client_id)

    async def similar(self, client_id: int, k: int) -> dict[str, Any]:
        """SimilarOut: the k nearest labelled clients."""
        return await self._call("similar", client_id=client_id, params={"k": k})

    async def importance(self, top: int, beeswarm_features: int) -> dict[str, Any]:
        """ImportanceOut: mean |SHAP| bars and beeswarm points."""
        return await self._call("importance", params={"top": top, "beeswarm_features": beeswarm_features})

    async def distribution(self, feature: str, client_id: int) -> dict[str, Any]:
        """DistributionOut of one catalogue feature, with the client's cell."""
        return await self._call("distribution", name=feature, params={"client_id": client_id})

    async def joint(self, a: str, b: str, client_id: int) -> dict[str, Any]:
        """JointOut of two catalogue features."""
        return await self._call("joint", name=a, b=b, params={"client_id": client_id})

    async def what_if(self, client_id: int, changes: dict[str, Any], top: int) -> dict[str, Any]:
        """WhatIfOut: the live explanation and decision of the client's application with `changes`."""
        return await self._call("what_if", json={"client_id": client_id, "changes": changes, "top": top})
