"""No acknowledged write is lost or partly undone, on every configured engine: each write
advances the graph's version, a write planned against an older version is refused whole, and
an import replays the mergers recorded through the API instead of undoing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_loaders.importer import import_dataset
from graph_loaders.pipeline import validate
from graph_store import GraphStore
from graph_store.errors import WriteConflictError
from schema import build_schema
from schema.context import GraphContext
from tests.datasets import DATA_DIR, FIXTURES, load_fixture
from tests.snapshot import graph_snapshot

pytestmark = pytest.mark.anyio

TOWN = {"id": "t:new-town", "name": "新镇", "level": "TOWNSHIP", "synthetic": True}
MERGE = """
mutation($bodies: [String!]!, $newName: String) {
  applyMerger(bodies: $bodies, newName: $newName, date: "2021-01", dryRun: false) {
    applied eventKey targetKey
  }
}"""


async def apply_merger(store: GraphStore, bodies: list[str], new_name: str) -> dict[str, Any]:
    """Record a merger through the GraphQL schema, as an editor."""
    context = GraphContext(store, writes_enabled=True, is_editor=True)
    result = await build_schema().execute(
        MERGE, variable_values={"bodies": bodies, "newName": new_name}, context_value=context
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    merger: dict[str, Any] = result.data["applyMerger"]
    assert merger["applied"] is True
    return merger


async def test_every_write_advances_the_graph_version(store: GraphStore) -> None:
    start = (await store.meta()).version  # 0, or 1 on Neo4j: the fixture cleared it (a write)
    await store.write("upsert_regions", {"rows": [{"id": TOWN["id"], "props": TOWN}]})
    assert (await store.meta()).version == start + 1
    version = await store.write_atomically(
        [("upsert_regions", {"rows": [{"id": TOWN["id"], "props": TOWN}]})]
    )
    assert version == start + 2
    assert (await store.meta()).version == start + 2
    assert (await store.read("graph_counts"))[0]["nodes"] == 1  # the record, not GraphMeta


async def test_a_write_planned_against_an_older_version_applies_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    await load_fixture(store, "mini.yaml")
    planned_at = (await store.meta()).version
    await store.write("close_bodies", {"ids": ["t:land"], "date": "2020-01"})  # in between
    before = await graph_snapshot(store, tmp_path)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("upsert_regions", {"rows": [{"id": TOWN["id"], "props": TOWN}]}),
        ("close_bodies", {"ids": ["t:gov"], "date": "2022-01"}),
    ]
    with pytest.raises(WriteConflictError) as refused:
        await store.write_atomically(steps, expected_version=planned_at)
    assert (refused.value.expected, refused.value.found) == (planned_at, planned_at + 1)
    assert await graph_snapshot(store, tmp_path) == before
    assert (await store.meta()).version == planned_at + 1
    assert await store.write_atomically(steps, expected_version=planned_at + 1) == planned_at + 2


async def test_reimporting_the_dataset_keeps_a_recorded_merger(
    store: GraphStore, tmp_path: Path
) -> None:
    await load_fixture(store, "mini.yaml")
    merger = await apply_merger(store, ["t:market", "t:health"], "测试县市场卫健局")
    merged = await graph_snapshot(store, tmp_path)
    # what the merger changed, which the dataset says otherwise (the import would undo it)
    assert merged["t:market"]["props"]["validTo"] == "2021-01"
    assert f"['SUBORDINATE_TO', '{merger['targetKey']}', {{'kind': 'MANAGED_BY'}}]" in (
        merged["t:market-team"]["out"]
    )
    assert not [link for link in merged["t:market"]["out"] if "HOLDS" in link]

    await load_fixture(store, "mini.yaml")
    assert await graph_snapshot(store, tmp_path) == merged

    documented = validate([FIXTURES / "mini.yaml"], DATA_DIR / "corpus")
    await import_dataset(store, documented.dataset)  # the same path `reformgraph load` takes
    assert await graph_snapshot(store, tmp_path) == merged


async def test_mergers_are_replayed_in_the_order_they_were_recorded(
    store: GraphStore, tmp_path: Path
) -> None:
    await load_fixture(store, "mini.yaml")
    first = await apply_merger(store, ["t:market", "t:health"], "测试县市场卫健局")
    second = await apply_merger(store, [first["targetKey"], "t:land"], "测试县大局")
    merged = await graph_snapshot(store, tmp_path)
    seqs = [merged[m["eventKey"]]["props"]["recordedSeq"] for m in (first, second)]
    assert seqs[0] < seqs[1]
    # the team followed both mergers: market -> first target -> second target
    assert f"['SUBORDINATE_TO', '{second['targetKey']}', {{'kind': 'MANAGED_BY'}}]" in (
        merged["t:market-team"]["out"]
    )
    await load_fixture(store, "mini.yaml")
    assert await graph_snapshot(store, tmp_path) == merged
