"""The comparison with an earlier commit (``bench/against_commit.py``): a query the two
versions answer differently must be reported and left untimed, never compared on speed, and a
query slower now must be called slower. Two real services on one local engine, each on a graph
of its own, as the bench runs them."""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from bench.against_commit import (
    REPO_ROOT,
    Version,
    compare,
    markdown,
    p50_ratio,
    working_tree_revision,
)
from cypher.registry import CypherRegistry
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio

#: 1 region on the graph with the mini fixture, 0 on the empty one.
SEARCH = '{ search(text: "甲镇", kinds: [REGION], first: 5) { totalCount } }'


async def _prepare(engine: LocalEngine, graph: str, *, fixture: bool) -> None:
    store = FalkorDBStore(CypherRegistry("falkordb"), engine.host, engine.port, graph)
    try:
        await store.apply_schema()
        if fixture:
            await load_fixture(store, "mini.yaml")
    finally:
        await store.close()


async def test_different_answers_are_reported_untimed_and_equal_ones_timed(
    local_engine: LocalEngine,
) -> None:
    await _prepare(local_engine, "against-then", fixture=True)
    await _prepare(local_engine, "against-now", fixture=False)
    version = Version("HEAD", REPO_ROOT, Path(sys.executable))
    with ExitStack() as stack:
        ports = {
            side: stack.enter_context(version.serving(local_engine.port, f"against-{side}"))
            for side in ("then", "now")
        }
        results = await compare(
            ports, {"search": SEARCH, "floor": "{ __typename }"}, rounds=2, requests=3
        )
    assert results["search"] == {"answers_equal": False}
    floor = results["floor"]
    assert floor["answers_equal"] is True
    assert floor["then_p50_ms"] > 0
    assert floor["now_p50_ms"] > 0
    table = markdown(_result({"profile": "mini", "scale": 1.0, "queries": results}))
    assert "| `search` | answers differ | | |" in table


def test_a_query_slower_now_is_called_slower() -> None:
    slower = p50_ratio(then_ms=[1.0, 2.0, 3.0], now_ms=[2.0, 3.0, 4.0])
    assert slower == {
        "then_p50_ms": 2.0,
        "now_p50_ms": 3.0,
        "now_over_then": 1.5,
        "slower": True,
    }
    faster = p50_ratio(then_ms=[4.0, 4.0, 4.0], now_ms=[1.0, 2.0, 3.0])
    assert faster["now_over_then"] == 0.5
    assert faster["slower"] is False
    queries = {"a": {"answers_equal": True, **slower}, "b": {"answers_equal": True, **faster}}
    table = markdown(_result({"profile": "mini", "scale": 1.0, "queries": queries}))
    assert "| `a` | 2.0 | 3.0 | 1.5 |" in table
    assert "| `b` | 4.0 | 2.0 | 0.5 |" in table
    assert "Slower now: a (mini)." in table


def _result(*profiles: dict[str, Any]) -> dict[str, Any]:
    return {
        "then": "old",
        "now": "new",
        "date": "2026-12-02",
        "rounds": 1,
        "requests": 3,
        "profiles": list(profiles),
    }


def test_the_now_side_is_labelled_dirty_when_tracked_files_changed(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q")
    (tmp_path / "service.py").write_text("ANSWER = 1\n")
    git("add", "service.py")
    git("commit", "-q", "-m", "first")
    commit = git("rev-parse", "--short", "HEAD")
    assert working_tree_revision(tmp_path) == commit
    (tmp_path / "results.json").write_text("{}\n")  # untracked: not the service's code
    assert working_tree_revision(tmp_path) == commit
    (tmp_path / "service.py").write_text("ANSWER = 2\n")
    assert working_tree_revision(tmp_path) == f"{commit}-dirty"
