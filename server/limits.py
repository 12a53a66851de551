"""HTTP-level protections: a cap on request body size, and closing reads to key holders.

Both answer in the GraphQL error shape with a stable code, so clients handle them like any
other error.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def graphql_error(status: int, code: str, message: str, **extensions: Any) -> JSONResponse:
    """A response in GraphQL's error shape, for errors raised before GraphQL runs."""
    return JSONResponse(
        {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
        },
        status_code=status,
    )


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` (413), by header and while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = graphql_error(
            413,
            "LIMIT_EXCEEDED",
            f"Request body over {self.max_bytes} bytes.",
            limit="body_size",
        )
        await response(scope, receive, send)


class _TooLargeError(Exception):
    pass
