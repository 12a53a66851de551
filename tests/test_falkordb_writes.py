"""FalkorDB's side of write serialisation, on the local engine: the write lock other processes
see, and staging copies left by writers that died (removed at start-up)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from cypher.registry import CypherRegistry
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store.errors import WriteBusyError
from graph_store.falkordb_store import WRITE_LOCK, FalkorDBStore
from graph_store.local_engine import LocalEngine
from schema.auth import hash_key
from tests.conftest import LiveServer, falkordb_settings
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio

TOWN = {"id": "t:new-town", "name": "新镇", "level": "TOWNSHIP", "synthetic": True}
KEY = "test-editor-key-0123456789-abcdefgh"


@pytest.fixture
async def falkordb(local_engine: LocalEngine) -> AsyncIterator[FalkorDBStore]:
    """A store on a fresh graph of the session's engine, with a short wait for the lock."""
    store = FalkorDBStore(
        CypherRegistry("falkordb"),
        local_engine.host,
        local_engine.port,
        f"test-{uuid.uuid4().hex[:12]}",
        lock_wait_s=0.3,
    )
    await store.apply_schema()
    try:
        yield store
    finally:
        keys = await store.execute_command("KEYS", f"{store.graph_name}*")
        if keys:
            await store.execute_command("DEL", *keys)
        await store.close()


async def _towns(store: FalkorDBStore) -> list[str]:
    return [row["id"] for row in await store.read("entities_by_ids", {"ids": [TOWN["id"]]})]


async def test_a_write_while_another_process_holds_the_lock_is_refused_busy(
    falkordb: FalkorDBStore,
) -> None:
    # another process's lock, as redis-py's Lock sets it: a token with a time to live
    await falkordb.execute_command("SET", falkordb.lock_name, "another-writer", "PX", 10_000)
    steps = [("upsert_regions", {"rows": [{"id": TOWN["id"], "props": TOWN}]})]
    with pytest.raises(WriteBusyError):
        await falkordb.write_atomically(steps)
    with pytest.raises(WriteBusyError):
        await falkordb.write("upsert_regions", steps[0][1])
    assert await _towns(falkordb) == []
    assert await falkordb.execute_command("GET", falkordb.lock_name) == "another-writer"

    await falkordb.execute_command("DEL", falkordb.lock_name)  # the other writer is done
    await falkordb.write_atomically(steps)
    assert await _towns(falkordb) == ["t:new-town"]
    assert await falkordb.execute_command("EXISTS", falkordb.lock_name) == 0  # released


async def test_a_merger_while_the_graph_is_locked_answers_busy(
    falkordb: FalkorDBStore, local_engine: LocalEngine
) -> None:
    await load_fixture(falkordb, "mini.yaml")
    settings = falkordb_settings(
        local_engine.host,
        local_engine.port,
        graph_name=falkordb.graph_name,
        dataset_dir=None,
        api_key_hashes=hash_key(KEY),
        write_lock_wait_s=0.5,
    )
    await falkordb.execute_command("SET", falkordb.lock_name, "an-import", "PX", 30_000)
    with LiveServer(settings) as server:
        body = await server.graphql(
            'mutation { applyMerger(bodies: ["t:market", "t:health"], newName: "合并局", '
            'date: "2021-01", dryRun: false) { applied } }',
            token=KEY,
        )
    assert body["errors"][0]["extensions"]["code"] == "BUSY"
    assert body["data"] is None
    rows = await falkordb.read("entities_by_ids", {"ids": ["t:market"]})
    assert "validTo" not in rows[0]["props"]


async def test_an_import_and_a_closed_store_leave_no_connection_open(
    falkordb: FalkorDBStore, local_engine: LocalEngine
) -> None:
    """Each import opens a connection of its own (the staging writer's); a service that
    imports all day must not leave them open on the engine, and a store that closes must close
    its pool's. (redis-py's client did neither for a pool it was given.)"""
    async with Redis(host=local_engine.host, port=local_engine.port) as admin:

        async def open_connections() -> list[dict[str, str]]:
            return list(await admin.client_list())

        def staging_writers(connections: list[dict[str, str]]) -> set[str]:
            names = {c.get("name", "") for c in connections}
            return {name for name in names if name.startswith("reformgraph-staging-")}

        before = staging_writers(await open_connections())
        await load_fixture(falkordb, "mini.yaml")
        await load_fixture(falkordb, "mini.yaml")
        assert staging_writers(await open_connections()) - before == set()

        used = int(await falkordb.execute_command("CLIENT", "ID"))  # one of the store's pool
        await falkordb.close()
        deadline = time.monotonic() + 5
        while used in [int(c["id"]) for c in await open_connections()]:
            assert time.monotonic() < deadline, "the closed store's connection is still open"
            await asyncio.sleep(0.05)


