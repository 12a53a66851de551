"""The benchmarks' light HTTP client reads the service's answers as httpx does, and counts
every failure the load generator must report: an error answer, a refused connection, a
server that never answers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from bench.http_client import GraphQLClient, failed
from bench.load import Samples, send
from bench.service import Service
from graph_store import GraphStore
from graph_store.local_engine import free_port
from tests.conftest import GraphTarget

QUERY = "{ regions { name } __schema { queryType { name } } }"


@pytest.mark.anyio
async def test_answers_match_httpx_and_a_pool_serves_eight_in_flight(
    graph_target: GraphTarget, store: GraphStore
) -> None:
    with Service(graph_target.settings) as service:
        async with httpx.AsyncClient(base_url=service.url) as reference:
            expected = (await reference.post("/graphql", json={"query": QUERY})).json()
        async with GraphQLClient(service.url) as client:
            status, body = await client.post(QUERY)
            assert (status, json.loads(body)) == (200, expected)
            samples = Samples()
            await send(client, QUERY, 40, 8, samples)
            assert (len(samples.latencies), samples.errors) == (40, 0)
            # each request in flight had a connection; none was opened beyond them
            assert 1 <= len(client._idle) <= 8
            bad = Samples()
            await send(client, "{ regions { nosuchfield } }", 3, 1, bad)
            assert bad.errors == 3


def test_an_error_answer_or_a_status_is_a_failure() -> None:
    assert failed(200, b'{"data":{"regions":[]}}') is False
    assert failed(200, b'{"errors":[{"message":"x"}],"data":null}') is True
    assert failed(503, b"{}") is True
    # the word inside a string is escaped in JSON, so it is not an errors key
    assert failed(200, b'{"data":{"name":"\\"errors\\":"}}') is False


@pytest.mark.anyio
async def test_a_refused_connection_is_counted_not_raised() -> None:
    samples = Samples()
    async with GraphQLClient(f"http://127.0.0.1:{free_port()}") as client:
        await send(client, QUERY, 2, 1, samples)
    assert (len(samples.latencies), samples.errors) == (2, 2)


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A server that accepts connections and never answers."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client goes
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


@pytest.mark.anyio
async def test_a_server_that_never_answers_times_out_and_its_connection_is_dropped(
    silent_server: int,
) -> None:
    samples = Samples()
    async with GraphQLClient(f"http://127.0.0.1:{silent_server}", timeout_s=0.2) as client:
        await send(client, QUERY, 2, 1, samples)
        assert client._idle == []
    assert samples.errors == 2
