"""The web service's only way to the scoring and explain services: one pooled async HTTP client.

Every call carries the service API key and the current request id. Failures become two exceptions the
routes can turn into clear notices: BackendUnavailable (cannot reach it, timeout, 5xx) and BackendProblem
(a 4xx problem+json answer, e.g. unknown client).
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from credit_core.service.observability import current_request_id


class BackendUnavailable(Exception):
    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} unavailable: {reason}")
        self.service, self.reason = service, reason


class BackendProblem(Exception):
    def __init__(self, service: str, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{service} answered {status}: {problem.get('title', '')}")
        self.service, self.status, self.problem = service, status, problem


class Backends:
    def __init__(
        self,
        scoring_url: str,
        explain_url: str,
        api_key: str,
        *,
        connect_timeout: float = 1.0,
        timeout: float = 10.0,
        max_connections: int = 50,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.urls = {"scoring": scoring_url.rstrip("/"), "explain": explain_url.rstrip("/")}
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            transport=transport,
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def scoring(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any:
        return await self._call("scoring", method, path, params=params, json=json)

    async def explain(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any:
        return await self._call("explain", method, path, params=params, json=json)

    async def scoring_document(self, path: str) -> bytes:
        """A GET on scoring whose answer is a document, not JSON (a drift report's HTML)."""
        return await self._call("scoring", "GET", path, params=None, json=None, document=True)  # type: ignore[no-any-return]

    async def _call(self, service: str, method: str, path: str, *, params: Any, json: Any,
                    document: bool = False) -> Any:
        headers = {}
        rid = current_request_id.get()
        if rid:
            headers["X-Request-ID"] = rid
        content = None
        if json is not None:
            content = orjson.dumps(json, option=orjson.OPT_SERIALIZE_NUMPY)
            headers["Content-Type"] = "application/json"
        try:
            response = await self.client.request(method, self.urls[service] + path, params=params, content=content,
                                                 headers=headers)
        except httpx.TimeoutException as exc:
            raise BackendUnavailable(service, "timeout") from exc
        except httpx.HTTPError as exc:
            raise BackendUnavailable(service, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise BackendUnavailable(service, f"status {response.status_code}")
        if response.status_code >= 400:
            raise BackendProblem(service, response.status_code, _problem_body(response))
        if document:
            return response.content
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise BackendUnavailable(service, "invalid JSON") from exc


def _problem_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        return body
    return {"type": "about:blank", "title": response.reason_phrase or "error", "status": response.status_code}
