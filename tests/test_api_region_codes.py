"""The NBS region tree through the service, on every engine: what start-up loads, and the
official code accepted wherever the API takes a region key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from graph_loaders.pipeline import dataset_files, load
from graph_store import GraphStore
from tests.conftest import REPO_ROOT, LiveServer
from tests.datasets import DATA_DIR

pytestmark = pytest.mark.anyio

TREE_FILE = "nbs-2023-inner-mongolia.csv"
LIST = "powerlist:nmg:township-powers"


async def _data(server: LiveServer, query: str, **variables: Any) -> dict[str, Any]:
    body = await server.graphql(query, variables)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_start_up_loads_the_whole_tree_idempotently(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(dataset_dir=REPO_ROOT / "data")
    leagues = await _data(server, "{ regions(level: LEAGUE_CITY) { name division } }")
    assert Counter(r["division"] for r in leagues["regions"]) == {"CITY": 9, "LEAGUE": 3}
    counties = await _data(server, "{ regions(level: BANNER_COUNTY) { division code } }")
    assert Counter(r["division"] for r in counties["regions"]) == {
        "BANNER": 52,
        "DISTRICT": 23,
        "COUNTY": 17,
        "COUNTY_CITY": 11,
        "DEVELOPMENT_ZONE": 5,
    }
    assert all(len(r["code"]) == 6 for r in counties["regions"])
    subdistricts = await _data(server, "{ regions(level: SUBDISTRICT) { code } }")
    assert len(subdistricts["regions"]) == 243
    # more townships than a page holds: the API says so, and the graph has them all
    townships = await server.graphql("{ regions(level: TOWNSHIP) { code } }")
    assert townships["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    rows = await store.read("regions_list", {"level": None, "under": None, "limit": 10_000})
    levels = Counter(row["props"]["level"] for row in rows)
    assert levels == {
        "AUTONOMOUS_REGION": 1,
        "LEAGUE_CITY": 12,
        "BANNER_COUNTY": 108,
        "TOWNSHIP": 982,
        "SUBDISTRICT": 243,
    }
    before = await store.read("graph_counts", {})
    await load(store, dataset_files(DATA_DIR), DATA_DIR / "corpus")  # once more
    assert await store.read("graph_counts", {}) == before


async def test_qianlishan_by_its_code_is_the_documented_node_with_its_quotes(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    query = (
        "query($key: String!) { region(key: $key) { key name code level division "
        "provenance { source quote } parent { key } } }"
    )
    by_key = await _data(server, query, key="region:haibowan:qianlishan")
    for key in ("150302101", "150302101000", " 150302101 "):
        assert await _data(server, query, key=key) == by_key, key
    town = by_key["region"]
    assert (town["key"], town["name"], town["code"], town["level"], town["division"]) == (
        "region:haibowan:qianlishan",
        "千里山镇",
        "150302101",
        "TOWNSHIP",
        "TOWN",
    )
    assert town["parent"] == {"key": "region:haibowan"}
    assert town["provenance"] == [
        {"source": "002_2abc6b63f845ad0d.txt", "quote": "千里山镇严格按"},
        {"source": "002_2abc6b63f845ad0d.txt", "quote": "目前千里山镇对99条权力事项认领41条"},
        {"source": TREE_FILE, "quote": "150302101,千里山镇,150302"},
    ]


async def test_manzhouli_sits_under_hulunbuir_and_the_tree_regions_quote_their_row(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    data = await _data(
        server,
        '{ region(key: "region:manzhouli") { code division ancestors { key name code } } '
        'hulunbuir: region(key: "150700") { key provenance { source quote } '
        "children { name } } }",
    )
    assert data["region"]["code"] == "150781"
    assert data["region"]["division"] == "COUNTY_CITY"
    assert data["region"]["ancestors"] == [
        {"key": "region:150700", "name": "呼伦贝尔市", "code": "150700"},
        {"key": "region:nmg", "name": "内蒙古自治区", "code": "150000"},
    ]
    hulunbuir = data["hulunbuir"]
    assert hulunbuir["provenance"] == [{"source": TREE_FILE, "quote": "150700,呼伦贝尔市,150000"}]
    assert len(hulunbuir["children"]) == 14  # 2 districts, 7 banners, 5 county-level cities
    assert "满洲里市" in {c["name"] for c in hulunbuir["children"]}


async def test_an_unknown_code_is_not_found_under_the_key_sent(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    for key in ("150399", "150302101001", "1503"):
        body = await server.graphql("query($k: String!) { region(key: $k) { name } }", {"k": key})
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", key
        assert repr(key) in body["errors"][0]["message"]
    matrix = await server.graphql(
        f'{{ claimMatrix(list: "{LIST}", region: "159999") {{ itemCount }} }}'
    )
    assert matrix["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "'159999'" in matrix["errors"][0]["message"]


async def test_the_claim_matrix_and_the_under_filters_take_a_code(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    matrix = (
        "query($r: String!) { claimMatrix(list: $l, region: $r) { region { key } "
        "towns { town { key code division } claimedCount ofCount } } }"
    ).replace("$l", f'"{LIST}"')
    by_key = await _data(server, matrix, r="region:haibowan")
    by_code = await _data(server, matrix, r="150302")
    assert by_code == by_key
    towns = {t["town"]["code"]: t for t in by_code["claimMatrix"]["towns"]}
    assert sorted(towns) == [
        "150302001",
        "150302002",
        "150302003",
        "150302004",
        "150302007",
        "150302008",
        "150302101",
        "150302400",
    ]
    assert (towns["150302101"]["claimedCount"], towns["150302101"]["ofCount"]) == (41, 99)
    assert towns["150302400"]["town"]["division"] == "TOWNSHIP_LIKE"

    filtered = (
        "query($u: String!) { regions(under: $u) { key } "
        "reformEvents(under: $u) { totalCount } statistics(under: $u) { totalCount } "
        'search(text: "街道", kinds: [REGION], under: $u, first: 50) { totalCount } }'
    )
    by_key = await _data(server, filtered, u="region:haibowan")
    assert await _data(server, filtered, u="150302") == by_key
    assert await _data(server, filtered, u="150302000000") == by_key
    assert len(by_key["regions"]) == 9  # the county and its eight township-level units
    assert by_key["reformEvents"]["totalCount"] > 0
    assert by_key["statistics"]["totalCount"] > 0
    assert by_key["search"]["totalCount"] == 6


async def test_search_finds_regions_by_their_code(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    query = (
        "query($t: String!) { search(text: $t, first: 50) { totalCount "
        "edges { node { ... on Region { key code } } } } }"
    )
    exact = await _data(server, query, t="150302101")
    assert exact["search"]["edges"] == [
        {"node": {"key": "region:haibowan:qianlishan", "code": "150302101"}}
    ]
    assert await _data(server, query, t="150302101000") == exact  # the 12-digit form
    county = await _data(server, query, t="150302")  # a code is also a prefix
    codes = sorted(e["node"]["code"] for e in county["search"]["edges"])
    assert codes[0] == "150302"
    assert len(codes) == county["search"]["totalCount"] == 9
    assert all(code.startswith("150302") for code in codes)
    none = await _data(server, query, t="302101")  # the middle of a code is not a prefix
    assert none["search"]["totalCount"] == 0
    league = await _data(server, query, t="1525")
    assert league["search"]["totalCount"] > 50  # 锡林郭勒盟 and everything under it
