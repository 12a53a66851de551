"""HTTP read and keep-alive timeouts: a client that stops sending its body, or idles on a
keep-alive connection, does not hold the connection (uvicorn alone has no body timeout)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator

import pytest

from graph_store.local_engine import LocalEngine
from tests.conftest import LiveServer, falkordb_settings

pytestmark = pytest.mark.anyio

BODY = json.dumps({"query": "{ regions { name } }"}).encode()


@pytest.fixture
def server(local_engine: LocalEngine) -> Iterator[LiveServer]:
    """The service with one-second HTTP timeouts (only HTTP is under test here)."""
    settings = falkordb_settings(
        local_engine.host,
        local_engine.port,
        graph_name=f"test-{uuid.uuid4().hex[:12]}",
        dataset_dir=None,
        http_body_timeout_s=1.0,
        http_keep_alive_s=1.0,
    )
    with LiveServer(settings) as live:
        yield live


def _request(length: int) -> bytes:
    return (
        b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % length
    )


async def test_a_body_that_stops_halfway_is_answered_408_with_a_code(server: LiveServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(_request(len(BODY)) + BODY[: len(BODY) // 2])  # then nothing more
        await writer.drain()
        started = time.monotonic()
        answer = await asyncio.wait_for(reader.read(), timeout=30)  # until the server closes
        elapsed = time.monotonic() - started
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    error = json.loads(body)["errors"][0]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "body_read_timeout"}
    assert elapsed < 1.0 + 5  # the body timeout, with generous slack: not the 27 s seen


async def test_a_whole_body_is_answered_and_an_idle_connection_closed(server: LiveServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(_request(len(BODY)) + BODY)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=30)
        assert head.startswith(b"HTTP/1.1 200 ")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        assert json.loads(await reader.readexactly(length))["data"] == {"regions": []}
        started = time.monotonic()
        assert await asyncio.wait_for(reader.read(), timeout=30) == b""  # closed by the server
        assert time.monotonic() - started < 1.0 + 5  # the keep-alive timeout, generous slack
    finally:
        writer.close()
