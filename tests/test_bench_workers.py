"""The workers benchmark's count of lost writes (``bench/workers_bench.py``): its target is 0,
so the check must be able to find a merger the graph does not hold. Two real services on one
graph, on each engine; mergers applied through both in turn, each looked for through the
other service."""

from __future__ import annotations

import asyncio

import pytest

from bench.workers_bench import Serve, Writer, merger_pairs, services
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from tests.conftest import GraphTarget

pytestmark = pytest.mark.anyio


async def _load(target: GraphTarget) -> list[list[str]]:
    """A small synthetic Inner Mongolia in the test's graph; pairs of departments to merge."""
    dataset = generate("inner-mongolia", 1, scale=0.05)
    store = target.open_store()
    try:
        if target.engine == "neo4j":
            await store.write("graph_clear")
        await store.apply_schema()
        await import_dataset(store, dataset)
    finally:
        await store.close()
    return merger_pairs(dataset, avoid_region="")


async def test_every_applied_merger_is_found_and_one_the_graph_lacks_is_lost(
    graph_target: GraphTarget,
) -> None:
    pairs = await _load(graph_target)
    assert len(pairs) >= 3
    spare = pairs.pop(0)  # never merged: the made-up merger below names these bodies
    with services(Serve(graph_target.settings, 1), Serve(graph_target.settings, 1)) as pair:
        ports = [serve.port for serve in pair]
        writer = Writer(pairs)
        await writer.run(ports, asyncio.Event(), limit=2)
        assert writer.refused == []
        assert len(writer.applied) == 2
        assert {merger["through"] for merger in writer.applied} == set(ports)
        assert await writer.lost(ports) == []

        made_up = {**writer.applied[0], "bodies": spare, "through": ports[0]}
        writer.applied.append(made_up)
        lost = await writer.lost(ports)
    assert [entry["merger"] for entry in lost] == [made_up]
    # read through the other service: the bodies still open, still holding their items
    found = lost[0]["found"]["data"]
    assert found["a"]["validTo"] is None
    assert found["a"]["holds"]["totalCount"] > 0
