"""The one way into the graph (server/runtime.py): what ``open_runtime`` opens it closes, on
success and on failure, stopping the local engine it started; ``prepare`` tidies the graph as
a service must and leaves it as it is for a probe; no other module builds a store; and the
settings it reads are a leaf.

Real engines throughout: the local engine started here, and the test's graph on each engine.
"""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from graph_store.errors import BackendUnavailableError
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine, free_port
from server.runtime import build_store, open_runtime
from server.settings import Settings
from tests.conftest import REPO_ROOT, GraphTarget, falkordb_settings
from tests.datasets import FIXTURES, expected_counts, load_fixture, parsed

pytestmark = pytest.mark.anyio


def _gone(pid: int) -> bool:
    """True when no process ``pid`` runs (a zombie of a reaped child counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status


async def test_what_one_runtime_writes_the_next_one_reads_on_each_engine(
    graph_target: GraphTarget,
) -> None:
    async with open_runtime(graph_target.settings) as runtime:
        assert runtime.store.engine == graph_target.engine
        assert runtime.engine is None  # a configured engine: nothing is started
        if graph_target.engine == "neo4j":
            await runtime.store.write("graph_clear")  # one database, shared by the tests
        await load_fixture(runtime.store, "mini.yaml")
    expected = expected_counts(parsed([FIXTURES / "mini.yaml"]))
    async with open_runtime(graph_target.settings, prepare=False) as again:
        assert (await again.store.read("graph_counts"))[0] == expected
        if isinstance(again.store, FalkorDBStore):
            await again.store.execute_command("DEL", again.store.graph_name)


async def test_the_local_engine_it_starts_stops_when_the_block_ends(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, neo4j_uri=None, falkordb_port=None, dataset_dir=None)
    async with open_runtime(settings) as runtime:
        assert runtime.engine is not None
        process = runtime.engine.process
        assert process is not None
        pid = process.pid
        assert not _gone(pid)
        assert (await runtime.store.read("graph_counts"))[0]["nodes"] == 0
    assert _gone(pid)
    assert not (tmp_path / "engine.pid").exists()


async def test_a_failure_inside_the_block_still_stops_the_engine(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, neo4j_uri=None, falkordb_port=None, dataset_dir=None)
    pids: list[int] = []

    async def fail_inside() -> None:
        async with open_runtime(settings) as runtime:
            assert runtime.engine is not None
            assert runtime.engine.process is not None
            pids.append(runtime.engine.process.pid)
            raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError, match="the caller failed"):
        await fail_inside()
    assert len(pids) == 1
    assert _gone(pids[0])
    # the folder is free again: another runtime can take it
    async with open_runtime(settings) as again:
        assert again.engine is not None


async def test_an_unreachable_neo4j_fails_after_its_attempts_and_leaves_nothing_open() -> None:
    settings = Settings(
        neo4j_uri=f"bolt://127.0.0.1:{free_port()}",
        neo4j_connect_attempts=1,
        dataset_dir=None,
    )
    with pytest.raises(BackendUnavailableError, match="after 1 attempts"):
        async with open_runtime(settings):
            pytest.fail("the block must not run without a graph")


async def test_prepare_removes_interrupted_writes_and_a_probe_leaves_them(
    local_engine: LocalEngine,
) -> None:
    graph = f"test-{uuid.uuid4().hex[:12]}"
    settings = falkordb_settings(local_engine.host, local_engine.port, graph_name=graph)
    staging = f"{graph}:staging:{uuid.uuid4().hex}"
    async with open_runtime(settings) as runtime:
        await load_fixture(runtime.store, "mini.yaml")
        # a writer that died mid-write: its staging copy stays, its connection is gone
        client = Redis(host=local_engine.host, port=local_engine.port)
        await client.execute_command("GRAPH.COPY", graph, staging)  # type: ignore[no-untyped-call]
        await client.aclose()
    async with open_runtime(settings, prepare=False) as probe:
        assert isinstance(probe.store, FalkorDBStore)
        assert await probe.store.execute_command("KEYS", f"{graph}:staging:*") == [staging]
    async with open_runtime(settings) as service:
        assert isinstance(service.store, FalkorDBStore)
        assert await service.store.execute_command("KEYS", f"{graph}:staging:*") == []
        await service.store.execute_command("DEL", graph)


def test_the_store_is_built_from_the_settings_it_is_given() -> None:
    settings = Settings(
        neo4j_uri=None,
        falkordb_host="127.0.0.2",
        falkordb_port=7000,
        graph_name="g",
        query_timeout_ms=1234,
        import_timeout_s=5,
        write_lock_wait_s=0.5,
    )
    store = build_store(settings)
    assert isinstance(store, FalkorDBStore)
    assert (store.host, store.port, store.graph_name) == ("127.0.0.2", 7000, "g")
    assert (store.query_timeout_ms, store.import_timeout_ms, store.lock_wait_s) == (
        1234,
        5000,
        0.5,
    )


#: The packages whose modules may not build a store themselves, and the one that does.
_PACKAGES = ("server", "schema", "graph_loaders", "bench", "tools", "cypher", "domain")
_FACTORY = Path("server/runtime.py")
_STORES = {"FalkorDBStore", "Neo4jStore"}


def test_no_module_but_the_factory_builds_a_store() -> None:
    builders = []
    for package in _PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT)
            if relative == _FACTORY:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and _called(node) in _STORES:
                    builders.append(f"{relative}:{node.lineno}")
    assert builders == []
    # the check sees a store being built where there is one
    assert "FalkorDBStore" in {
        _called(node)
        for node in ast.walk(ast.parse((REPO_ROOT / _FACTORY).read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    }


def _called(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return ""


def test_the_settings_import_nothing_from_the_layers_that_use_them() -> None:
    tree = ast.parse((REPO_ROOT / "server" / "settings.py").read_text(encoding="utf-8"))
    ours = {p.name for p in REPO_ROOT.iterdir() if (p / "__init__.py").exists()}
    assert {"server", "schema", "graph_loaders", "graph_store", "domain"} <= ours
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
    assert imported & ours == {"domain"}  # the vocabulary, itself a leaf
    for path in (REPO_ROOT / "domain").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not any(f"from {p}" in source or f"import {p}" in source for p in ours - {"domain"})
