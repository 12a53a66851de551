"""HTTP protections: body size cap, reads closed by configuration, CORS for front-ends."""

from __future__ import annotations

import json
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
    assert small["data"] == {"regions": []}
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
    opened = await server.graphql("{ regions { name } }", token="reader-key")
    assert opened["data"] == {"regions": []}
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


# Every refusal has a code: what a hostile client sent (issue 14) -------------------------

MALFORMED_BODIES = {
    "JSON nested 1,000 deep": b'{"query": ' + b"[" * 1_000 + b"]" * 1_000 + b"}",
    "null": b"null",
    "a number": b"42",
    "a string": b'"{ regions { name } }"',
    "true": b"true",
    "invalid UTF-8": b'{"query": "{ regions { name } }", "variables": {"k": "\xff\xfe"}}',
    "not JSON": b"{ regions { name } }",
    "empty": b"",
    "no query": b'{"variables": {}}',
    "a batch": b'[{"query": "{ regions { name } }"}]',
    "query not a string": b'{"query": 42}',
    "variables not an object": b'{"query": "{ regions { name } }", "variables": [1]}',
    "operationName not a string": b'{"query": "{ regions { name } }", "operationName": [null]}',
    # echoed in "Unknown operation named …": the refusal could not be encoded (a 500; found
    # by the red team's fuzzing, bench/redteam.py)
    "operationName an unpaired surrogate": b'{"query": "query A { __typename }", '
    b'"operationName": "\\ud800"}',
}


