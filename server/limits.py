"""HTTP-level protections: caps on request body size (one for queries, one for uploads),
strict decoding of request bodies, and a coded answer for anything that escapes.

Each answers in the GraphQL error shape with a stable code, so clients handle them like any
other error; none is plain text.
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException  # what Strawberry's HTTP views raise
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _ErrorResponse(JSONResponse):
    """JSON in ASCII, as Strawberry encodes its answers: a message may echo what the client
    sent (Strawberry's "Unknown operation named …"), and an unpaired surrogate in it made
    the UTF-8 encoding of the refusal itself fail, a 500 instead of the 400 (issue 14's
    red team)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


def graphql_error(status: int, code: str, message: str, **extensions: Any) -> JSONResponse:
    """A response in GraphQL's error shape, for errors raised before GraphQL runs."""
    return _ErrorResponse(
        {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
        },
        status_code=status,
    )


def is_multipart(headers: dict[bytes, bytes]) -> bool:
    """Whether a request declares a ``multipart/form-data`` body (a GraphQL file upload)."""
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    return content_type == b"multipart/form-data"


def decode_request_json(data: str | bytes) -> object:
    """A request's JSON (a body, or the ``variables`` of a GET): strict UTF-8 (RFC 8259),
    and an object (or a list, which Strawberry refuses as a batch). Each way it can fail is
    an ``HTTPException`` (400) with a readable reason, which the router answers as
    ``BAD_INPUT``; ``json.JSONDecodeError`` is left to Strawberry, which says the same."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise HTTPException(400, "The request body is not valid UTF-8.") from exc
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise HTTPException(400, "The request body nests JSON too deeply.") from exc
    if not isinstance(value, dict | list):
        raise HTTPException(
            400, 'The request body must be a JSON object: {"query": "...", "variables": {...}}.'
        )
    return value


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """The answer to an exception no route handled: ``INTERNAL``, without detail."""
    return graphql_error(500, "INTERNAL", "Internal error.")


class BodySizeLimit:
    """Refuse request bodies over the cap (413), by header and while streaming.

    A multipart body (a file upload: the GraphQL multipart request spec) has its own, larger
    cap, ``max_upload_bytes``: a county's delegation list is an XLSX of a few MB, a GraphQL
    query is a few KB, and one cap for both would either refuse real lists or let any query
    body grow to megabytes. The caps are told apart by the declared content type; a body
    that declares multipart but is not is refused by the parser, within the larger cap.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_bytes if max_upload_bytes is None else max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if is_multipart(headers):
            cap, limit = self.max_upload_bytes, "upload_size"
        else:
            cap, limit = self.max_bytes, "body_size"
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            await self._refuse(scope, receive, send, cap, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > cap:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await self._refuse(scope, receive, send, cap, limit)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, cap: int, limit: str
    ) -> None:
        what = "Upload" if limit == "upload_size" else "Request body"
        response = graphql_error(413, "LIMIT_EXCEEDED", f"{what} over {cap} bytes.", limit=limit)
        await response(scope, receive, send)


class _TooLargeError(Exception):
    pass