async def test_staging_copies_of_dead_writers_are_removed_and_live_ones_kept(
    falkordb: FalkorDBStore, local_engine: LocalEngine
) -> None:
    await load_fixture(falkordb, "mini.yaml")

    async def writer(staging_id: str) -> Redis:
        """A connection named as a staging writer's, which copies the graph to its key."""
        client = Redis(
            host=local_engine.host,
            port=local_engine.port,
            client_name=f"reformgraph-staging-{staging_id}",
            decode_responses=True,
        )
        await client.execute_command(  # type: ignore[no-untyped-call]
            "GRAPH.COPY", falkordb.graph_name, f"{falkordb.graph_name}:staging:{staging_id}"
        )
        return client

    dead, alive = uuid.uuid4().hex, uuid.uuid4().hex
    await (await writer(dead)).aclose()  # its process died: the connection is gone
    live_writer = await writer(alive)
    try:
        assert await falkordb.clean_up_interrupted_writes() == 1
        keys = await falkordb.execute_command("KEYS", f"{falkordb.graph_name}:staging:*")
        assert keys == [f"{falkordb.graph_name}:staging:{alive}"]
    finally:
        await live_writer.aclose()
    assert await falkordb.clean_up_interrupted_writes() == 1
    assert await falkordb.execute_command("KEYS", f"{falkordb.graph_name}:staging:*") == []


