"""What only Neo4j does, checked on the real server: the notifications its statements raise by
design stay out of the log; reads open read transactions (a cluster routes them to followers)
and a routing URI (``neo4j://``, as for a cluster or Aura) works. Collected only when the suite
runs on Neo4j (``NEO4J_URI``; see the engines line of the test report)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from cypher.registry import CypherRegistry
from graph_store import StatementFailedError
from graph_store.neo4j_store import Neo4jStore
from tests.conftest import GraphTarget
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio


@pytest.fixture
async def neo4j() -> AsyncIterator[Neo4jStore]:
    """A store on the configured Neo4j, cleared, with the schema applied."""
    store = GraphTarget.neo4j().open_store()
    assert isinstance(store, Neo4jStore)
    await store.write("graph_clear")
    await store.apply_schema()
    try:
        yield store
    finally:
        await store.close()


async def test_expected_notifications_do_not_reach_the_log(
    neo4j: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    # On an empty graph both statements raise notifications by design: unknown property
    # keys (`status` of a claim), and nulls skipped by count() over an OPTIONAL MATCH.
    with caplog.at_level(logging.INFO, logger="neo4j"):
        await neo4j.read(
            "claim_matrix_of_region",
            {"region": "r:none", "list": "l:none", "cells": True, "wholeItems": True},
        )
    notified = [r for r in caplog.records if r.name.startswith("neo4j.notifications")]
    assert notified == []


async def test_applying_the_schema_again_does_not_reach_the_log(
    neo4j: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    # Every start applies the schema; each index and constraint already there answers
    # `00NA0 index or constraint already exists`, by design of `IF NOT EXISTS`.
    with caplog.at_level(logging.INFO, logger="neo4j"):
        await neo4j.apply_schema()
    notified = [r for r in caplog.records if r.name.startswith("neo4j.notifications")]
    assert notified == []


async def _town(store: Neo4jStore) -> list[str]:
    rows = await store.read("entities_by_ids", {"ids": ["t:town-a"]})
    return [row["props"]["name"] for row in rows]


async def test_reads_run_in_read_transactions_which_a_cluster_routes_to_followers(
    neo4j: Neo4jStore,
) -> None:
    """A cluster (or Aura) sends a read transaction to a follower or a read replica and a
    write transaction to the leader: the service's reads must open read transactions. Neo4j
    refuses a write inside a read transaction, so a write statement sent through the read path
    shows which kind that path opens; the same statement through the write path runs."""
    await load_fixture(neo4j, "mini.yaml")
    with pytest.raises(StatementFailedError, match="read access mode"):
        await neo4j.read("graph_clear")
    assert await _town(neo4j) == ["甲镇"]  # nothing was deleted
    await neo4j.write("graph_clear")
    assert await _town(neo4j) == []


async def test_a_routing_uri_reaches_the_graph_as_a_cluster_or_aura_is_reached(
    neo4j: Neo4jStore,
) -> None:
    """``neo4j://`` (``neo4j+s://`` for Aura) makes the driver ask the server for a routing
    table and send each transaction where its access mode belongs; a single server routes to
    itself. An import through such a URI is read back through it and through a direct one."""
    settings = GraphTarget.neo4j().settings
    assert settings.neo4j_uri is not None
    routed = Neo4jStore(
        CypherRegistry("neo4j"),
        "neo4j://" + settings.neo4j_uri.split("://", 1)[1],
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        settings.neo4j_database,
    )
    try:
        await routed.connect(attempts=3)
        await load_fixture(routed, "mini.yaml")
        assert await _town(routed) == ["甲镇"]
        assert await _town(neo4j) == ["甲镇"]
    finally:
        await routed.close()
