"""The Neo4j that ``make bench`` starts is the server as deployed: the settings of
``deploy/neo4j.conf`` (which ``docker-compose.yml`` gives the production server) are on it, so
that the benchmarks measure what production runs.

It starts a Neo4j of its own through the shared server's script (``neo4j-local``), so it is
collected only where that script and Java are (``tests/conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.peer_bench import read_server_settings
from bench.with_neo4j import deployed_settings, shared_neo4j
from cypher.registry import CypherRegistry
from graph_store.neo4j_store import Neo4jStore
from tests.conftest import NEO4J_LOCAL

pytestmark = pytest.mark.anyio


async def test_the_bench_starts_neo4j_with_the_deployed_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_HEAP", "512m")
    monkeypatch.setenv("NEO4J_PAGECACHE", "64m")
    wanted = deployed_settings()
    assert wanted  # the file names at least one setting, or this test checks nothing
    with shared_neo4j(NEO4J_LOCAL, tmp_path / "neo4j") as env:
        store = Neo4jStore(CypherRegistry("neo4j"), env["NEO4J_URI"], "neo4j", "unused")
        try:
            await store.connect(attempts=10, delay_s=1)
            found = await read_server_settings(store)
        finally:
            await store.close()
    assert found == wanted
    # and the server was stopped on the way out
    assert not (tmp_path / "neo4j" / "run" / "neo4j.pid").exists()
