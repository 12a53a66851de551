"""Real processes writing one graph at once: a ``reformgraph load`` and services applying
mergers. Whatever the interleaving, every merger answered ``applied: true`` is in the graph
afterwards, and the load either applied its data too or failed saying why."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

from bench.loader_process import Loader
from domain import RegionLevel
from graph_loaders.dataset import Dataset, Region
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate, write_dataset
from graph_store.local_engine import LocalEngine
from schema.auth import hash_key
from server.settings import Settings
from tests.conftest import GraphTarget, LiveServer, falkordb_settings

pytestmark = pytest.mark.anyio

KEY = "test-editor-key-0123456789-abcdefgh"
MARKER = "syn:region:loaded-marker"
APPLY = """mutation($bodies: [String!]!, $newName: String!) {
  applyMerger(bodies: $bodies, newName: $newName, date: "2021-01", dryRun: false) {
    applied eventKey targetKey
  }
}"""
CHECK = """query($a: String!, $b: String!, $target: String!) {
  a: body(key: $a) { validTo holds { totalCount } }
  b: body(key: $b) { validTo holds { totalCount } }
  target: body(key: $target) { createdBy { key } }
}"""


@dataclass
class Sample:
    """A synthetic dataset in the graph, a file that loads it again plus a marker region, and
    the department pairs of its counties that can merge."""

    reload_file: Path
    pairs: list[list[str]]


def _sample(tmp_path: Path) -> tuple[Dataset, Sample]:
    dataset = generate("inner-mongolia", 1, scale=0.05)
    departments: dict[str, list[str]] = {}
    for body in dataset.bodies:
        if body.kind.value == "GOVERNMENT_DEPARTMENT" and body.superior:
            departments.setdefault(body.superior, []).append(body.id)
    pairs = [ids[i : i + 2] for ids in departments.values() for i in range(0, len(ids) - 1, 2)]
    county = next(r for r in dataset.regions if r.level.value == "BANNER_COUNTY")
    marker = Region(id=MARKER, name="标记镇", level=RegionLevel.TOWNSHIP, parent=county.id)
    reload = dataset.model_copy(update={"regions": [*dataset.regions, marker]})
    return dataset, Sample(write_dataset(reload, tmp_path / "reload.json"), pairs)


def _settings(target: GraphTarget, **overrides: Any) -> Settings:
    """The service's settings on the test's graph; on FalkorDB never Neo4j, whatever the
    environment says."""
    engine = {"neo4j_uri": None} if target.engine == "falkordb" else {}
    return target.settings.model_copy(
        update={**engine, "api_key_hashes": hash_key(KEY), **overrides}
    )


def _loader(target: GraphTarget, file: Path) -> Loader:
    """``reformgraph load`` of ``file`` in its own process on the test's graph."""
    env = dict(os.environ)
    if target.engine == "falkordb":
        env.pop("NEO4J_URI", None)
        env["REFORMGRAPH_FALKORDB_PORT"] = str(target.settings.falkordb_port)
        env["REFORMGRAPH_GRAPH_NAME"] = target.settings.graph_name
    return Loader(env, file)


@pytest.fixture
def loaders() -> Iterator[list[Loader]]:
    started: list[Loader] = []
    yield started
    for loader in started:
        loader.kill()


@dataclass
class Mergers:
    """Mergers applied through services, one pair of departments each."""

    pairs: list[list[str]]
    applied: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def apply(self, server: LiveServer) -> dict[str, Any] | None:
        """Apply the next pair's merger; its result if applied, None if refused (BUSY,
        CONFLICT or DEADLINE_EXCEEDED: not applied, and said so)."""
        bodies = self.pairs.pop()
        name = f"合并局{len(self.pairs)}"
        body = await server.graphql(APPLY, {"bodies": bodies, "newName": name}, token=KEY)
        if "errors" in body:
            code = body["errors"][0]["extensions"]["code"]
            assert code in {"BUSY", "CONFLICT", "DEADLINE_EXCEEDED"}, body
            self.refused.append(code)
            return None
        result: dict[str, Any] = {**body["data"]["applyMerger"], "bodies": bodies}
        assert result["applied"] is True
        self.applied.append(result)
        return result

    async def all_in_graph(self, server: LiveServer) -> None:
        """Every applied merger is in the graph with all it did: bodies closed, their powers
        moved, the new body created by the event."""
        for merger in self.applied:
            a, b = merger["bodies"]
            found = await server.graphql(CHECK, {"a": a, "b": b, "target": merger["targetKey"]})
            assert found["data"] == {
                "a": {"validTo": "2021-01", "holds": {"totalCount": 0}},
                "b": {"validTo": "2021-01", "holds": {"totalCount": 0}},
                "target": {"createdBy": [{"key": merger["eventKey"]}]},
            }, merger


