"""A Neo4j transaction over the server's memory limit fails once, clearly, and writes nothing.

Neo4j calls ``MemoryPoolOutOfMemoryError`` transient, so the driver would run the same
transaction again and again with growing pauses (14 minutes for one import, seen with the
national profile). This test starts its own small Neo4j with a transaction memory limit
(``neo4j-local``, the shared server's script: the limit cannot be changed on a running
Community server), so it is collected only where that script and Java are.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import AsyncIterator, Iterator

import pytest

from cypher.registry import CypherRegistry
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store import StatementFailedError
from graph_store.local_engine import free_port
from graph_store.neo4j_store import Neo4jStore
from tests.conftest import NEO4J_LOCAL

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def small_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Neo4j of its own whose transactions may hold 10 MiB at most (the least Neo4j
    accepts); its bolt URI."""
    home = tmp_path_factory.mktemp("neo4j-small")
    env = {"NEO4J_HEAP": "512m", "NEO4J_PAGECACHE": "64m", "NEO4J_TX_MEMORY": "10m"}
    started = subprocess.run(
        [str(NEO4J_LOCAL), "start", str(home), str(free_port())],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(NEO4J_LOCAL), "stop", str(home)], capture_output=True, check=False)


@pytest.fixture
async def store(small_neo4j: str) -> AsyncIterator[Neo4jStore]:
    store = Neo4jStore(CypherRegistry("neo4j"), small_neo4j, "neo4j", "unused")
    await store.connect(attempts=10, delay_s=1)
    await store.apply_schema()
    try:
        yield store
    finally:
        await store.close()


async def test_a_transaction_over_the_memory_limit_fails_once_and_clearly(
    store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    dataset = generate("inner-mongolia", 1, scale=0.05)
    with (
        caplog.at_level(logging.DEBUG, logger="neo4j"),
        pytest.raises(StatementFailedError) as failure,
    ):
        await import_dataset(store, dataset)
    assert "more memory than the server allows" in str(failure.value)
    retried = [r for r in caplog.records if "will be retried" in r.getMessage()]
    assert retried == []
    assert (await store.read("graph_counts"))[0]["nodes"] == 0
