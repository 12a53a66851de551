"""The analyses front-ends rely on, through HTTP, on a small synthetic dataset:
claim matrix, delegation chains, lineage, what-if impact, search, events and statistics."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph_store import GraphStore, trace_statements
from schema import build_schema
from schema.context import GraphContext
from schema.limits import MAX_CHAIN_HOPS
from tests.conftest import LiveServer, with_extra_statements
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio


@pytest.fixture
async def mini(store: GraphStore) -> GraphStore:
    await load_fixture(store, "mini.yaml")
    return store


async def _query(server: LiveServer, query: str, **variables: Any) -> dict[str, Any]:
    body = await server.graphql(query, variables)
    assert "errors" not in body, body.get("errors")
    data: dict[str, Any] = body["data"]
    return data


MATRIX = """
query($list: String!, $region: String!, $target: Float) {
  claimMatrix(list: $list, region: $region, targetRate: $target) {
    itemCount targetRate
    items { key name }
    towns { town { key name } claimedCount ofCount rate meetsTarget itemsNamed
            hasEnforcementBureau unclaimed synthetic claims { item mode date synthetic } }
    shortOfTarget { town { key } }
    everyoneShort: shortOfTarget(withEnforcementBureauOnly: false) { town { key } }
  }
}"""


async def test_claim_matrix_for_a_county(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _query(live_server(), MATRIX, list="t:list", region="t:county", target=0.7)
    matrix = data["claimMatrix"]
    assert matrix["itemCount"] == 5
    towns = {t["town"]["key"]: t for t in matrix["towns"]}
    assert set(towns) == {"t:town-a", "t:town-b", "t:sub-c"}
    a = towns["t:town-a"]
    assert (a["claimedCount"], a["ofCount"], a["rate"], a["meetsTarget"]) == (4, 5, 0.8, True)
    assert a["hasEnforcementBureau"] is True
    assert a["unclaimed"] == ["t:item-5"]
    assert {c["item"]: c["mode"] for c in a["claims"]} == {
        "t:item-1": "CONFIRM",
        "t:item-2": "ASSIGN",
        "t:item-3": "CONFIRM",
        "t:item-4": "CONFIRM",
    }
    assert all(c["synthetic"] for c in a["claims"])
    b = towns["t:town-b"]
    assert (b["claimedCount"], b["rate"], b["meetsTarget"]) == (1, 0.2, False)
    c = towns["t:sub-c"]
    assert (c["claimedCount"], c["itemsNamed"], c["claims"], c["unclaimed"]) == (2, False, [], [])
    assert c["rate"] == 0.4
    assert matrix["shortOfTarget"] == []  # only 甲镇 has a bureau, and it meets the target
    assert sorted(t["town"]["key"] for t in matrix["everyoneShort"]) == ["t:sub-c", "t:town-b"]
    # most-claimed first: item-4 (2 towns), then item-1..3 (1 each), item-5 (none)
    assert [i["key"] for i in matrix["items"]] == [
        "t:item-4",
        "t:item-1",
        "t:item-2",
        "t:item-3",
        "t:item-5",
    ]


async def test_claim_matrix_errors(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    for variables, code in (
        ({"list": "t:nope", "region": "t:county"}, "NOT_FOUND"),
        ({"list": "t:list", "region": "t:nope"}, "NOT_FOUND"),
        ({"list": "t:list", "region": "t:county", "target": 1.5}, "BAD_INPUT"),
    ):
        body = await server.graphql(MATRIX, variables)
        assert body["errors"][0]["extensions"]["code"] == code


async def test_claim_matrix_of_a_region_without_towns_is_empty(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _query(live_server(), MATRIX, list="t:list", region="t:other-county")
    assert data["claimMatrix"]["towns"] == []


async def test_who_claimed_an_item(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _query(
        live_server(),
        '{ powerItem(key: "t:item-4") { name claimedBy { totalCount '
        "edges { node { town { name } mode date } } } } }",
    )
    claimed = data["powerItem"]["claimedBy"]
    assert claimed["totalCount"] == 2
    assert [e["node"] for e in claimed["edges"]] == [
        {"town": {"name": "乙镇"}, "mode": "ASSIGN", "date": "2020-07-01"},
        {"town": {"name": "甲镇"}, "mode": "CONFIRM", "date": "2020-06-01"},
    ]


CHAINS = """
query($item: String!, $town: String) {
  delegationChains(item: $item, town: $town) {
    complete
    hops { relation mode from { ... on Body { key } ... on PowerList { key }
                                 ... on Region { key } }
                       to { ... on Body { key } ... on PowerItem { key } ... on Region { key } } }
  }
}"""


async def test_delegation_chain_from_list_to_exercising_bureau(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _query(live_server(), CHAINS, item="t:item-1", town="t:town-a")
    chains = data["delegationChains"]
    assert len(chains) == 1
    assert chains[0]["complete"] is True
    assert [
        (h["relation"], h["from"]["key"], h["to"]["key"], h["mode"]) for h in chains[0]["hops"]
    ] == [
        ("LISTED_IN", "t:list", "t:item-1", None),
        ("HOLDS", "t:market", "t:item-1", None),
        ("DELEGATES", "t:market", "t:town-a", "CONFIRM"),
        ("EXERCISES", "t:bureau-a", "t:item-1", None),
    ]


async def test_every_hop_of_a_synthetic_chain_says_so_listing_included(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _query(
        live_server(),
        'query { delegationChains(item: "t:item-1", town: "t:town-a") '
        "{ hops { relation synthetic provenance { source } } } }",
    )
    hops = data["delegationChains"][0]["hops"]
    # the listing has no relationship properties: it takes the item record's own mark
    assert [(h["relation"], h["synthetic"], h["provenance"]) for h in hops] == [
        ("LISTED_IN", True, []),
        ("HOLDS", True, []),
        ("DELEGATES", True, []),
        ("EXERCISES", True, []),
    ]


async def test_delegation_chain_without_exerciser_is_incomplete(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    data = await _query(server, CHAINS, item="t:item-4", town="t:town-b")
    assert [c["complete"] for c in data["delegationChains"]] == [False]
    assert (await _query(server, CHAINS, item="t:item-4", town="t:town-a"))[
        "delegationChains"
    ] == []


async def test_a_delegation_of_the_whole_list_carries_every_item_and_no_other_item_leaks(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    def delegation(key: str, mode: str, **carried: str) -> dict[str, Any]:
        props = {"id": key, "mode": mode, "synthetic": True, **carried}
        return {"id": key, "from": "t:market", "to": "t:town-b", "props": props}

    await mini.write(
        "link_delegates",
        {
            "rows": [
                delegation("t:whole-list", "ASSIGN", list="t:list"),  # names no item
                delegation("t:other-item", "CONFIRM", list="t:list", item="t:item-5"),
            ]
        },
    )
    data = await _query(live_server(), CHAINS, item="t:item-1", town="t:town-b")
    assert [
        [(h["relation"], h["from"]["key"], h["to"]["key"], h["mode"]) for h in c["hops"]]
        for c in data["delegationChains"]
    ] == [
        [
            ("LISTED_IN", "t:list", "t:item-1", None),
            ("HOLDS", "t:market", "t:item-1", None),
            ("DELEGATES", "t:market", "t:town-b", "ASSIGN"),
        ]
    ]


async def test_a_delegation_to_a_body_in_the_town_reaches_the_town(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    # a delegation to the town's bureau itself, not to the town: the bureau sits in town A,
    # so the chain reaches town A (not town B), and the bureau at its end exercises the item
    await mini.write(
        "link_delegates",
        {
            "rows": [
                {
                    "id": "t:to-bureau",
                    "from": "t:market",
                    "to": "t:bureau-a",
                    "props": {"id": "t:to-bureau", "item": "t:item-1", "mode": "ASSIGN"},
                }
            ]
        },
    )
    server = live_server()

    def hops(data: dict[str, Any]) -> list[list[tuple[str, str, str]]]:
        return sorted(
            [(h["relation"], h["from"]["key"], h["to"]["key"]) for h in c["hops"]]
            for c in data["delegationChains"]
        )

    to_a = await _query(server, CHAINS, item="t:item-1", town="t:town-a")
    assert hops(to_a) == [
        [
            ("LISTED_IN", "t:list", "t:item-1"),
            ("HOLDS", "t:market", "t:item-1"),
            ("DELEGATES", "t:market", "t:bureau-a"),
            ("EXERCISES", "t:bureau-a", "t:item-1"),
        ],
        [
            ("LISTED_IN", "t:list", "t:item-1"),
            ("HOLDS", "t:market", "t:item-1"),
            ("DELEGATES", "t:market", "t:town-a"),
            ("EXERCISES", "t:bureau-a", "t:item-1"),
        ],
    ]
    assert (await _query(server, CHAINS, item="t:item-1", town="t:town-b")) == {
        "delegationChains": []
    }


async def test_delegation_cycle_in_bad_data_ends(mini: GraphStore) -> None:
    await mini.write(
        "link_delegates",
        {
            "rows": [
                {
                    "id": "t:loop-1",
                    "from": "t:town-a",
                    "to": "t:market",
                    "props": {"id": "t:loop-1", "item": "t:item-1", "synthetic": True},
                },
            ]
        },
    )
    result = await build_schema().execute(
        CHAINS, variable_values={"item": "t:item-1"}, context_value=GraphContext(store=mini)
    )
    assert result.errors is None
    assert result.data is not None
    # the walk does not go back to t:market: the one chain of four hops, as without the loop
    assert [
        [(h["relation"], h["from"]["key"], h["to"]["key"]) for h in c["hops"]]
        for c in result.data["delegationChains"]
    ] == [
        [
            ("LISTED_IN", "t:list", "t:item-1"),
            ("HOLDS", "t:market", "t:item-1"),
            ("DELEGATES", "t:market", "t:town-a"),
            ("EXERCISES", "t:bureau-a", "t:item-1"),
        ]
    ]


async def test_a_chain_is_one_statement_and_stops_after_six_delegations(
    mini: GraphStore,
) -> None:
    """A line of eight bodies passing t:item-1 on from t:market: the chain is walked in one
    statement, whatever its length, and cut after MAX_CHAIN_HOPS (6) delegations, as the
    hop limit of the schema says."""
    line = [f"t:relay-{i}" for i in range(8)]
    await mini.write(
        "upsert_bodies",
        {
            "rows": [
                {
                    "id": b,
                    "props": {
                        "id": b,
                        "name": f"接力{i}",
                        "kind": "ENFORCEMENT_TEAM",
                        "synthetic": True,
                    },
                }
                for i, b in enumerate(line)
            ]
        },
    )
    await mini.write(
        "link_delegates",
        {
            "rows": [
                {
                    "id": f"t:relay-d{i}",
                    "from": source,
                    "to": target,
                    "props": {"id": f"t:relay-d{i}", "item": "t:item-1", "synthetic": True},
                }
                for i, (source, target) in enumerate(
                    zip(["t:market", *line[:-1]], line, strict=True)
                )
            ]
        },
    )
    with trace_statements() as trace:
        result = await build_schema().execute(
            CHAINS, variable_values={"item": "t:item-1"}, context_value=GraphContext(store=mini)
        )
    assert result.errors is None
    assert result.data is not None
    assert trace.names == ["delegation_chains"]
    relayed = [
        [(h["relation"], h["to"]["key"]) for h in c["hops"] if h["relation"] == "DELEGATES"]
        for c in result.data["delegationChains"]
        if any(h["to"]["key"] == line[0] for h in c["hops"])
    ]
    assert relayed == [[("DELEGATES", b) for b in line[:MAX_CHAIN_HOPS]]]
    # the bound is written in the statement (a variable length cannot be a parameter)
    text = mini.registry.get("delegation_chains").text
    assert f"DELEGATES*1..{MAX_CHAIN_HOPS}]" in text
    assert f"size(ds) = {MAX_CHAIN_HOPS}" in text


async def test_chains_through_a_body(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _query(
        live_server(), '{ chainsThrough(body: "t:market") { item { key } complete } }'
    )
    assert sorted((c["item"]["key"], c["complete"]) for c in data["chainsThrough"]) == [
        ("t:item-1", True),
        ("t:item-2", True),
    ]


async def test_lineage_of_a_merged_team(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    data = await _query(
        server,
        """{ lineage(body: "t:urban-team") {
        predecessors { depth event { key kind date inputCount inputs { key } } }
        successors { event { key } } } }""",
    )
    lineage = data["lineage"]
    assert lineage["successors"] == []
    [step] = lineage["predecessors"]
    assert step["depth"] == 1
    assert step["event"]["key"] == "t:merge-urban"
    assert sorted(b["key"] for b in step["event"]["inputs"]) == ["t:old-1", "t:old-2"]
    forward = await _query(
        server, '{ lineage(body: "t:old-1") { successors { event { outputs { key } } } } }'
    )
    assert forward["lineage"]["successors"][0]["event"]["outputs"] == [{"key": "t:urban-team"}]
    too_deep = await server.graphql('{ lineage(body: "t:old-1", depth: 50) { body { key } } }')
    assert too_deep["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


SNAPSHOT = """// test: every node and relationship with all its properties
MATCH (n:Entity)
OPTIONAL MATCH (n)-[r]->(m:Entity)
RETURN n.id AS id, properties(n) AS props, collect([type(r), m.id, properties(r)]) AS out
ORDER BY id"""


async def _snapshot(store: GraphStore, tmp_path: Path) -> list[dict[str, Any]]:
    """Every node with its properties and outgoing relationships (with theirs), in order."""
    directory = tmp_path / "cypher"
    shutil.rmtree(directory, ignore_errors=True)  # taken again after the mutation
    probe = with_extra_statements(store, directory, snapshot=SNAPSHOT)
    try:
        rows = await probe.read("snapshot")
    finally:
        await probe.close()
    return [{**row, "out": sorted(str(r) for r in row["out"] if r[0] is not None)} for row in rows]


IMPACT = """
query($bodies: [String!]!, $target: String, $newName: String) {
  mergerImpact(bodies: $bodies, target: $target, newName: $newName) {
    targetName powers { key } overlaps { item { key } heldBy }
    reroutedDelegations { fromBody to item mode }
    superiorChanges { body { key } oldSuperior newSuperior }
    regionsTouched { key } staffQuotaBefore staffQuotaAfter
    conflicts { code bodies }
  }
}"""


async def test_what_if_two_departments_merge_into_a_new_body(
    mini: GraphStore, live_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    server = live_server()
    before = await _snapshot(mini, tmp_path)
    data = await _query(server, IMPACT, bodies=["t:market", "t:health"], newName="测试县市场卫健局")
    impact = data["mergerImpact"]
    assert impact["targetName"] == "测试县市场卫健局"
    assert [p["key"] for p in impact["powers"]] == ["t:item-1", "t:item-2"]
    assert impact["overlaps"] == [{"item": {"key": "t:item-2"}, "heldBy": ["t:market", "t:health"]}]
    assert sorted((d["fromBody"], d["to"], d["item"]) for d in impact["reroutedDelegations"]) == [
        ("t:market", "t:town-a", "t:item-1"),
        ("t:market", "t:town-a", "t:item-2"),
    ]
    assert impact["superiorChanges"] == [
        {"body": {"key": "t:market-team"}, "oldSuperior": "t:market", "newSuperior": None}
    ]
    assert impact["regionsTouched"] == [{"key": "t:county"}]
    assert (impact["staffQuotaBefore"], impact["staffQuotaAfter"]) == ([30, 20], 50)
    assert impact["conflicts"] == []
    assert await _snapshot(mini, tmp_path) == before, "read-only: the graph is unchanged"


async def test_what_if_reports_conflicts(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    data = await _query(
        server, IMPACT, bodies=["t:gov", "t:land", "t:other-dept"], target="t:market"
    )
    codes = {c["code"]: c["bodies"] for c in data["mergerImpact"]["conflicts"]}
    assert set(codes) == {
        "DIFFERENT_REGIONS",
        "VERTICALLY_MANAGED",
        "OWN_SUPERIOR",
        "UNKNOWN_STAFF_QUOTA",
    }
    assert codes["OWN_SUPERIOR"] == ["t:market", "t:gov"]
    assert codes["VERTICALLY_MANAGED"] == ["t:land"]
    for variables in (
        {"bodies": ["t:market"], "target": "t:market"},
        {"bodies": ["t:market"]},
        {"bodies": ["t:market", "t:market"], "newName": "x"},
    ):
        body = await server.graphql(IMPACT, variables)
        assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    body = await server.graphql(IMPACT, {"bodies": ["t:ghost"], "newName": "x"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_recorded_merger_report(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _query(
        live_server(),
        '{ recordedMergerImpact(event: "t:merge-urban") { recordedEvent targetName '
        "bodies { key } powers { key } } }",
    )
    report = data["recordedMergerImpact"]
    assert report["recordedEvent"] == "t:merge-urban"
    assert report["targetName"] == "测试县城市管理综合行政执法大队"
    assert sorted(b["key"] for b in report["bodies"]) == ["t:old-1", "t:old-2"]


SEARCH = """
query($text: String!, $kinds: [SearchKind!], $under: String, $validAt: String, $first: Int) {
  search(text: $text, kinds: $kinds, under: $under, validAt: $validAt, first: $first) {
    totalCount edges { cursor node { __typename ... on Body { key } ... on Region { key } } }
    pageInfo { hasNextPage }
  }
}"""


async def test_search_by_partial_name_signboard_and_alias(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()

    async def keys(**variables: Any) -> list[str]:
        data = await _query(server, SEARCH, **variables)
        return [e["node"]["key"] for e in data["search"]["edges"]]

    # by name (code points), then key
    assert await keys(text="执法大队") == ["t:urban-team", "t:market-team"]  # 城 < 市
    assert await keys(text="综合执法队") == ["t:bureau-a"]  # its signboard
    assert await keys(text="测县") == ["t:county"]  # an alias
    assert await keys(text="镇", kinds=["REGION"], under="t:county") == ["t:town-b", "t:town-a"]
    assert await keys(text="队", kinds=["ENFORCEMENT_TEAM"], validAt="2018-01-01") == [
        "t:old-1",  # 测试县城管大队
        "t:market-team",  # 测试县市场监管…
        "t:old-2",  # 测试县环卫执法队
    ]
    assert await keys(text="不存在的名字") == []


async def test_search_within_a_list_keeps_only_its_items(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    query = """query($list: String) { search(text: "处罚", kinds: [POWER_ITEM], list: $list) {
        totalCount edges { node { ... on PowerItem { key } } } } }"""

    async def keys(power_list: str | None) -> list[str]:
        data = await _query(server, query, list=power_list)
        return sorted(e["node"]["key"] for e in data["search"]["edges"])

    assert await keys("t:list") == ["t:item-1", "t:item-4"]
    assert await keys(None) == ["t:item-1", "t:item-4"]
    assert await keys("t:no-such-list") == []


async def test_search_pages_and_caps(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    page = await _query(server, SEARCH, text="测试", first=2)
    assert page["search"]["totalCount"] > 2
    assert len(page["search"]["edges"]) == 2
    assert page["search"]["pageInfo"]["hasNextPage"] is True
    over = await server.graphql(SEARCH, {"text": "测试", "first": 100_000})
    assert over["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "page_size"}
    empty = await server.graphql(SEARCH, {"text": "  "})
    assert empty["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_node_round_trip_and_unknown_id(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    data = await _query(server, '{ body(key: "t:market") { id name } }')
    global_id = data["body"]["id"]
    node = await _query(
        server, "query($id: ID!) { node(id: $id) { ... on Body { key } } }", id=global_id
    )
    assert node["node"] == {"key": "t:market"}
    body = await server.graphql('{ node(id: "not-a-global-id") { id } }')
    assert body["errors"][0]["extensions"] == {"code": "BAD_INPUT"}


async def test_events_and_statistics_with_filters(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    data = await _query(
        server,
        """{
      reformEvents(under: "t:city", dateFrom: "2019") {
        totalCount edges { node { key synthetic } }
      }
      none: reformEvents(dateTo: "2000") { totalCount }
      noStats: statistics(under: "t:county", dateFrom: "2019") { totalCount }
      statistics(under: "t:county") { edges { node { metric before after unit region { key } } } }
    }""",
    )
    assert data["reformEvents"]["totalCount"] == 1
    assert data["reformEvents"]["edges"][0]["node"] == {"key": "t:merge-urban", "synthetic": True}
    assert data["none"]["totalCount"] == 0
    assert data["noStats"]["totalCount"] == 0  # the statistic is undated
    [stat] = data["statistics"]["edges"]
    assert stat["node"] == {
        "metric": "party_government_bodies",
        "before": 40.0,
        "after": 30.0,
        "unit": "个",
        "region": {"key": "t:county"},
    }


async def test_a_hundred_towns_cost_a_bounded_number_of_statements(mini: GraphStore) -> None:
    towns = [
        {
            "id": f"t:n{i}",
            "props": {
                "id": f"t:n{i}",
                "name": f"新镇{i:03d}",
                "level": "TOWNSHIP",
                "synthetic": True,
            },
        }
        for i in range(100)
    ]
    await mini.write("upsert_regions", {"rows": towns})
    await mini.write(
        "link_part_of", {"rows": [{"from": t["id"], "to": "t:county", "props": {}} for t in towns]}
    )
    await mini.write(
        "link_claims",
        {
            "rows": [
                {
                    "from": t["id"],
                    "to": "t:item-1",
                    "props": {"list": "t:list", "mode": "CONFIRM", "synthetic": True},
                }
                for t in towns
            ]
        },
    )
    query = """{ regions(level: TOWNSHIP) { name parent { name parent { name } }
                  bodies(first: 5) { totalCount edges { node { name superior { name } } } } } }"""
    matrix = '{ claimMatrix(list: "t:list", region: "t:county") { towns { town { name } rate } } }'
    schema = build_schema()
    for text in (query, matrix):
        with trace_statements() as trace:
            result = await schema.execute(text, context_value=GraphContext(store=mini))
        assert result.errors is None
        assert len(trace.names) <= 8, trace.names
    # the same query with batching switched off (the benchmarks' N+1 baseline)
    with trace_statements() as unbatched:
        result = await schema.execute(query, context_value=GraphContext(store=mini, batching=False))
    assert result.errors is None
    assert len(unbatched.names) > 100


async def test_node_of_an_unknown_type_or_key_is_null_or_bad_input(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    missing = base64.b64encode(b"Body:t:ghost").decode()
    assert await _query(server, "query($id: ID!) { node(id: $id) { id } }", id=missing) == {
        "node": None
    }
    wrong_type = base64.b64encode(b"Planet:t:market").decode()
    body = await server.graphql("query($id: ID!) { node(id: $id) { id } }", {"id": wrong_type})
    assert body["data"] == {"node": None}
    assert body["errors"][0]["extensions"] == {"code": "BAD_INPUT"}
