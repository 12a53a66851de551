"""A light HTTP/1.1 keep-alive client for the benchmarks' GraphQL requests on loopback.

Not httpx, on purpose: on two cores the load generator competes with the service for CPU,
and what the client spends per request is counted in every latency it reports. Measured
against one service in alternation (docs/performance.md, eleventh round), httpx took the
``{ __typename }`` floor from about 1.0 ms to 2.5 ms and added as much to every other query:
a GraphQL/raw ratio then charged the service with the client's cost. This client writes the
request's bytes and reads a ``Content-Length``-framed answer, a few tens of microseconds; the
raw-driver baselines beside it are the engines' own lean clients.

It speaks only what the service answers (``Content-Length``, no chunked bodies), which is why
it stays in ``bench/``; the peer bench, whose other side is Node's server, keeps httpx for
both sides alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from types import TracebackType
from typing import Any
from urllib.parse import urlparse

_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:\s*(\d+)")


def graphql_request(
    port: int, query: str, variables: dict[str, Any] | None = None, key: str | None = None
) -> bytes:
    """One POST /graphql as bytes, sent as is on a keep-alive connection (with ``key`` as its
    bearer token, when given)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\n{auth}"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection:
    """One keep-alive connection to the service on loopback."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, host: str = "127.0.0.1") -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    @property
    def local_port(self) -> int:
        return int(self.writer.get_extra_info("sockname")[1])

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Send ``request``; the status and body of the answer (``Content-Length`` framed)."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        match = _CONTENT_LENGTH.search(head)
        if match is None:
            raise RuntimeError(f"an answer without Content-Length: {head!r}")
        return status, await self.reader.readexactly(int(match.group(1)))

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


def failed(status: int, body: bytes) -> bool:
    """Not a 200, or a GraphQL ``errors`` key anywhere in the answer (a string holding those
    characters is escaped in JSON, so it cannot match)."""
    return status != 200 or b'"errors":' in body


#: What a request that could not be sent or answered in time raises (its connection is then
#: dropped): ``TimeoutError`` is an ``OSError``.
TRANSPORT_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, RuntimeError)


class GraphQLClient:
    """GraphQL requests to one service at ``url``, each on an idle keep-alive connection (one
    is opened when none is idle): as many connections as requests were ever in flight at once,
    as a client's pool keeps them."""

    def __init__(self, url: str, timeout_s: float = 120) -> None:
        parsed = urlparse(url)
        if parsed.hostname is None or parsed.port is None:
            raise ValueError(f"not a service URL with host and port: {url!r}")
        self.host, self.port = parsed.hostname, parsed.port
        self.timeout_s = timeout_s
        self._idle: list[Connection] = []

    async def post(self, query: str) -> tuple[int, bytes]:
        """The status and body of ``query``'s answer. A connection that fails or takes longer
        than ``timeout_s`` is closed and the error raised (one of :data:`TRANSPORT_ERRORS`)."""
        connection = self._idle.pop() if self._idle else await Connection.open(self.port, self.host)
        try:
            async with asyncio.timeout(self.timeout_s):
                answer = await connection.send(graphql_request(self.port, query))
        except BaseException:
            await connection.close()
            raise
        self._idle.append(connection)
        return answer

    async def aclose(self) -> None:
        while self._idle:
            await self._idle.pop().close()

    async def __aenter__(self) -> GraphQLClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
