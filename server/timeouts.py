"""HTTP-level time bounds: a deadline for each request's graph calls, a read timeout for request
bodies, and the uvicorn options that close idle connections.

uvicorn bounds idle keep-alive connections (``timeout_keep_alive``) but not a request body
that arrives slowly: :class:`BodyReadTimeout` bounds each ``receive()`` of it and answers 408
with a code, so one slow client cannot hold a connection and a worker's attention for long.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_store.deadline import request_deadline
from server.limits import graphql_error
from server.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What ``reformgraph serve`` (and the tests' live server) give uvicorn besides the app,
    host and port."""
    return {"timeout_keep_alive": settings.http_keep_alive_s}


class RequestDeadline:
    """Open the per-request deadline (:mod:`graph_store.deadline`) around every HTTP request:
    its graph calls answer within ``seconds`` (plus the grace period) of the request having
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
    body does not arrive within ``seconds`` of asking for it."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        body_done = False

        async def bounded_receive() -> Message:
            nonlocal body_done
            if body_done:  # later calls wait for the client to go away: not bounded
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                raise _BodyTimeoutError from None
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
