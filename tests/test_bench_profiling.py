"""The benchmark's profile of the service (py-spy): samples attributed to the right layers,
only the service's thread counted, and a clear reason when py-spy cannot sample."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import profiling
from bench.profiling import (
    CLIENT,
    GRAPHQL,
    HTTP,
    IDLE,
    REPO_ROOT,
    RESOLVERS,
    STORE,
    layer_of,
    profile_requests,
    summarise,
)
from tests.conftest import LiveServer

pytestmark = pytest.mark.anyio

SITE = f"{REPO_ROOT}/.venv/lib/python3.11/site-packages"
STDLIB = "/usr/lib/python3.11"


def _record(thread: int, name: str, count: int, *frames: tuple[str, str]) -> str:
    """One line of py-spy's raw output (``--threads``): a thread's stack and its samples."""
    stack = ";".join(f"{function} ({file}:1)" for function, file in frames)
    return f"thread ({thread}): {name};{stack} {count}"


def test_samples_count_in_the_layer_of_their_innermost_known_frame() -> None:
    server = ("run", f"{SITE}/uvicorn/server.py")
    execute = ("execute", f"{SITE}/graphql/execution/executor.py")
    dumps = ("dumps", f"{STDLIB}/json/__init__.py")
    resolver = ("claims", f"{REPO_ROOT}/schema/claims.py")
    store = ("read", f"{REPO_ROOT}/graph_store/base.py")
    parse = ("parse", f"{SITE}/falkordb/asyncio/query_result.py")
    loop = ("run_once", f"{STDLIB}/asyncio/base_events.py")
    select = ("select", f"{STDLIB}/selectors.py")
    raw = "\n".join(
        [
            _record(7, "uvicorn", 3, server, execute, dumps),  # json counts as its caller
            _record(7, "uvicorn", 1, server, execute, resolver),
            _record(7, "uvicorn", 1, server, store),
            _record(7, "uvicorn", 4, server, store, parse),
            _record(7, "uvicorn", 1, server, loop, select),
            # another thread (the load generator): not the service's time
            _record(8, "MainThread", 90, ("post", f"{SITE}/httpx/_client.py")),
        ]
    )
    profile = summarise(raw, thread_id=7, requests=2)
    assert profile.samples == 10
    assert {s.name: s.percent for s in profile.layers} == {
        CLIENT: 40.0,
        GRAPHQL: 30.0,
        RESOLVERS: 10.0,
        STORE: 10.0,
        IDLE: 10.0,
    }
    assert profile.functions[0].name == "parse (falkordb/asyncio/query_result.py:1)"
    assert profile.error is None


def test_a_virtualenv_inside_the_repository_is_libraries_not_our_code() -> None:
    assert layer_of(f"{SITE}/strawberry/schema/schema.py", HTTP) == GRAPHQL
    assert layer_of(f"{REPO_ROOT}/schema/claims.py", HTTP) == RESOLVERS


def test_no_sample_of_the_service_is_reported_not_divided_by_zero() -> None:
    profile = summarise("thread (8): MainThread;post (x.py:1) 5", thread_id=7, requests=0)
    assert profile.samples == 0
    assert profile.error == "no samples of the service's thread"


def _may_trace_this_process() -> bool:
    scope = Path("/proc/sys/kernel/yama/ptrace_scope")
    return os.geteuid() == 0 or not scope.exists() or scope.read_text().strip() == "0"


async def test_the_running_service_is_sampled_by_layer(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server()
    assert server.thread.native_id is not None
    profile = await profile_requests(
        server.url, "{ regions { name parent { name } } }",
        pid=os.getpid(), thread_id=server.thread.native_id, seconds=1, rate=500,
    )  # fmt: skip
    if not _may_trace_this_process():  # py-spy cannot read this process: it says so
        assert profile.samples == 0
        assert profile.error
        return
    assert profile.error is None, profile.error
    assert profile.samples > 100
    assert profile.requests > 0
    layers = {s.name for s in profile.layers}
    assert {GRAPHQL, HTTP} <= layers
    assert sum(s.percent for s in profile.layers) == pytest.approx(100, abs=0.5)


async def test_without_py_spy_the_profile_says_why(
    live_server: Callable[..., LiveServer], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(profiling, "PY_SPY", tmp_path / "py-spy")
    server = live_server()
    assert server.thread.native_id is not None
    profile = await profile_requests(
        server.url, "{ __typename }", pid=os.getpid(), thread_id=server.thread.native_id, seconds=1
    )
    assert profile.samples == 0
    assert profile.error is not None
    assert "py-spy" in profile.error


async def test_a_query_answered_with_errors_is_not_profiled(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server()
    with pytest.raises(RuntimeError, match="nope"):
        await profile_requests(
            server.url, "{ nope }", pid=os.getpid(), thread_id=server.thread.native_id, seconds=1
        )
