"""With the graph stopped or frozen, requests fail fast with BACKEND_UNAVAILABLE and /readyz
says 503; when the graph comes back the service recovers by itself, with no restart."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
import redis

from cypher.registry import CypherRegistry
from graph_store import GraphStore
from graph_store.base import GRAPH_META_ID
from graph_store.falkordb_store import WRITE_LOCK
from graph_store.local_engine import LocalEngine
from schema.auth import hash_key
from tests.conftest import GraphTarget, LiveServer, falkordb_settings
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio
QUERY = "{ regions { name } }"
KEY = "test-editor-key-0123456789-abcdefgh"
MERGER = """mutation { applyMerger(bodies: ["t:market", "t:health"], target: "t:gov",
  date: "2021-01", dryRun: false) { applied } }"""


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine(tmp_path / "engine")
    engine.start()
    yield engine
    engine.stop()


async def test_graph_down_then_back(own_engine: LocalEngine) -> None:
    # Fail fast: the service's own timeouts are an hour, longer than the test client waits
    # (30 s), so an answer at all means the service did not wait for a timeout or retry
    # until one: a refused connection is answered at once. (No clock is read.)
    settings = falkordb_settings(
        own_engine.host,
        own_engine.port,
        dataset_dir=None,
        graph_name="outage",
        query_timeout_ms=3_600_000,
        connect_timeout_s=3_600.0,
    )
    with LiveServer(settings) as server:
        assert (await server.graphql(QUERY))["data"] == {"regions": []}
        assert (await server.get("/readyz")).status_code == 200

        assert own_engine.process is not None
        own_engine.process.kill()
        own_engine.process.wait()
        body = await server.graphql(QUERY)  # refused connection: answered at once
        assert body.pop("extensions")["cost"]["requested"] > 0
        assert body == {
            "data": None,
            "errors": [
                {
                    "message": "The graph is unavailable.",
                    "locations": [{"line": 1, "column": 3}],
                    "path": ["regions"],
                    "extensions": {"code": "BACKEND_UNAVAILABLE"},
                }
            ],
        }
        ready = await server.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"

        own_engine.restart()
        assert (await server.graphql(QUERY))["data"] == {"regions": []}
        assert (await server.get("/readyz")).status_code == 200


async def test_frozen_graph_answers_within_the_deadline_then_recovers(
    own_engine: LocalEngine,
) -> None:
    settings = falkordb_settings(
        own_engine.host,
        own_engine.port,
        dataset_dir=None,
        graph_name="frozen",
        request_deadline_s=2.0,
        api_key_hashes=hash_key(KEY),
    )
    assert own_engine.process is not None
    pid = own_engine.process.pid
    store = GraphTarget("falkordb", settings).open_store()
    try:
        await load_fixture(store, "mini.yaml")
    finally:
        await store.close()
    with LiveServer(settings) as server:
        regions = await server.graphql(QUERY)
        os.kill(pid, signal.SIGSTOP)  # the engine keeps its connections but answers nothing
        try:
            started = time.monotonic()
            answers = await asyncio.gather(
                *[server.graphql(QUERY) for _ in range(4)],
                server.graphql(MERGER, token=KEY),
            )
            elapsed = time.monotonic() - started
            ready = await server.get("/readyz")
        finally:
            os.kill(pid, signal.SIGCONT)
        for body in answers:
            assert body["data"] is None
            assert body["errors"][0]["extensions"]["code"] == "BACKEND_UNAVAILABLE", body
        # a behavioural bound (the deadline, generous slack), not a benchmark: the
        # engine's socket timeout alone would have held them for 15 s, the old one for 605 s
        assert elapsed < settings.request_deadline_s + 5
        assert ready.status_code == 503

        # resumed: requests succeed again, and writes are not held off by anything the
        # frozen engine was sent (its write lock is released when it resumes)
        assert await server.graphql(QUERY) == regions
        assert (await server.get("/readyz")).status_code == 200
        recovered = await _eventually_applied(server)
        assert recovered["data"]["applyMerger"]["applied"] is True


async def _eventually_applied(server: LiveServer) -> dict[str, Any]:
    """The merger applied once the lock the frozen engine took meanwhile is released (at
    most one lock time to live later)."""
    deadline = time.monotonic() + 30
    while True:
        body = await server.graphql(MERGER, token=KEY)
        code = body.get("errors", [{}])[0].get("extensions", {}).get("code")
        if code != "BUSY" or time.monotonic() > deadline:
            return body
        await asyncio.sleep(0.5)


@contextlib.asynccontextmanager
async def _another_writer(target: GraphTarget) -> AsyncIterator[None]:
    """Another writer holding the graph: on FalkorDB the engine-wide write lock, on Neo4j an
    open transaction that has written the graph's version node (what every write ends with)."""
    s = target.settings
    if target.engine == "falkordb":
        assert s.falkordb_port is not None
        client = redis.Redis(host=s.falkordb_host, port=s.falkordb_port)
        assert client.set(WRITE_LOCK, "another-writer", nx=True, px=60_000)
        try:
            yield
        finally:
            client.delete(WRITE_LOCK)
            client.close()
        return
    assert s.neo4j_uri is not None
    driver = neo4j.AsyncGraphDatabase.driver(
        s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value())
    )
    try:
        async with driver.session() as session:
            tx = await session.begin_transaction()
            try:
                # the statement every write ends with, left uncommitted: its lock is held
                advance = CypherRegistry("neo4j").get("graph_meta_advance").text
                result = await tx.run(advance, meta=GRAPH_META_ID, expected=None)
                await result.consume()
                yield
            finally:
                await tx.rollback()
    finally:
        await driver.close()


async def test_a_merger_held_off_by_another_writer_answers_before_its_deadline(
    store: GraphStore, graph_target: GraphTarget, live_server: Callable[..., LiveServer]
) -> None:
    """Not BACKEND_UNAVAILABLE at the deadline (the engine is fine, it is busy): the engine's
    own refusal comes first. On Neo4j it came up to 2 s late (the transaction monitor's
    interval), past the deadline, until its grace was made larger (make redteam)."""
    await load_fixture(store, "mini.yaml")
    server = live_server(
        request_deadline_s=8.0, write_lock_wait_s=60.0, api_key_hashes=hash_key(KEY)
    )
    before = await store.read("graph_counts")
    async with _another_writer(graph_target):
        held = await server.graphql(MERGER, token=KEY)
    assert held["data"] is None
    assert held["errors"][0]["extensions"]["code"] == "BUSY", held
    assert held["errors"] == [
        {
            "message": "Another write to the graph is in progress; try again.",
            "locations": [{"line": 1, "column": 12}],
            "path": ["applyMerger"],
            "extensions": {"code": "BUSY"},
        }
    ]
    assert await store.read("graph_counts") == before
    applied = await server.graphql(MERGER, token=KEY)
    assert applied["data"]["applyMerger"]["applied"] is True, applied