@pytest.mark.parametrize("name", sorted(MALFORMED_BODIES))
async def test_malformed_bodies_are_bad_input(
    store: GraphStore, live_server: Callable[..., LiveServer], name: str
) -> None:
    server = live_server()
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post(
            "/graphql",
            content=MALFORMED_BODIES[name],
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_INPUT"}
    assert "Traceback" not in error["message"]
    assert "recursion" not in error["message"]


async def test_each_malformed_body_says_what_is_wrong(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()

    async def message(body: bytes) -> str:
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await client.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
        text: str = response.json()["errors"][0]["message"]
        return text

    assert "nests JSON too deeply" in await message(MALFORMED_BODIES["JSON nested 1,000 deep"])
    assert "must be a JSON object" in await message(b"null")
    assert "not valid UTF-8" in await message(MALFORMED_BODIES["invalid UTF-8"])


@pytest.mark.parametrize(
    ("query", "variables", "code", "message"),
    [
        ("query { }", {}, "BAD_INPUT", "A selection set must name at least one field."),
        ("{ regions { ...Nope } }", {}, "BAD_INPUT", "Unknown fragment 'Nope'."),
        (
            "{ regions { ...F0 } }\n"
            + "\n".join(f"fragment F{i} on Region {{ ...F{i + 1} }}" for i in range(550))
            + "\nfragment F550 on Region { name }",
            {},
            "LIMIT_EXCEEDED",
            "The query is too complex to validate",
        ),
        (
            '{ reformEvents(first: 2, after: "not-a-cursor") { totalCount } }',
            {},
            "BAD_INPUT",
            "Not a valid cursor",
        ),
        (
            '{ reformEvents(first: 2, after: "YXJyYXljb25uZWN0aW9uOng=") { totalCount } }',
            {},
            "BAD_INPUT",
            "Not a valid cursor",
        ),
        (
            "query($t: String!) { search(text: $t) { totalCount } }",
            {"t": "执法\x00局"},
            "BAD_INPUT",
            "NUL character",
        ),
        (
            "query($t: String!) { search(text: $t) { totalCount } }",
            {"t": "执法\ud800"},
            "BAD_INPUT",
            "unpaired surrogate",
        ),
        (
            'query($b: [String!]!) { mergerImpact(bodies: $b, newName: "x") { targetName } }',
            {"b": [f"body:{i}" for i in range(2_062)]},
            "LIMIT_EXCEEDED",
            "at most 50",
        ),
    ],
    ids=[
        "empty selection",
        "unknown fragment",
        "550 chained fragments",
        "bad cursor",
        "cursor of no offset",
        "NUL byte",
        "lone surrogate",
        "2,062 bodies",
    ],
)
async def test_client_mistakes_are_coded_and_masked(
    store: GraphStore,
    live_server: Callable[..., LiveServer],
    query: str,
    variables: dict[str, object],
    code: str,
    message: str,
) -> None:
    server = live_server()
    # as a client's JSON encoder sends it: an unpaired surrogate as its \\ud800 escape
    payload = json.dumps({"query": query, "variables": variables})
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post(
            "/graphql", content=payload, headers={"content-type": "application/json"}
        )
    assert response.status_code == 200
    body = response.json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert message in error["message"]
    for internal in ("max() arg", "'Nope'\"", "maximum recursion", "Traceback", "base64"):
        assert internal not in str(body)


async def test_the_price_is_in_every_answer(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(max_cost=1_500)
    # at most 500 regions (the page cap) of 1 + 1 field: 1,000; of 1 + 2 fields: 1,500
    ok = await server.graphql("{ regions { name } }")
    assert ok["extensions"] == {"cost": {"requested": 1_000, "budget": 1_500}}
    at_budget = await server.graphql("{ regions { name key } }")
    assert at_budget["extensions"] == {"cost": {"requested": 1_500, "budget": 1_500}}
    assert "errors" not in at_budget
    refused = await server.graphql("{ regions { name key level } }")
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"] == {
        "code": "COST_EXCEEDED",
        "cost": 2_000,
        "budget": 1_500,
    }
    assert refused["extensions"] == {"cost": {"requested": 2_000, "budget": 1_500}}


async def test_operations_share_a_budget_while_they_run(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    """What the operations in flight cost together is capped: one that does not fit waits
    within its deadline, then is BUSY, and runs once the room is given back."""
    # 1,000 is a large operation under a budget of 5,000 (over a tenth of it)
    server = live_server(max_cost=5_000, max_cost_in_flight=1_500, request_deadline_s=3.0)
    in_flight = server.app.state.schema.in_flight
    regions = await server.graphql("{ regions { name } }")  # priced 1,000
    assert "errors" not in regions
    assert in_flight.used == 0  # given back when its answer was built

    assert await in_flight.take(1_000, 0)  # another operation of 1,000 is running
    try:
        busy = await server.graphql("{ regions { name } }")
        # a small one is not counted, and runs beside it
        names = await server.graphql('{ region(key: "region:haibowan") { name } }')
    finally:
        in_flight.give_back(1_000)
    assert busy["data"] is None
    assert busy["errors"][0]["extensions"] == {"code": "BUSY", "cost": 1_000}
    assert "ask again shortly" in busy["errors"][0]["message"]
    # admitted (priced 2): it asked the graph, which holds no such region
    assert names["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await server.graphql("{ regions { name } }") == regions
    assert in_flight.used == 0


async def test_one_operation_alone_always_runs_whatever_its_price(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(max_cost=5_000, max_cost_in_flight=10)  # less than any large query
    body = await server.graphql("{ regions { name } }")
    assert "errors" not in body
    assert body["extensions"]["cost"]["requested"] == 1_000


# Bounded resources -------------------------------------------------------------------------


async def test_client_operation_names_do_not_grow_metrics(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(metrics_operations="Configured")

    async def series() -> list[str]:
        text = (await server.get("/metrics")).text
        return [line for line in text.splitlines() if line.startswith("reformgraph_graphql")]

    async with httpx.AsyncClient(base_url=server.url) as client:
        # warm the labels this test can create, then count
        for name in ("Warm", "Configured", "Search", None):
            query = f"query {name or ''} {{ __typename }}"
            await client.post("/graphql", json={"query": query, "operationName": name})
        before = await series()
        for number in range(1_000):
            name = f"Op{number}"
            await client.post(
                "/graphql",
                json={"query": f"query {name} {{ __typename }}", "operationName": name},
            )
    after = await series()
    assert len(after) == len(before)
    text = "\n".join(after)
    assert 'operation="other",outcome="ok"} ' in text
    assert 'operation="Configured"' in text  # configured names keep their own label
    assert 'operation="Search"' in text  # the explorer's too
    assert 'operation="anonymous"' in text
    assert 'operation="Op' not in text


async def test_an_exception_outside_graphql_is_a_coded_500(
    store: GraphStore, live_server: Callable[..., LiveServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What escapes a route (here: the context getter) answers in GraphQL's error shape,
    not Starlette's plain-text 500."""
    from server import app as app_module

    def broken(token: str | None, key_hashes: object) -> bool:
        raise RuntimeError("secret detail")

    server = live_server()
    monkeypatch.setattr(app_module, "key_is_valid", broken)
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post("/graphql", json={"query": "{ regions { name } }"})
    assert response.status_code == 500
    assert response.json() == {
        "data": None,
        "errors": [{"message": "Internal error.", "extensions": {"code": "INTERNAL"}}],
    }
