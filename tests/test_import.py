"""Importing datasets: idempotent, corrected files update in place, and all or nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from graph_loaders.importer import plan_import
from graph_loaders.pipeline import InvalidDatasetError, dataset_files, load, validate
from graph_store import GraphStore, StatementFailedError
from server.cli import main
from tests.conftest import GraphTarget, with_extra_statements
from tests.datasets import DATA_DIR, FIXTURES, expected_counts, load_fixture, parsed

SNAPSHOT = """// test: every node and relationship with all properties
MATCH (n:Entity)
OPTIONAL MATCH (n)-[r]->(m:Entity)
RETURN n.id AS id, properties(n) AS props,
       collect([type(r), m.id, properties(r)]) AS out
ORDER BY id"""


def _normalised(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "out": sorted(str(r) for r in row["out"] if r[0] is not None)} for row in rows]


async def _snapshot(probe: GraphStore) -> list[dict[str, Any]]:
    return _normalised(await probe.read("snapshot"))


@pytest.mark.anyio
async def test_documented_dataset_loads_and_reloading_changes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    files = dataset_files(DATA_DIR)
    plan = await load(store, files, DATA_DIR / "corpus")
    assert plan.row_count > 400
    probe = with_extra_statements(store, tmp_path / "cypher", snapshot=SNAPSHOT)
    try:
        first = await _snapshot(probe)
        await load(store, files, DATA_DIR / "corpus")
        assert await _snapshot(probe) == first
    finally:
        await probe.close()
    # counted from the files themselves, not from the plan the importer made
    assert (await store.read("graph_counts"))[0] == expected_counts(parsed(files))


@pytest.mark.anyio
async def test_corrected_file_updates_in_place(store: GraphStore, tmp_path: Path) -> None:
    await load_fixture(store, "mini.yaml")
    before = (await store.read("graph_counts"))[0]
    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text(encoding="utf-8"))
    for body in data["bodies"]:
        if body["id"] == "t:market":
            body["name"] = "测试县市场监管局（更正）"
            body["region"] = "t:other-county"
    corrected = tmp_path / "mini.yaml"
    corrected.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    await load(store, [corrected], DATA_DIR / "corpus")
    assert (await store.read("graph_counts"))[0] == before
    [row] = await store.read("entities_by_ids", {"ids": ["t:market"]})
    assert row["props"]["name"] == "测试县市场监管局（更正）"
    regions = await store.read("outgoing_by_type", {"ids": ["t:market"], "type": "IN_REGION"})
    assert [r["props"]["id"] for r in regions] == ["t:other-county"]


@pytest.mark.anyio
async def test_a_failure_part_way_leaves_the_graph_exactly_as_it_was(
    store: GraphStore, tmp_path: Path
) -> None:
    await load_fixture(store, "mini.yaml")
    probe = with_extra_statements(
        store,
        tmp_path / "cypher",
        snapshot=SNAPSHOT,
        fail_midway="// test: fails on its second row\n"
        "UNWIND $rows AS row RETURN 1 / row.divisor AS x",
    )
    try:
        before = await _snapshot(probe)
        documented = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
        assert documented.problems == []
        steps = plan_import(documented.dataset).steps()
        middle = len(steps) // 2
        poisoned = [
            *steps[:middle],
            ("fail_midway", {"rows": [{"divisor": 1}, {"divisor": 0}]}),
            *steps[middle:],
        ]
        with pytest.raises(StatementFailedError):
            await probe.write_atomically(poisoned)
        assert await _snapshot(probe) == before
    finally:
        await probe.close()


@pytest.mark.anyio
async def test_invalid_files_are_rejected_whole_and_nothing_is_written(
    store: GraphStore, tmp_path: Path
) -> None:
    await load_fixture(store, "mini.yaml")
    before = (await store.read("graph_counts"))[0]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: reformgraph/v1\nsynthetic: true\nregions:\n"
        "  - {id: 't:new-town', name: 新镇, level: TOWNSHIP, parent: 't:county'}\n"
        "  - {id: 't:bad', name: 坏, level: PLANET}\n"
        "bodies:\n  - {id: 't:x', name: X, kind: GOVERNMENT_DEPARTMENT, region: 't:nowhere'}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidDatasetError) as caught:
        await load(store, [FIXTURES / "mini.yaml", bad], DATA_DIR / "corpus")
    fields = {(p.location, p.field) for p in caught.value.problems}
    assert ("regions[1]", "level") in fields
    assert ("bodies[0]", "region") in fields
    assert (await store.read("graph_counts"))[0] == before
    assert await store.read("entities_by_ids", {"ids": ["t:new-town"]}) == []


def _cli_env(target: GraphTarget) -> dict[str, str]:
    s = target.settings
    if target.engine == "neo4j":
        return {}
    return {
        "REFORMGRAPH_FALKORDB_PORT": str(s.falkordb_port),
        "REFORMGRAPH_GRAPH_NAME": s.graph_name,
        "NEO4J_URI": "",  # this half of the test means FalkorDB, whatever the suite runs on
    }


def _node_count(target: GraphTarget) -> int:
    async def count() -> int:
        store = target.open_store()
        try:
            rows = await store.read("graph_counts")
            return int(rows[0]["nodes"]) if rows else 0  # no graph key yet: empty
        finally:
            await store.close()

    return asyncio.run(count())


def test_cli_validate_and_load(graph_target: GraphTarget, tmp_path: Path) -> None:
    if graph_target.engine == "neo4j":
        asyncio.run(_clear(graph_target))
    runner = CliRunner()
    good = runner.invoke(main, ["validate", "--no-context", str(FIXTURES / "mini.yaml")])
    assert good.exit_code == 0, good.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: reformgraph/v1\nregions:\n  - {id: X, name: x}\n", encoding="utf-8")
    refused = runner.invoke(main, ["validate", "--no-context", str(bad)])
    assert refused.exit_code == 1
    assert "regions[0] (row 3): id:" in refused.output
    assert "regions[0] (row 3): level: required field is missing" in refused.output
    env = _cli_env(graph_target)
    not_loaded = runner.invoke(main, ["load", "--no-context", str(bad)], env=env)
    assert not_loaded.exit_code == 1
    assert "nothing was written" in not_loaded.output
    assert _node_count(graph_target) == 0
    loaded = runner.invoke(main, ["load", "--no-context", str(FIXTURES / "mini.yaml")], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert _node_count(graph_target) > 20
    asyncio.run(_clear(graph_target))


async def _clear(target: GraphTarget) -> None:
    store = target.open_store()
    try:
        await store.write("graph_clear")
    finally:
        await store.close()
