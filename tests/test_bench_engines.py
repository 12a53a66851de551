"""The benchmark's engine layer (bench/engines.py): the local engine's raw baselines on a real
FalkorDB, and the Neo4j path as far as it goes without a Neo4j server. Nothing here times
anything: these check that the baselines run the same statements and see the same graph."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from neo4j import exceptions as neo4j_errors

from bench.engines import FalkorDBEngine, Neo4jEngine, _plan_entry, neo4j_plan_text, neo4j_settings
from graph_loaders.importer import plan_import
from graph_loaders.synthetic import generate, write_dataset
from graph_store.local_engine import LocalEngine
from graph_store.search_terms import query_terms
from server.settings import Settings
from tests.datasets import expected_counts, parsed

pytestmark = pytest.mark.anyio


async def test_local_raw_baselines_write_and_read_what_our_store_does(
    local_engine: LocalEngine, tmp_path: Path
) -> None:
    target = FalkorDBEngine(local_engine)
    graph = f"bench-test-{uuid.uuid4().hex[:8]}"
    dataset = generate("inner-mongolia", 1, scale=0.02)
    plan = plan_import(dataset)
    # what the dataset's file gives by the model, not the plan the raw writes replay
    expected = expected_counts(parsed([write_dataset(dataset, tmp_path / "syn.json")]))
    async with target.open_store(graph) as store:
        try:
            await store.apply_schema()
            await asyncio.to_thread(target.raw_writes, graph, plan.steps())
            assert (await store.read("graph_counts"))[0] == expected
            calls = [("graph_counts", {}), ("search_entities", _search("合成"))]
            assert len(await target.raw_reads(graph, calls, repeats=3)) == 3
            plans = await target.explain(graph, calls)
            assert plans["search_entities"]["scans_label"] is False  # the full-text index
            assert set(plans) == {"graph_counts", "search_entities"}
            assert target.engine_rss_mb()
            assert target.engine_peak_rss_mb()
        finally:
            await target.clear(store)


def _search(text: str) -> dict[str, object]:
    return {
        "text": text,
        "code": None,
        "terms": query_terms(text),
        "labels": None,
        "level": None,
        "kind": None,
        "powerType": None,
        "validAt": None,
        "under": None,
        "list": None,
        "limit": 10,
    }


def test_the_local_service_ignores_neo4j_uri(
    local_engine: LocalEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    settings = FalkorDBEngine(local_engine).settings("g", batching=False)
    assert not settings.uses_neo4j
    assert (settings.falkordb_port, settings.graph_name, settings.batching) == (
        local_engine.port,
        "g",
        False,
    )


def test_neo4j_is_benchmarked_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("REFORMGRAPH_NEO4J_URI", raising=False)
    assert neo4j_settings() is None
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    settings = neo4j_settings()
    assert settings is not None
    target = Neo4jEngine(settings)
    service = target.settings("ignored")
    assert service.uses_neo4j
    assert service.neo4j_uri == "neo4j://db.example:7687"
    assert service.neo4j_password.get_secret_value() == "secret"
    assert target.engine_rss_mb() is None  # a remote process: not measured
    with pytest.raises(ValueError, match="NEO4J_URI"):
        Neo4jEngine(Settings(neo4j_uri=None))


def test_neo4j_plans_are_read_for_label_scans() -> None:
    plan = {
        "operatorType": "ProduceResults@neo4j",
        "children": [{"operatorType": "NodeByLabelScan@neo4j", "children": []}],
    }
    text = neo4j_plan_text(plan)
    assert text == "ProduceResults\n    NodeByLabelScan"
    assert _plan_entry(text)["scans_label"] is True
    seek = {"operatorType": "NodeUniqueIndexSeek@neo4j", "children": []}
    assert _plan_entry(neo4j_plan_text(seek))["scans_label"] is False


async def test_neo4j_raw_baseline_runs_the_registry_statements_through_the_driver() -> None:
    """Without a server the driver fails to connect: the code path up to the wire runs."""
    target = Neo4jEngine(Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x"))
    assert target.texts([("graph_counts", {})])[0][0] == target.registry.get("graph_counts").text
    with pytest.raises(neo4j_errors.ServiceUnavailable):
        await target.raw_reads("ignored", [("graph_counts", {})], repeats=1)
    with pytest.raises(neo4j_errors.ServiceUnavailable):
        await asyncio.to_thread(target.raw_writes, "ignored", [("graph_counts", {})])


def test_neo4j_profiles_show_rows_db_hits_and_whole_index_scans() -> None:
    profile = {
        "operatorType": "ProduceResults@neo4j",
        "args": {"Details": "town", "Rows": 11, "DbHits": 0},
        "children": [
            {
                "operatorType": "NodeIndexScan@neo4j",
                "args": {
                    "Details": "RANGE INDEX bureau:Body(kind)",
                    "Rows": 89023,
                    "DbHits": 89034,
                },
                "children": [],
            }
        ],
    }
    text = neo4j_plan_text(profile)
    assert text == (
        "ProduceResults town (rows 11, db hits 0)\n"
        "    NodeIndexScan RANGE INDEX bureau:Body(kind) (rows 89023, db hits 89034)"
    )
    assert _plan_entry(text) == {"plan": text, "scans_label": True, "uses_index": False}
    seek = neo4j_plan_text({"operatorType": "NodeUniqueIndexSeek@neo4j", "children": []})
    assert _plan_entry(seek)["uses_index"] is True
