"""The regions slice end to end: graph → Cypher file → GraphQL → HTTP, on every engine."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph_store import GraphStore, trace_statements
from schema import Limits, build_schema
from schema.context import GraphContext
from tests.conftest import LiveServer

pytestmark = pytest.mark.anyio

TREE = [
    ("r:nmg", "内蒙古自治区", "AUTONOMOUS_REGION", None),
    ("r:wuhai", "乌海市", "LEAGUE_CITY", "r:nmg"),
    ("r:ulanqab", "乌兰察布市", "LEAGUE_CITY", "r:nmg"),
    ("r:haibowan", "海勃湾区", "BANNER_COUNTY", "r:wuhai"),
    ("r:qianlishan", "千里山镇", "TOWNSHIP", "r:haibowan"),
]


async def seed(store: GraphStore) -> None:
    rows = [
        {
            "id": i,
            "props": {
                "id": i,
                "name": n,
                "level": lvl,
                "synthetic": False,
                "sources": ["002_2abc6b63f845ad0d.txt"],
                "quotes": [n],
            },
        }
        for i, n, lvl, _ in TREE
    ]
    await store.write("upsert_regions", {"rows": rows})
    links = [{"from": i, "to": p, "props": {}} for i, _, _, p in TREE if p]
    await store.write("link_part_of", {"rows": links})


async def test_region_tree_through_http(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    await seed(store)
    server = live_server()
    body = await server.graphql("{ regions { id name level parent { name } children { name } } }")
    assert "errors" not in body
    regions = body["data"]["regions"]
    assert [r["name"] for r in regions] == [
        "内蒙古自治区",
        "乌兰察布市",
        "乌海市",
        "海勃湾区",
        "千里山镇",
    ]
    by_name = {r["name"]: r for r in regions}
    root = by_name["内蒙古自治区"]
    assert root["parent"] is None
    assert sorted(c["name"] for c in root["children"]) == ["乌兰察布市", "乌海市"]
    assert by_name["千里山镇"]["parent"] == {"name": "海勃湾区"}
    assert by_name["千里山镇"]["children"] == []


async def test_region_by_id_with_provenance_and_level_filter(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    await seed(store)
    server = live_server()
    body = await server.graphql(
        "query($key: String!) { region(key: $key) { name synthetic provenance { source quote } "
        "parent { parent { name } } } }",
        {"key": "r:haibowan"},
    )
    assert body["data"]["region"] == {
        "name": "海勃湾区",
        "synthetic": False,
        "provenance": [{"source": "002_2abc6b63f845ad0d.txt", "quote": "海勃湾区"}],
        "parent": {"parent": {"name": "内蒙古自治区"}},
    }
    towns = await server.graphql("{ regions(level: TOWNSHIP) { name } }")
    assert towns["data"]["regions"] == [{"name": "千里山镇"}]


async def test_errors_carry_codes_and_no_internals(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    await seed(store)
    server = live_server()
    missing = await server.graphql('{ region(key: "r:nowhere") { name } }')
    assert missing["data"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "r:nowhere" in missing["errors"][0]["message"]
    syntax = await server.graphql("{ regions { name ")
    assert syntax["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    unknown_field = await server.graphql("{ regions { population } }")
    assert unknown_field["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    bad_enum = await server.graphql("{ regions(level: PROVINCE) { name } }")
    assert bad_enum["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    for body in (missing, syntax, unknown_field, bad_enum):
        text = str(body)
        assert "Traceback" not in text
        assert "MATCH" not in text


async def test_empty_graph_gives_empty_list(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    body = await server.graphql("{ regions { name } }")
    # priced before it ran: at most 500 regions (the page cap) of two fields each
    assert body == {
        "data": {"regions": []},
        "extensions": {"cost": {"requested": 1_000, "budget": 2_500_000}},
    }


async def test_operational_endpoints(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(metrics_operations="RegionNames")
    assert (await server.get("/healthz")).json() == {"status": "ok"}
    ready = await server.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "engine": store.engine}
    await server.graphql("query RegionNames { regions { name } }")
    metrics = (await server.get("/metrics")).text
    assert 'reformgraph_graphql_operations_total{operation="RegionNames",outcome="ok"}' in metrics
    assert 'statement="regions_list"' in metrics
    ide = await server.get("/graphql", headers={"accept": "text/html"})
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()


async def test_readyz_is_503_when_the_graph_is_unreachable(
    store: GraphStore, live_server: Callable[..., LiveServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = live_server()
    app_store = server.app.state.store
    assert app_store is not None

    async def down() -> None:
        from graph_store import BackendUnavailableError

        raise BackendUnavailableError("engine stopped")

    monkeypatch.setattr(app_store, "ping", down)
    ready = await server.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["code"] == "BACKEND_UNAVAILABLE"  # what a probe or a dashboard keys on


async def test_nested_regions_cost_a_fixed_number_of_statements(store: GraphStore) -> None:
    await seed(store)
    towns = [
        {
            "id": f"r:town{i}",
            "props": {
                "id": f"r:town{i}",
                "name": f"镇{i:02d}",
                "level": "TOWNSHIP",
                "synthetic": True,
            },
        }
        for i in range(60)
    ]
    await store.write("upsert_regions", {"rows": towns})
    links = [{"from": t["id"], "to": "r:haibowan", "props": {}} for t in towns]
    await store.write("link_part_of", {"rows": links})
    query = (
        "{ regions { name parent { name parent { name } } children { name children { name } } } }"
    )
    # priced at about 10 million (500 regions × 100 children × 100 children): this test is
    # about statements, not the budget
    schema = build_schema(Limits(max_cost=20_000_000))
    with trace_statements() as trace:
        result = await schema.execute(query, context_value=GraphContext(store=store))
    assert result.errors is None
    assert result.data is not None
    assert len(result.data["regions"]) == len(TREE) + 60
    # one list, then one batch per relationship direction: never one statement per region
    assert trace.names[0] == "regions_list"
    assert len(trace.names) <= 5, trace.names


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ("{ regions { " + "parent { " * 12 + "name" + " }" * 12 + " } }", "depth"),
        ("{ " + " ".join(f"a{i}: regions {{ name }}" for i in range(31)) + " }", "aliases"),
        ("{ regions { " + "name " * 5000 + "} }", "tokens"),
        ("{ regions { 0 } }", None),  # does not parse
    ],
)
async def test_queries_over_a_limit_are_refused_before_the_graph(
    store: GraphStore, query: str, limit: str | None
) -> None:
    schema = build_schema()
    for _ in range(2):  # parse and validation are cached: the second time must refuse too
        with trace_statements() as trace:
            result = await schema.execute(query, context_value=GraphContext(store=store))
        assert result.errors is not None
        expected = {"code": "LIMIT_EXCEEDED", "limit": limit} if limit else {"code": "BAD_INPUT"}
        assert result.errors[0].extensions == expected
        assert trace.names == [], "a refused query must not touch the graph"
