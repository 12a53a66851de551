"""``reformgraph load`` in its own process, when it cannot reach or lock its engine: one line
saying what, why and what to do, exit 1, nothing written; and, when it loads, its counts per
file with the context folder's apart.

Real processes throughout: the command runs as a subprocess; the engine it cannot reach is a
port nothing listens on; the folder it cannot lock is held by a local engine this test runs;
the write lock it cannot take is held by another writer on the real engine (FalkorDB's lock
key, a Neo4j transaction that has locked the graph's version node and not committed)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from neo4j import AsyncGraphDatabase

from graph_loaders.dataset import SECTIONS
from graph_loaders.dataset_reader import read_dataset_files
from graph_store import GraphStore
from graph_store.base import GRAPH_META_ID
from graph_store.falkordb_store import WRITE_LOCK, FalkorDBStore
from graph_store.local_engine import LocalEngine, free_port
from graph_store.neo4j_store import Neo4jStore
from tests.conftest import REPO_ROOT, GraphTarget
from tests.datasets import FIXTURES

pytestmark = pytest.mark.anyio
MINI = FIXTURES / "mini.yaml"
CORPUS = REPO_ROOT / "data" / "corpus"


def _load(
    env: dict[str, str], *args: str, timeout_s: float = 120
) -> subprocess.CompletedProcess[str]:
    """``reformgraph load`` as a user runs it, in the repository, with ``env`` over a clean
    environment (no engine named unless ``env`` names it)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "REFORMGRAPH_"))}
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "load", "--corpus", str(CORPUS), *args],
        env={**base, **env},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The failure as the user reads it: exit 1, no traceback, one ``Error:`` line, last."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == errors[0]
    assert "loaded" not in result.stdout.replace("not loaded", "")
    return errors[0]


def _target_env(target: GraphTarget) -> dict[str, str]:
    """The environment that points ``reformgraph load`` at the test's graph."""
    s = target.settings
    if target.engine == "neo4j":
        assert s.neo4j_uri is not None
        return {
            "NEO4J_URI": s.neo4j_uri,
            "NEO4J_USER": s.neo4j_user,
            "NEO4J_PASSWORD": s.neo4j_password.get_secret_value(),
        }
    return {
        "REFORMGRAPH_FALKORDB_PORT": str(s.falkordb_port),
        "REFORMGRAPH_GRAPH_NAME": s.graph_name,
    }


@pytest.mark.parametrize("engine", ["falkordb", "neo4j"])
def test_an_engine_that_cannot_be_reached_is_one_line(engine: str) -> None:
    port = free_port()  # nothing listens there
    env = (
        {"REFORMGRAPH_FALKORDB_PORT": str(port)}
        if engine == "falkordb"
        else {
            "NEO4J_URI": f"bolt://127.0.0.1:{port}",
            "NEO4J_PASSWORD": "unused",
            "REFORMGRAPH_NEO4J_CONNECT_ATTEMPTS": "1",
        }
    )
    line = _one_error_line(_load(env, "--no-context", str(MINI)))
    named = f"FalkorDB at 127.0.0.1:{port}" if engine == "falkordb" else f"bolt://127.0.0.1:{port}"
    assert line.startswith(
        f"Error: not loaded: cannot reach {'Neo4j at ' if engine == 'neo4j' else ''}{named}"
    )
    assert "nothing was written" in line
    assert ("NEO4J_URI" if engine == "neo4j" else "REFORMGRAPH_FALKORDB_PORT") in line


def test_a_local_engine_folder_in_use_is_one_line(tmp_path: Path) -> None:
    """As when ``reformgraph serve`` runs on the folder: its engine holds the folder's lock."""
    folder = tmp_path / "engine"
    serving = LocalEngine(folder)
    serving.start()
    try:
        result = _load({"REFORMGRAPH_DATA_DIR": str(folder)}, "--no-context", str(MINI))
    finally:
        serving.stop()
    line = _one_error_line(result)
    assert f"the local graph engine in {folder} could not start" in line
    assert "another reformgraph process is using" in line
    assert "stop it" in line
    # once the folder is free the same command loads
    loaded = _load({"REFORMGRAPH_DATA_DIR": str(folder)}, "--no-context", str(MINI))
    assert loaded.returncode == 0, loaded.stderr


@pytest.fixture
async def held(graph_target: GraphTarget, store: GraphStore) -> AsyncIterator[GraphStore]:
    """The test's graph with its write lock held by another writer until the test ends."""
    if isinstance(store, FalkorDBStore):
        # what another writer's lock is: the key set with a token and a time to live
        assert await store.execute_command("SET", WRITE_LOCK, "another-writer", "PX", 60_000, "NX")
        try:
            yield store
        finally:
            await store.execute_command("DEL", WRITE_LOCK)
        return
    assert isinstance(store, Neo4jStore)
    s = graph_target.settings
    assert s.neo4j_uri is not None
    driver = AsyncGraphDatabase.driver(
        s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value())
    )
    session = driver.session(database=s.neo4j_database)
    tx = await session.begin_transaction()
    try:
        # the statement that ends every write: it write-locks the graph's version node
        advance = store.registry.get("graph_meta_advance")
        await (await tx.run(advance.text, {"meta": GRAPH_META_ID, "expected": None})).consume()
        yield store
    finally:
        await tx.rollback()
        await session.close()
        await driver.close()


async def test_a_write_lock_held_by_another_writer_is_one_line(
    graph_target: GraphTarget, held: GraphStore
) -> None:
    env = {
        **_target_env(graph_target),
        "REFORMGRAPH_WRITE_LOCK_WAIT_S": "1",
        "REFORMGRAPH_IMPORT_TIMEOUT_S": "3",
    }
    result = await asyncio.to_thread(_load, env, "--no-context", str(MINI))
    line = _one_error_line(result)
    assert "nothing was written" in line
    if graph_target.engine == "falkordb":
        assert "another write held the graph's write lock" in line
        assert "REFORMGRAPH_WRITE_LOCK_WAIT_S=1 s" in line
    else:
        assert "stopped the import at its timeout (REFORMGRAPH_IMPORT_TIMEOUT_S=3 s)" in line
    assert "run it again" in line
    [counts] = await held.read("graph_counts")
    assert counts["nodes"] == 0  # the lock's holder wrote nothing either: the graph is empty


def test_a_load_counts_each_file_and_the_context_folder_apart(
    graph_target: GraphTarget, tmp_path: Path
) -> None:
    """The counts are the files' own (read from them here), not the context folder's."""
    context = tmp_path / "context"
    context.mkdir()
    every = FIXTURES / "every_section.yaml"
    (context / "every_section.yaml").write_text(every.read_text(encoding="utf-8"), encoding="utf-8")
    dataset, problems = read_dataset_files([MINI])
    assert problems == []
    result = _load(_target_env(graph_target), "--context", str(context), str(MINI))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    mini = next(line for line in lines if line.startswith(f"{MINI}: "))
    shown = {
        name: int(count.replace(",", ""))
        for name, count in (part.rsplit(" ", 1) for part in mini.split(": ", 1)[1].split(", "))
    }
    expected = {
        section.replace("_", " "): len(getattr(dataset, section))
        for section in SECTIONS
        if getattr(dataset, section)
    }
    assert shown == expected
    assert any(line.startswith(f"with the context folder {context}: ") for line in lines)
    assert lines[-1].startswith("loaded 1 file(s) in one step: ")
