"""Questions about the documents, asked through HTTP on the documented dataset: the answers
must be what the sources say, with their quotes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graph_store import GraphStore
from tests.conftest import LiveServer

pytestmark = pytest.mark.anyio
SOURCE_000 = "000_c79403ceac24af14.txt"
SOURCE_002 = "002_2abc6b63f845ad0d.txt"


async def _data(server: LiveServer, query: str) -> dict[str, Any]:
    body = await server.graphql(query)
    assert "errors" not in body, body.get("errors")
    data: dict[str, Any] = body["data"]
    return data


async def test_region_chain_down_to_qianlishan(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _data(
        live_server(),
        '{ region(key: "region:haibowan:qianlishan") { name level synthetic '
        "ancestors { name } provenance { source } } }",
    )
    town = data["region"]
    assert (town["name"], town["level"], town["synthetic"]) == ("千里山镇", "TOWNSHIP", False)
    assert [a["name"] for a in town["ancestors"]] == ["海勃湾区", "乌海市", "内蒙古自治区"]
    assert town["provenance"]


async def test_qianlishan_claimed_41_of_99_unnamed_short_of_70_percent(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _data(
        live_server(),
        '{ claimMatrix(list: "powerlist:nmg:township-powers", region: "region:haibowan") { '
        "itemCount items { key } towns { town { name } claimedCount ofCount rate rateStated "
        "meetsTarget itemsNamed claims { item } provenance { source quote } } "
        "shortOfTarget { town { name } } } }",
    )
    matrix = data["claimMatrix"]
    assert matrix["itemCount"] == 99
    assert matrix["items"] == []  # the sources name none of the 99 items
    rows = {t["town"]["name"]: t for t in matrix["towns"]}
    qls = rows["千里山镇"]
    assert (qls["claimedCount"], qls["ofCount"], qls["rate"], qls["rateStated"]) == (
        41,
        99,
        0.414,
        True,
    )
    assert (qls["meetsTarget"], qls["itemsNamed"], qls["claims"]) == (False, False, [])
    assert any("认领41条" in p["quote"] and p["source"] == SOURCE_002 for p in qls["provenance"])
    # the report's "6个街道 ... 只能认领11项" is recorded on the three subdistricts it names;
    # the other three come from the NBS tree (2023), and nothing says which six the report
    # meant, so their rows state nothing
    counted = {name: (t["claimedCount"], t["ofCount"]) for name, t in rows.items()}
    assert {name: counted[name] for name in ("凤凰岭街道", "海北街道", "新华街道")} == {
        "凤凰岭街道": (11, 19),
        "海北街道": (11, 19),
        "新华街道": (11, 19),
    }
    assert {name: counted[name] for name in ("新华西街道", "滨河街道", "林荫街道")} == {
        "新华西街道": (None, 99),
        "滨河街道": (None, 99),
        "林荫街道": (None, 99),
    }
    assert [t["town"]["name"] for t in matrix["shortOfTarget"]] == ["千里山镇"]


async def test_six_enforcement_teams_remain_by_name(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _data(
        live_server(),
        '{ search(text: "海勃湾区", kinds: [ENFORCEMENT_TEAM], first: 50) { totalCount '
        "edges { node { ... on Body { name provenance { source } } } } } }",
    )
    names = {e["node"]["name"] for e in data["search"]["edges"]}
    assert data["search"]["totalCount"] == 6
    for expected in (
        "卫生健康综合行政执法大队",
        "应急管理综合行政执法大队",
        "能源综合行政执法大队",
        "城市管理行政执法大队",
        "劳动监察局",
        "市场监督管理综合行政执法",
    ):
        assert any(expected in name for name in names), expected


async def test_team_lineage_goes_back_to_the_twenty_teams(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _data(
        live_server(),
        '{ lineage(body: "body:haibowan:urban-enforcement") { predecessors { depth '
        "event { key kind date inputCount outputCount staffMoved } } } }",
    )
    steps = data["lineage"]["predecessors"]
    by_key = {s["event"]["key"]: s for s in steps}
    first = by_key["event:haibowan:enforcement-20-to-7"]["event"]
    assert (first["inputCount"], first["outputCount"], first["date"]) == (20, 7, "2018-08")
    agriculture = by_key["event:haibowan:agriculture-team-up"]["event"]
    assert (agriculture["kind"], agriculture["staffMoved"]) == ("TRANSFER_UP", 5)
    assert by_key["event:haibowan:enforcement-20-to-7"]["depth"] > 1


async def test_haibowan_has_35_party_and_government_bodies(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _data(
        live_server(),
        '{ statistics(under: "region:haibowan", first: 200) { edges { node { metric value '
        "provenance { quote } } } } }",
    )
    values = {e["node"]["metric"]: e["node"] for e in data["statistics"]["edges"]}
    assert values["party_government_bodies"]["value"] == 35
    assert values["party_bodies"]["value"] == 11
    assert values["administrative_staff_quota"]["value"] == 461
    assert "35" in values["party_government_bodies"]["provenance"][0]["quote"]


async def test_a_town_sees_the_lists_in_force_there_nearest_first(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    data = await _data(
        live_server(),
        '{ region(key: "region:haibowan:qianlishan") { powerLists { key region { key } } } '
        'nmg: region(key: "region:nmg") { powerLists { key } } }',
    )
    lists = data["region"]["powerLists"]
    scopes = [entry["region"]["key"] for entry in lists]
    # the county's own lists first, then the autonomous region's list of 99 powers
    assert scopes == sorted(scopes, key=lambda key: key != "region:haibowan")
    assert "powerlist:haibowan:department-powers" in [entry["key"] for entry in lists]
    assert lists[-1]["key"] == "powerlist:nmg:township-powers"
    # a region above does not see the lists issued for a county below it
    assert [entry["key"] for entry in data["nmg"]["powerLists"]] == [
        "powerlist:nmg:township-powers"
    ]


async def test_the_documents_the_sources_cite_by_number_are_in_the_graph(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    data = await _data(
        server,
        '{ document(key: "document:nmg:township-reform-opinion") { title docNumber issuer '
        "region { key } provenance { source quote } } "
        'search(text: "机构编制问题整改", kinds: [DOCUMENT]) { totalCount edges { node { '
        "... on Document { key docNumber } } } } }",
    )
    opinion = data["document"]
    assert opinion["docNumber"] == "内党办发〔2019〕22号"
    assert opinion["title"] == "关于深化苏木乡镇和街道改革推进基层整合审批服务执法力量的实施意见"
    assert opinion["region"] == {"key": "region:nmg"}
    # both places 002 gives the number, the garbled one included, and 000's mention
    assert [p["source"] for p in opinion["provenance"]] == [SOURCE_002, SOURCE_002, SOURCE_000]
    assert "〔201922号" in opinion["provenance"][1]["quote"]
    assert data["search"]["edges"] == [
        {
            "node": {
                "key": "document:nmg:establishment-rectification-notice",
                "docNumber": "内机编办发〔2019〕34号",
            }
        }
    ]
    missing = await server.graphql('{ document(key: "region:haibowan") { title } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
