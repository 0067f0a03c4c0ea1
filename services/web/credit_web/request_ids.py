"""The request id of the web request being served: taken from a well-formed X-Request-ID, else generated.

It is kept in a context variable so that the backends client forwards it to scoring and explain, which
log it: one id follows a click through the three services' JSON logs.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

HEADER = b"x-request-id"
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def valid_request_id(value: str) -> bool:
    return bool(_VALID.fullmatch(value))


class RequestIdMiddleware:
    """Outermost: fixes the id before the shared observability middleware logs it and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(HEADER, b"").decode("latin-1")
        rid = incoming if valid_request_id(incoming) else uuid.uuid4().hex
        # Replace whatever came in (missing, malformed, oversized) by the id we keep.
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k != HEADER] + [(HEADER, rid.encode())]
        token = current_request_id.set(rid)
        try:
            await self.app(scope, receive, send)
        finally:
            current_request_id.reset(token)