async def _marker_loaded(server: LiveServer) -> bool:
    body = await server.graphql(f'{{ region(key: "{MARKER}") {{ name }} }}')
    if "errors" in body:
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
        return False
    assert body["data"]["region"] == {"name": "标记镇"}
    return True


async def _base(target: GraphTarget, tmp_path: Path) -> Sample:
    dataset, sample = _sample(tmp_path)
    store = target.open_store()
    try:
        if target.engine == "neo4j":
            await store.write("graph_clear")
        await store.apply_schema()
        await import_dataset(store, dataset)
    finally:
        await store.close()
    return sample


async def test_a_load_paused_past_its_lock_takes_the_merger_in_before_the_swap(
    local_engine: LocalEngine, tmp_path: Path, loaders: list[Loader]
) -> None:
    """The reported loss, step by step on FalkorDB: the load copies the graph, a merger is
    acknowledged, the load swaps its copy in. The load holds the write lock from its copy to
    its swap, so a merger can only come in between if the load is paused past the lock's time
    to live: then the merger goes ahead, and the resumed load's swap sees that it lost the
    lock, so it plans again with the merger."""
    target = GraphTarget(
        "falkordb",
        falkordb_settings(
            local_engine.host,
            local_engine.port,
            graph_name=f"test-staged-{os.getpid()}-{time.monotonic_ns()}",
            dataset_dir=None,
        ),
    )
    sample = await _base(target, tmp_path)
    probe = redis.Redis(host=local_engine.host, port=local_engine.port, decode_responses=True)
    graph = target.settings.graph_name
    # the load is paused holding the lock: the merger outwaits its 15 s time to live
    settings = _settings(target, write_lock_wait_s=20.0, request_deadline_s=30.0)
    try:
        with LiveServer(settings) as server:
            loader = _loader(target, sample.reload_file)
            loaders.append(loader)
            assert await loader.wait_planned(), loader.output
            # its copy of the graph exists: it writes its copy, holding the lock
            while not probe.keys(f"{graph}:staging:*"):
                assert loader.process.poll() is None, loader.output
                await asyncio.sleep(0.002)
            loader.process.send_signal(signal.SIGSTOP)  # between its copy and its swap
            try:
                mergers = Mergers(sample.pairs)
                assert await mergers.apply(server) is not None
            finally:
                loader.process.send_signal(signal.SIGCONT)
            assert await loader.finished() == 0, loader.output
            assert "attempt 2 of 3" in loader.output  # it saw the merger and planned again
            assert await _marker_loaded(server)
            await mergers.all_in_graph(server)
    finally:
        keys = probe.keys(f"{graph}*")
        if keys:
            probe.delete(*keys)
        probe.close()


async def test_a_merger_as_a_load_writes_both_survive(
    graph_target: GraphTarget, tmp_path: Path, loaders: list[Loader]
) -> None:
    sample = await _base(graph_target, tmp_path)
    with LiveServer(_settings(graph_target)) as server:
        loader = _loader(graph_target, sample.reload_file)
        loaders.append(loader)
        assert await loader.wait_planned(), loader.output
        mergers = Mergers(sample.pairs)
        await mergers.apply(server)
        code = await loader.finished()
        assert code == 0, loader.output  # one merger: planning again once is enough
        assert await _marker_loaded(server)
        await mergers.all_in_graph(server)
        assert mergers.applied or mergers.refused


async def test_two_services_applying_mergers_while_a_load_runs_lose_none(
    graph_target: GraphTarget, tmp_path: Path, loaders: list[Loader]
) -> None:
    sample = await _base(graph_target, tmp_path)
    settings = _settings(graph_target)
    with LiveServer(settings) as first, LiveServer(settings) as second:
        loader = _loader(graph_target, sample.reload_file)
        loaders.append(loader)
        mergers = Mergers(sample.pairs)
        assert await loader.wait_planned(), loader.output

        async def keep_merging(server: LiveServer) -> None:
            while loader.process.poll() is None and mergers.pairs:
                await mergers.apply(server)
                await asyncio.sleep(0.05)

        await asyncio.gather(keep_merging(first), keep_merging(second))
        code = await loader.finished()
        if code == 0:
            assert await _marker_loaded(first)
        else:  # it kept seeing new mergers: it says so, and imported nothing
            assert "not loaded: writes were acknowledged" in loader.output, loader.output
            assert not await _marker_loaded(first)
        assert mergers.applied
        await mergers.all_in_graph(first)
        await mergers.all_in_graph(second)
