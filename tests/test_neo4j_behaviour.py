"""What only Neo4j does, checked on the real server: the notifications its statements raise by
design stay out of the log. Collected only when the suite runs on Neo4j (``NEO4J_URI``; see
the engines line of the test report)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from graph_store.neo4j_store import Neo4jStore
from tests.conftest import GraphTarget

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
            "claim_matrix_of_region", {"region": "r:none", "list": "l:none", "cells": True}
        )
    notified = [r for r in caplog.records if r.name.startswith("neo4j.notifications")]
    assert notified == []
