"""The graph-store port, on every configured engine: plain values, transactions, failures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from cypher.registry import CypherRegistry
from graph_store import (
    BackendUnavailableError,
    GraphStore,
    StatementFailedError,
    trace_statements,
)
from graph_store.base import EngineTypeError
from graph_store.deadline import request_deadline
from graph_store.errors import DeadlineExceededError
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import free_port
from graph_store.neo4j_store import Neo4jStore
from tests.conftest import GraphTarget, with_extra_statements

pytestmark = pytest.mark.anyio

ROOT = {
    "id": "r:root",
    "name": "内蒙古自治区",
    "level": "AUTONOMOUS_REGION",
    "aliases": ["内蒙古"],
    "synthetic": False,
    "sources": ["a.txt"],
    "quotes": ["内蒙古自治区"],
}
CITY = {"id": "r:city", "name": "乌海市", "level": "LEAGUE_CITY", "synthetic": False}
REGIONS = [{"id": ROOT["id"], "props": ROOT}, {"id": CITY["id"], "props": CITY}]
LINK = {"rows": [{"from": "r:city", "to": "r:root", "props": {}}]}


async def _counts(store: GraphStore) -> dict[str, int]:
    return (await store.read("graph_counts"))[0]


async def test_write_then_read_returns_plain_values(store: GraphStore) -> None:
    await store.write("upsert_regions", {"rows": REGIONS})
    await store.write("link_part_of", LINK)
    rows = await store.read("entities_by_ids", {"ids": ["r:city", "r:missing", "r:root"]})
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {"r:city", "r:root"}
    assert isinstance(by_id["r:root"]["props"], dict)  # FalkorDB's client: an OrderedDict
    assert by_id["r:root"]["props"]["aliases"] == ["内蒙古"]
    assert sorted(by_id["r:root"]["labels"]) == ["Entity", "Region"]
    assert await _parent(store, "r:city") == "r:root"
    assert await _parent(store, "r:root") is None


async def _parent(store: GraphStore, region_id: str) -> str | None:
    rows = await store.read("outgoing_by_type", {"ids": [region_id], "type": "PART_OF"})
    return rows[0]["props"]["id"] if rows else None


async def test_a_statement_wrongly_annotated_maps_only_fails_the_suite(
    store: GraphStore, tmp_path: Path
) -> None:
    # the suite checks every row of a `// :maps` statement (tests/conftest.py): one that
    # returns a node, which the store would otherwise pass up as the driver's object, fails
    await store.write("upsert_regions", {"rows": REGIONS})
    probe = with_extra_statements(
        store,
        tmp_path / "cypher",
        node_as_map="// a node, wrongly annotated\n// :maps\nMATCH (n:Region) RETURN n",
        node_props="// its properties\n// :maps\nMATCH (n:Region) RETURN properties(n) AS p",
    )
    try:
        assert GraphStore.check_maps_only
        with pytest.raises(EngineTypeError, match="node_as_map"):
            await probe.read("node_as_map")
        assert len(await probe.read("node_props")) == 2
    finally:
        await probe.close()


async def test_writing_twice_changes_nothing(store: GraphStore) -> None:
    for _ in range(2):
        await store.write("upsert_regions", {"rows": REGIONS})
        await store.write("link_part_of", LINK)
    assert await _counts(store) == {"nodes": 2, "relationships": 1}


async def test_unique_id_constraint_is_applied(store: GraphStore, tmp_path: Path) -> None:
    probe = with_extra_statements(
        store, tmp_path / "cypher", create_region="// test\nCREATE (:Region {id: $id, name: 'x'})"
    )
    try:
        await probe.write("create_region", {"id": "dup"})
        with pytest.raises(StatementFailedError):
            await probe.write("create_region", {"id": "dup"})
    finally:
        await probe.close()
    assert (await _counts(store))["nodes"] == 1


async def test_corrected_parent_moves_the_region(store: GraphStore) -> None:
    other = {"id": "r:other", "props": {"id": "r:other", "name": "x", "level": "LEAGUE_CITY"}}
    await store.write("upsert_regions", {"rows": [*REGIONS, other]})
    await store.write("link_part_of", LINK)
    await store.write("unlink_owned", {"ids": ["r:city"]})
    await store.write("link_part_of", {"rows": [{"from": "r:city", "to": "r:other", "props": {}}]})
    assert await _parent(store, "r:city") == "r:other"
    assert (await _counts(store))["relationships"] == 1


async def test_apply_schema_is_idempotent(store: GraphStore) -> None:
    await store.apply_schema()
    await store.apply_schema()
    assert store.schema_applied


async def test_read_transaction_refuses_a_write(store: GraphStore) -> None:
    with pytest.raises(StatementFailedError):
        await store.read("upsert_regions", {"rows": REGIONS})
    assert (await _counts(store))["nodes"] == 0


async def test_atomic_batch_applies_everything(store: GraphStore) -> None:
    await store.write_atomically(
        [
            ("upsert_regions", {"rows": REGIONS}),
            ("link_part_of", LINK),
        ]
    )
    assert await _counts(store) == {"nodes": 2, "relationships": 1}


async def test_atomic_batch_failing_midway_leaves_the_graph_as_it_was(
    store: GraphStore, tmp_path: Path
) -> None:
    await store.write("upsert_regions", {"rows": REGIONS[:1]})
    before = await store.read("entities_by_ids", {"ids": ["r:root", "r:city"]})
    probe = with_extra_statements(
        store,
        tmp_path / "cypher",
        fail_midway="// test: fails on its second row\n"
        "UNWIND $rows AS row RETURN 1 / row.divisor AS x",
    )
    try:
        changed_root = {"id": "r:root", "props": {**ROOT, "name": "changed"}}
        with pytest.raises(StatementFailedError):
            await probe.write_atomically(
                [
                    ("upsert_regions", {"rows": [changed_root, REGIONS[1]]}),
                    ("link_part_of", LINK),
                    ("fail_midway", {"rows": [{"divisor": 1}, {"divisor": 0}]}),
                ]
            )
    finally:
        await probe.close()
    assert await _counts(store) == {"nodes": 1, "relationships": 0}
    assert await store.read("entities_by_ids", {"ids": ["r:root", "r:city"]}) == before


async def test_statements_are_traced(store: GraphStore) -> None:
    with trace_statements() as trace:
        await store.read("regions_list", {"level": None, "under": None, "limit": 10})
        await store.read("graph_counts")
    assert trace.names == ["regions_list", "graph_counts"]


async def test_unreachable_engine_is_backend_unavailable(graph_target: GraphTarget) -> None:
    if graph_target.engine == "neo4j":
        dead: GraphStore = Neo4jStore(
            CypherRegistry("neo4j"), f"bolt://127.0.0.1:{free_port()}", "neo4j", "x"
        )
    else:
        dead = FalkorDBStore(CypherRegistry("falkordb"), "127.0.0.1", free_port(), "g")
    try:
        with pytest.raises(BackendUnavailableError):
            await dead.ping()
        with pytest.raises(BackendUnavailableError):
            await dead.read("graph_counts")
    finally:
        await dead.close()


async def test_a_statement_past_the_request_deadline_is_stopped_by_the_engine(
    store: GraphStore, tmp_path: Path
) -> None:
    probe = with_extra_statements(
        store,
        tmp_path / "cypher",
        slow="// test: a minute of work\n"
        "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*) AS total",
    )
    try:
        # eight seconds: Neo4j is given the time left less 3 s and notices a transaction past
        # its timeout only every 2 s (db.transaction.monitor.check.interval); with 1 s the
        # client stopped waiting first (BACKEND_UNAVAILABLE)
        with request_deadline(8.0), pytest.raises(DeadlineExceededError):
            await probe.read("slow")  # the engine stops it at its timeout: the time left
        with request_deadline(0.2):
            await asyncio.sleep(0.3)
            with pytest.raises(DeadlineExceededError):  # nothing left: not even sent
                await probe.read("graph_counts")
        assert (await probe.read("graph_counts"))[0]["nodes"] == 0  # no deadline: as usual
    finally:
        await probe.close()