def test_an_import_killed_midway_leaves_no_staging_copy_after_start_up(
    local_engine: LocalEngine,
) -> None:
    graph = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "REFORMGRAPH_FALKORDB_PORT": str(local_engine.port),
        "REFORMGRAPH_GRAPH_NAME": graph,
    }
    env.pop("NEO4J_URI", None)
    probe = redis.Redis(host=local_engine.host, port=local_engine.port, decode_responses=True)
    loader = subprocess.Popen(  # imports a generated sample (seconds), unvalidated
        [sys.executable, "-m", "server.cli", "generate", "--scale", "0.3", "--load"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        staging: list[str] = []
        while not staging and loader.poll() is None:  # until its staged copy exists
            staging = probe.keys(f"{graph}:staging:*")  # type: ignore[assignment]
            time.sleep(0.01)
        loader.send_signal(signal.SIGKILL)  # no clean-up can run
        loader.wait()
        assert staging, "the loader finished before its staging copy was seen"
        assert probe.keys(f"{graph}:staging:*") == staging  # left behind

        settings = falkordb_settings(
            local_engine.host,
            local_engine.port,
            graph_name=graph,
            dataset_dir=None,
        )
        with LiveServer(settings):
            assert probe.keys(f"{graph}:staging:*") == []  # removed at start-up
    finally:
        if loader.poll() is None:
            loader.kill()
        keys = probe.keys(f"{graph}*")
        if keys:
            probe.delete(*keys)
        probe.close()


async def test_staged_writes_to_two_graphs_of_one_engine_never_overlap_a_copy(
    tmp_path: Path,
) -> None:
    """FalkorDB 4.16.3 deadlocks for good when a ``GRAPH.COPY`` runs while another graph of
    the server is being written (cypher/COMPAT.md). Two stores, each on its own graph of one
    engine, each importing again and again (every import copies its graph, then writes the
    copy): the engine-wide write lock keeps every copy apart from every write, so all of
    them finish and the engine still answers. Without the lock this hung within a few
    rounds; it runs on an engine of its own so that a regression cannot hang the others."""
    engine = LocalEngine(tmp_path / "engine")
    engine.start()
    stores = [
        FalkorDBStore(CypherRegistry("falkordb"), engine.host, engine.port, name)
        for name in ("graph-a", "graph-b")
    ]
    try:
        for store in stores:
            await store.apply_schema()
        dataset = generate("inner-mongolia", 1, scale=0.02)

        async def imports(store: FalkorDBStore) -> int:
            for _ in range(6):
                await import_dataset(store, dataset)
            return (await store.meta()).version

        versions = await asyncio.wait_for(
            asyncio.gather(*(imports(store) for store in stores)), timeout=180
        )
        assert versions == [6, 6]
        assert await stores[0].execute_command("PING") is True
    finally:
        for store in stores:
            await store.close()
        engine.stop()


@pytest.fixture
async def copied_engine(tmp_path: Path) -> AsyncIterator[tuple[LocalEngine, FalkorDBStore]]:
    """An engine of its own (a regression hangs only it) with a graph big enough that a copy
    takes a while, and a store on it."""
    engine = LocalEngine(tmp_path / "engine")
    engine.start()
    store = FalkorDBStore(CypherRegistry("falkordb"), engine.host, engine.port, "graph-a")
    try:
        await store.apply_schema()
        await import_dataset(store, generate("inner-mongolia", 1, scale=0.05))
        yield engine, store
    finally:
        await store.close()
        engine.stop()


async def test_a_copy_waits_for_a_rewrite_of_the_engines_log(
    copied_engine: tuple[LocalEngine, FalkorDBStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """FalkorDB 4.16.3 hangs for good when a ``GRAPH.COPY`` forks while redis rewrites its
    append-only file (found as a full test run stuck at about 30%: the engine's automatic
    rewrite had started during a merger's copy; cypher/COMPAT.md). A rewrite started by hand
    before every staged write, and one started by the store after every write (its size
    threshold lowered to nothing): every write still lands and the engine still answers."""
    engine, store = copied_engine
    monkeypatch.setattr("graph_store.falkordb_store._LOG_REWRITE_MIN_BYTES", 0)
    before = (await store.meta()).version
    admin = redis.Redis(host=engine.host, port=engine.port, socket_timeout=30)

    async def writes() -> int:
        for _ in range(4):
            with contextlib.suppress(redis.ResponseError):  # "already in progress"
                admin.bgrewriteaof()
            await store.write_atomically([])
        return (await store.meta()).version

    assert await asyncio.wait_for(writes(), timeout=120) == before + 4
    assert admin.ping() is True


async def test_the_store_turns_the_engines_own_log_rewrites_off(
    falkordb: FalkorDBStore,
) -> None:
    """A rewrite the engine starts by itself can fall during a copy (see above): the store
    turns them off when it starts, and rewrites the file itself between writes."""
    client = falkordb._redis()
    await client.config_set("auto-aof-rewrite-percentage", "100")
    await falkordb.apply_schema()
    setting = await client.config_get("auto-aof-rewrite-percentage")
    assert setting["auto-aof-rewrite-percentage"] == "0"


async def test_a_write_whose_caller_stops_waiting_mid_copy_keeps_the_lock_to_its_end(
    copied_engine: tuple[LocalEngine, FalkorDBStore],
) -> None:
    """A merger's caller that gives up (cancelled, as at a request's deadline or a client
    gone) while the engine copies the graph: the copy goes on in the engine, so the write keeps
    the engine's write lock until the engine has answered, and finishes. Releasing the lock
    at the cancellation let the next writer write during the copy, which crashed FalkorDB
    4.16.3 (signal 11) or hung it. Here the next writer waits for the lock, then writes after
    the first write was swapped in: versions 1 and 2, in that order."""
    engine, store = copied_engine
    other = FalkorDBStore(CypherRegistry("falkordb"), engine.host, engine.port, "graph-a")
    admin = Redis(host=engine.host, port=engine.port, decode_responses=True)
    before = (await store.meta()).version
    try:
        first = asyncio.ensure_future(store.write_atomically([]))
        while not any(c.get("cmd", "").lower() == "graph.copy" for c in await admin.client_list()):
            assert not first.done(), "the copy was over before it could be seen"
            await asyncio.sleep(0.001)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        second = await asyncio.wait_for(other.write_atomically([]), timeout=60)
        assert second == before + 2  # the cancelled write landed first, then this one
        assert await admin.ping() is True
        assert await admin.get(WRITE_LOCK) is None
    finally:
        await other.close()
        await admin.aclose()
