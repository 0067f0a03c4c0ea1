"""Request body size limit: 413 problem when Content-Length or the streamed body exceeds the maximum.

One limit for the whole service, raised for the few routes that take big bodies by design (`overrides`:
path regular expression -> bytes), e.g. a 10,000-application scoring batch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credit_core.service.problems import problem_response

DEFAULT_MAX_BODY_BYTES = 5 * 2**20  # a batch of 10,000 ids or a few hundred applications fits easily


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES, overrides: Mapping[str, int] | None = None
    ) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.overrides = [(re.compile(pattern), limit) for pattern, limit in (overrides or {}).items()]

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.overrides:
            if pattern.fullmatch(path):
                return limit
        return self.max_bytes

    async def _reject(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        detail = f"The request body exceeds {max_bytes:,} bytes, the limit of {scope.get('path')}."
        response = problem_response(413, "request body too large", detail, instance=scope.get("path"),
                                    max_bytes=max_bytes)
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = max_bytes + 1
            if declared > max_bytes:
                await self._reject(scope, receive, send, max_bytes)
                return
            await self.app(scope, receive, send)  # the server enforces Content-Length itself
            return
        # Streamed (chunked) body: buffer it up to the limit, then replay it to the app.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                await self._reject(scope, receive, send, max_bytes)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
