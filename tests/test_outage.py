"""With the graph stopped, requests fail fast with BACKEND_UNAVAILABLE and /readyz says 503;
when the graph comes back the service recovers by itself, with no restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_store.local_engine import LocalEngine
from tests.conftest import LiveServer, falkordb_settings

pytestmark = pytest.mark.anyio
QUERY = "{ regions { name } }"


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine(tmp_path / "engine")
    engine.start()
    yield engine
    engine.stop()


async def test_graph_down_then_back(own_engine: LocalEngine) -> None:
    # Fail fast: the service's own timeouts are an hour, longer than the test client waits
    # (30 s), so an answer at all means the service did not wait for a timeout or retry
    # until one: a refused connection is answered at once. (No clock is read.)
    settings = falkordb_settings(
        own_engine.host,
        own_engine.port,
        dataset_dir=None,
        graph_name="outage",
        query_timeout_ms=3_600_000,
        connect_timeout_s=3_600.0,
    )
    with LiveServer(settings) as server:
        assert await server.graphql(QUERY) == {"data": {"regions": []}}
        assert (await server.get("/readyz")).status_code == 200

        assert own_engine.process is not None
        own_engine.process.kill()
        own_engine.process.wait()
        body = await server.graphql(QUERY)  # refused connection: answered at once
        assert body == {
            "data": None,
            "errors": [
                {
                    "message": "The graph is unavailable.",
                    "locations": [{"line": 1, "column": 3}],
                    "path": ["regions"],
                    "extensions": {"code": "BACKEND_UNAVAILABLE"},
                }
            ],
        }
        ready = await server.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"

        own_engine.restart()
        assert await server.graphql(QUERY) == {"data": {"regions": []}}
        assert (await server.get("/readyz")).status_code == 200
