"""HTTP-level time bounds: a deadline for each request's graph calls, read timeouts for request
headers and bodies, and the uvicorn options that close idle connections.

uvicorn bounds idle keep-alive connections (``timeout_keep_alive``) but neither request headers
nor a request body that arrive slowly, so one slow client could hold a connection (a file
descriptor, a task) for as long as it liked, and a few thousand such clients all of them
(slowloris). The bounds follow Apache's ``mod_reqtimeout``:

* headers (:class:`HeaderTimeoutProtocol`): the request line and headers must all arrive within
  ``http_header_timeout_s`` of the request's first byte, or of the connection's opening for its
  first request; else the connection is closed (with a coded 408 if part of a request came);
* body (:class:`BodyReadTimeout`): each part within ``http_body_timeout_s``, and the whole at
  ``http_body_min_rate`` bytes a second at least once that first timeout has passed; else a
  coded 408.
"""

from __future__ import annotations

import asyncio
import functools
from http import HTTPStatus
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from graph_store.deadline import request_deadline
from server.limits import graphql_error
from server.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What ``reformgraph serve`` (and the tests' live server) give uvicorn besides the app,
    host and port: the keep-alive timeout, the access log (on or off), and the httptools
    protocol with the header timeout and size bound (a ``functools.partial`` of a
    module-level class: uvicorn's worker processes get it pickled)."""
    return {
        "timeout_keep_alive": settings.http_keep_alive_s,
        "access_log": settings.http_access_log,
        "http": functools.partial(
            HeaderTimeoutProtocol, header_timeout_s=settings.http_header_timeout_s
        ),
    }


#: Most bytes a request's line and headers may take: h11's bound in uvicorn (which the service
#: ran on before the httptools parser, which has none of its own). More is answered 431.
MAX_HEADER_BYTES = 16 * 1024


def _coded_answer(status: HTTPStatus, message: str, limit: str) -> bytes:
    """A coded GraphQL error (:func:`graphql_error`'s body) written straight on the wire,
    the connection then closed."""
    body = bytes(graphql_error(status, "LIMIT_EXCEEDED", message, limit=limit).body)
    return (
        f"HTTP/1.1 {status.value} {status.phrase}\r\ncontent-type: application/json\r\n"
        f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n".encode()
        + body
    )


#: The answers to a request whose headers did not all arrive in time, or are too large (the
#: parser has no request to answer yet, so they are written as they go on the wire).
_HEADER_TIMEOUT_RESPONSE = _coded_answer(
    HTTPStatus.REQUEST_TIMEOUT,
    "The request's headers did not arrive in time.",
    "header_read_timeout",
)
_HEADERS_TOO_LARGE_RESPONSE = _coded_answer(
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
    f"The request's line and headers are larger than {MAX_HEADER_BYTES} bytes.",
    "header_size",
)


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (the C parser: about half a millisecond less CPU per
    request than its h11 one on this machine, docs/performance.md) with a bound on the time a
    request's line and headers take to arrive, counted from the connection's opening (its
    first request) or from the first byte of a later request on a kept-alive connection. Idle
    kept-alive connections are left to uvicorn's ``timeout_keep_alive``, which stops at a
    request's first byte: from there, this timer takes over, until the parser has read the
    headers whole."""

    def __init__(self, *args: Any, header_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout_s = header_timeout_s
        self._header_timer: asyncio.TimerHandle | None = None
        self._awaiting_headers = True  # no request's headers are all in yet
        self._partial = False  # part of a request arrived, its headers not all
        self._header_bytes = 0  # bytes of the request's incomplete line and headers so far

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # counted only while the headers are still incomplete after it: a part that ends
        # them (with some of the body, say) is not, so a large body is never taken for them
        if not self._awaiting_headers:
            self._header_bytes = 0
            return
        self._header_bytes += len(data)
        if self._header_bytes > MAX_HEADER_BYTES and not self.transport.is_closing():
            self._refuse(_HEADERS_TOO_LARGE_RESPONSE)

    def on_message_begin(self) -> None:  # the parser has the request's first byte
        super().on_message_begin()
        self._awaiting_headers = self._partial = True
        if self._header_timer is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = self._partial = False
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self.header_timeout_s > 0:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._timed_out)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _timed_out(self) -> None:
        self._header_timer = None
        if not self._awaiting_headers or self.transport.is_closing():
            return
        self._refuse(_HEADER_TIMEOUT_RESPONSE if self._partial else b"")

    def _refuse(self, answer: bytes) -> None:
        """Answer ``answer`` (if any) and close: the request goes no further."""
        self._disarm()
        if answer:
            self.transport.write(answer)
        self.transport.close()


class RequestDeadline:
    """Open the per-request deadline (:mod:`graph_store.deadline`) around every HTTP request:
    its graph calls answer within ``seconds`` of the request having
    arrived, its body included (a slow upload, bounded by :class:`BodyReadTimeout`, does not
    eat into the graph's time)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with request_deadline(self.seconds) as deadline:
            if deadline is None:
                await self.app(scope, receive, send)
                return
            arrived = False

            async def receive_then_start() -> Message:
                nonlocal arrived
                message = await receive()
                if not arrived and not message.get("more_body"):
                    arrived = True
                    deadline.restart()
                return message

            await self.app(scope, receive_then_start, send)


class BodyReadTimeout:
    """Answer 408 (``LIMIT_EXCEEDED``, ``limit: body_read_timeout``) when a part of the request
    body does not arrive within ``seconds`` of asking for it, or the body arrives slower than
    ``min_rate`` bytes a second on average once ``seconds`` have passed (a body sent a byte
    every few seconds met the first bound forever)."""

    def __init__(self, app: ASGIApp, seconds: float, min_rate: float = 0) -> None:
        self.app = app
        self.seconds = seconds
        self.min_rate = min_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        body_done = False
        loop = asyncio.get_running_loop()
        began = loop.time()
        received = 0

        def wait_s() -> float:
            """How long the next part may take: the per-part timeout, or less when the
            body would otherwise fall under its minimum rate."""
            if self.min_rate <= 0:
                return self.seconds
            allowed_until = began + self.seconds + received / self.min_rate
            return min(self.seconds, allowed_until - loop.time())

        async def bounded_receive() -> Message:
            nonlocal body_done, received
            if body_done:  # later calls wait for the client to go away: not bounded
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, wait_s()))
            except TimeoutError:
                raise _BodyTimeoutError from None
            received += len(message.get("body", b""))
            body_done = message["type"] != "http.request" or not message.get("more_body")
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except _BodyTimeoutError:
            if started:  # nothing sensible left to say on this connection
                return
            response = graphql_error(
                408,
                "LIMIT_EXCEEDED",
                f"The request body did not arrive within {self.seconds:g} s.",
                limit="body_read_timeout",
            )
            response.headers["connection"] = "close"
            await response(scope, receive, send)


class _BodyTimeoutError(Exception):
    pass
