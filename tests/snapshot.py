"""The whole graph as comparable data: every record node with all its properties and its
outgoing relationships (type, other end, properties), for tests that assert "the same state"."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from graph_store import GraphStore
from tests.conftest import with_extra_statements

SNAPSHOT = """// test: every node and relationship with all properties
MATCH (n:Entity)
OPTIONAL MATCH (n)-[r]->(m:Entity)
RETURN n.id AS id, properties(n) AS props,
       collect([type(r), m.id, properties(r)]) AS out
ORDER BY id"""

Snapshot = dict[str, dict[str, Any]]


async def graph_snapshot(store: GraphStore, scratch: Path) -> Snapshot:
    """Every record of the graph of ``store`` by id: ``props`` and the sorted ``out`` links
    (a folder under ``scratch`` holds the test-only statement)."""
    probe = with_extra_statements(store, scratch / uuid.uuid4().hex, snapshot=SNAPSHOT)
    try:
        rows = await probe.read("snapshot")
    finally:
        await probe.close()
    return {
        row["id"]: {
            "props": row["props"],
            "out": sorted(str(link) for link in row["out"] if link[0] is not None),
        }
        for row in rows
    }
