"""What a request made is freed when it ends, not left for the cyclic garbage collector.

A reference cycle through an object that holds the request's state (graphql-core's execution
context, the GraphContext, a DataLoader's owner) keeps everything the request read alive until
the collector's next pass, and those passes, walking all of it, were a tenth of the CPU of a
body with its subordinates' powers (docs/performance.md). Each test runs a query with the
collector off and then asks it what it would have had to free: nothing of the service's own
types (the drivers' internals are not ours to change), and no execution context."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from graphql.execution.executor import Executor

from graph_store import GraphStore
from schema import build_schema
from schema.context import GraphContext
from server.app import YOUNG_GC_THRESHOLD, create_app
from tests.conftest import GraphTarget

pytestmark = pytest.mark.anyio

#: The packages of this service: no object of their types may be cyclic garbage.
OWN_PACKAGES = frozenset({"schema", "graph_store", "graph_loaders", "server", "cypher", "domain"})

NESTED = """{
  search(text: "执法", first: 5) {
    totalCount
    edges { node { ... on Body { key name
      subordinates(first: 5) { edges { node { key name } } }
      holds(first: 3) { totalCount edges { node { key name } } } } } }
  }
  regions(level: LEAGUE_CITY) {
    key name children { key name bodies(first: 2) { edges { node { key } } } }
  }
}"""


@contextmanager
def cyclic_garbage() -> Iterator[list[Any]]:
    """The objects that only the cyclic collector would free, made inside the block."""
    gc.collect()
    gc.disable()
    found: list[Any] = []
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)
        yield found
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _own(garbage: list[Any]) -> set[str]:
    return {
        f"{type(o).__module__}.{type(o).__qualname__}"
        for o in garbage
        if type(o).__module__.split(".")[0] in OWN_PACKAGES or isinstance(o, Executor)
    }


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled reads", "dataloaders"])
async def test_a_request_leaves_no_cycle_of_its_own(
    documented: GraphStore, compiled: bool
) -> None:
    schema = build_schema()
    warm = await schema.execute(NESTED, context_value=GraphContext(store=documented))
    assert not warm.errors, warm.errors
    with cyclic_garbage() as garbage:
        context = GraphContext(store=documented, compile_selections=compiled)
        result = await schema.execute(NESTED, context_value=context)
        assert not result.errors, result.errors
        assert result.data is not None
        assert result.data["search"]["totalCount"] > 0
        assert result.data["search"]["edges"]
        assert result.data["regions"][0]["children"]
        del result, context
    assert _own(garbage) == set()


async def test_the_check_sees_a_cycle_when_there_is_one(documented: GraphStore) -> None:
    """The check above can fail: a context kept in a cycle is reported."""
    with cyclic_garbage() as garbage:
        context = GraphContext(store=documented)
        context.itself = context  # type: ignore[attr-defined]
        del context
    assert "schema.context.GraphContext" in _own(garbage)


async def test_the_service_collects_young_cycles_rarely_and_restores_the_default(
    graph_target: GraphTarget,
) -> None:
    """While the app serves, the collector's youngest generation waits for
    ``YOUNG_GC_THRESHOLD`` new objects (a request leaves no cycle of its own to free); at
    shutdown the process's thresholds are as they were, and nothing stays frozen."""
    before = gc.get_threshold()
    app = create_app(graph_target.settings.model_copy(update={"load_at_start": False}))
    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == (YOUNG_GC_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
