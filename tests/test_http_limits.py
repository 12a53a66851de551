"""HTTP protections: body size cap, reads closed by configuration, CORS for front-ends."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from graph_store import GraphStore
from schema.auth import hash_key
from tests.conftest import LiveServer

pytestmark = pytest.mark.anyio


async def test_oversized_body_is_refused_with_a_code(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(max_body_bytes=2_000)
    small = await server.graphql("{ regions { name } }")
    assert small == {"data": {"regions": []}}
    async with httpx.AsyncClient(base_url=server.url) as client:
        big = await client.post(
            "/graphql", json={"query": "{ regions { name } }", "padding": "x" * 5_000}
        )
    assert big.status_code == 413
    assert big.json()["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "body_size"}


async def test_reads_can_be_closed_to_key_holders(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(reads_need_key=True, api_key_hashes=hash_key("reader-key"))
    async with httpx.AsyncClient(base_url=server.url) as client:
        refused = await client.post("/graphql", json={"query": "{ regions { name } }"})
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await server.graphql("{ regions { name } }", token="reader-key") == {
        "data": {"regions": []}
    }
    assert (await server.get("/healthz")).status_code == 200  # probes stay open


async def test_cors_allows_configured_origins_only(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(cors_origins="https://explorer.example")
    preflight = {"access-control-request-method": "POST"}
    allowed = await server.get("/graphql", headers={"origin": "https://explorer.example"})
    assert allowed.headers.get("access-control-allow-origin") == "https://explorer.example"
    async with httpx.AsyncClient(base_url=server.url) as client:
        other = await client.options(
            "/graphql", headers={"origin": "https://elsewhere.example", **preflight}
        )
    assert "access-control-allow-origin" not in other.headers
