"""The peer of the side-by-side benchmark, for real: @neo4j/graphql on Apollo Server started
from ``bench/peer`` against the Neo4j of the run, beside reformgraph's service, on a small
synthetic graph. Every question of the benchmark gets equal answers from both, and a question
asked differently of one side is refused before anything is timed.

Collected only when the run covers Neo4j and Node.js is installed (``tests/conftest.py``);
``npm ci`` runs first if ``bench/peer/node_modules`` is missing (about 20 s and 70 MB from
the npm registry). Nothing here times anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bench.engines import Neo4jEngine
from bench.peer import PeerServer
from bench.peer_bench import GRAPH, check_all
from bench.service import Service
from bench.side_by_side import AnswersDifferError, pick_keys, side_by_side_queries
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store import GraphStore
from server.settings import Settings

pytestmark = pytest.mark.anyio

DATASET = generate("inner-mongolia", seed=1, scale=0.05)


@pytest.fixture(scope="module")
def target() -> Neo4jEngine:
    return Neo4jEngine(Settings(dataset_dir=None))


@pytest.fixture
async def loaded(target: Neo4jEngine) -> AsyncIterator[GraphStore]:
    async with target.open_store(GRAPH) as store:
        await target.clear(store)
        await store.apply_schema()
        await import_dataset(store, DATASET)
        try:
            yield store
        finally:
            await target.clear(store)


async def test_both_services_answer_every_question_the_same(
    target: Neo4jEngine, loaded: GraphStore
) -> None:
    queries = side_by_side_queries(pick_keys(DATASET))
    with (
        Service(target.settings(GRAPH)) as ours,
        PeerServer(target.uri, target.user, target.password, target.database, debug=True) as peer,
    ):
        checked = await check_all(ours.url, peer, loaded, queries)
    assert [c.query.name for c in checked] == [q.name for q in queries]
    by_name = {c.query.name: c for c in checked}
    # the peer answers each question with one statement, which its debug log gives back
    for item in checked:
        assert len(item.peer_cypher) == 1, item.peer_cypher
        assert item.peer_cypher[0].startswith("CYPHER 5\n")
        assert item.ours_statements
    assert "(this:Region)" in by_name["region_tree"].peer_cypher[0]
    assert "CONTAINS $param0" in by_name["name_search"].peer_cypher[0]
    # the chain is the typeDefs' own @cypher, run inside the generated statement
    assert "DELEGATES*1..6" in by_name["delegation_chain"].peer_cypher[0]
    assert by_name["name_search"].ours_statements == ["search_entities"]


async def test_a_question_asked_differently_of_one_side_is_refused(
    target: Neo4jEngine, loaded: GraphStore
) -> None:
    keys = pick_keys(DATASET)
    search = next(q for q in side_by_side_queries(keys) if q.name == "name_search")
    # the peer asked for a shorter text: more bodies match, and the page is not the same
    wider = dataclasses.replace(search, peer=search.peer.replace(keys.text, "执法"))
    with (
        Service(target.settings(GRAPH)) as ours,
        PeerServer(target.uri, target.user, target.password, target.database) as peer,
        pytest.raises(AnswersDifferError, match=r"name_search: the answers differ \(at \$"),
    ):
        await check_all(ours.url, peer, loaded, [wider])


async def test_the_neo4j_plans_the_bench_prints_are_profiles_and_a_lookup_seeks_its_index(
    target: Neo4jEngine, loaded: GraphStore
) -> None:
    keys = pick_keys(DATASET)
    matrix = {"list": keys.power_list, "region": keys.county}
    plans = await target.explain(
        GRAPH,
        [
            ("claim_matrix_of_region", {**matrix, "cells": False, "wholeItems": True}),
            ("delegation_chains", {"items": [keys.item], "town": keys.town}),
            ("entities_by_ids", {"ids": [keys.body]}),
        ],
    )
    assert set(plans) == {"claim_matrix_of_region", "delegation_chains", "entities_by_ids"}
    for name, entry in plans.items():
        assert "db hits" in entry["plan"], name  # a PROFILE: it ran, with rows and db hits
    # a lookup by key is a unique-index seek whatever the graph's size; the analyses'
    # plans are the planner's choice by the graph's statistics (on this small graph a fresh
    # server read the 57 towns of the Region(level) index rather than walk down from the
    # county), so they are checked at the bench's sizes, where the bench flags scans
    ids = plans["entities_by_ids"]
    assert ids["uses_index"] is True, ids["plan"]
    assert ids["scans_label"] is False, ids["plan"]
    assert "NodeUniqueIndexSeek" in ids["plan"]
