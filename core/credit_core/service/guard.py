"""The gate in front of every /v1 route (and the API docs when API_DOCS=key): a valid API key, then the key's
rate limit (ASGI middleware).

Done once per request as plain ASGI, before routing and before any body is read, instead of as a FastAPI
dependency: dependency resolution costs more than the check itself on the hot scoring path, and a caller without
a key must not make the service buffer its body. The caller's name is left in `scope["state"]["caller"]` for
`auth.require_api_key` / `CallerDep` to read.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from credit_core.service import auth, ratelimit
from credit_core.service.problems import ProblemError, problem_response, unexpected_error_response

PROTECTED_PREFIX = "/v1/"


class ApiGateMiddleware:
    def __init__(self, app: ASGIApp, limiter: ratelimit.TokenBuckets | None = None,
                 protected_paths: Iterable[str] = ()) -> None:
        self.app, self.limiter = app, limiter
        self.protected_paths = frozenset(protected_paths)  # besides everything under /v1/

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (scope["path"].startswith(PROTECTED_PREFIX)
                                           or scope["path"] in self.protected_paths):
            await self.app(scope, receive, send)
            return
        try:
            caller = await auth.verify_scope(scope)
        except ProblemError as error:
            response = problem_response(error.status, error.title, error.detail, instance=scope["path"],
                                        headers=error.headers)
            await response(scope, receive, send)
            return
        except Exception as exc:  # key lookup failed: the database is down (503) or a bug (500)
            await unexpected_error_response(exc, scope["path"])(scope, receive, send)
            return
        if self.limiter is not None:
            wait = self.limiter.take(caller)
            if wait > 0:
                response = problem_response(
                    429, "too many requests",
                    f"This API key may send {self.limiter.rate:g} requests per second (bursts of "
                    f"{self.limiter.burst:g}); retry later.",
                    instance=scope["path"], headers={"Retry-After": ratelimit.retry_after(wait)},
                )
                await response(scope, receive, send)
                return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)
