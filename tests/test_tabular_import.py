"""Published delegation lists and claims tables, validated and loaded with the documented
dataset as context, then asked about through GraphQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_loaders.pipeline import InvalidDatasetError, ListOptions, dataset_files, load
from graph_store import GraphStore
from schema import build_schema
from schema.context import GraphContext
from tests.datasets import DATA_DIR, FIXTURES
from tests.list_fixtures import LISTS, PR_MERGES, PR_ROWS, write_documented_context, write_xlsx

pytestmark = pytest.mark.anyio
TABLES = FIXTURES / "tabular"
OPTIONS = ListOptions("region:haibowan", "list:test:haibowan", "测试清单")


async def _load(store: GraphStore, *tables: Path) -> None:
    await load(store, list(tables), DATA_DIR / "corpus", dataset_files(DATA_DIR), OPTIONS)


async def test_a_published_list_and_its_claims_load_and_answer(store: GraphStore) -> None:
    await _load(store, TABLES / "haibowan_list.csv", TABLES / "haibowan_claims.csv")
    result = await build_schema().execute(
        '{ claimMatrix(list: "list:test:haibowan", region: "region:haibowan") { itemCount '
        "towns { town { name } claimedCount rate itemsNamed claims { item mode } } } "
        'delegationChains(item: "list:test:haibowan:item-1", town: "region:haibowan:qianlishan")'
        " { hops { relation mode date docNumber synthetic provenance { source quote } "
        "from { ... on Body { name } ... on PowerList { title } } } } }",
        context_value=GraphContext(store=store),
    )
    assert result.errors is None
    assert result.data is not None
    matrix = result.data["claimMatrix"]
    assert matrix["itemCount"] == 3
    rows = {t["town"]["name"]: t for t in matrix["towns"]}
    assert rows["千里山镇"]["claimedCount"] == 2
    assert rows["千里山镇"]["itemsNamed"] is True
    assert {c["mode"] for c in rows["千里山镇"]["claims"]} == {"CONFIRM", "ASSIGN"}
    [chain] = result.data["delegationChains"]
    # row 1 of the list: every hop cites it (the listing takes the item's own provenance);
    # the delegation carries the row's document number and date
    row_1 = [{"source": "haibowan_list.csv", "quote": "对未按规定设置户外广告的处罚"}]
    plain = {"mode": None, "date": None, "docNumber": None, "synthetic": False, "provenance": row_1}
    assert [{k: v for k, v in h.items() if k != "from"} for h in chain["hops"]] == [
        {"relation": "LISTED_IN", **plain},
        {"relation": "HOLDS", **plain},
        {
            "relation": "DELEGATES",
            **plain,
            "mode": "CONFIRM",
            "date": "2020-03-01",
            "docNumber": "海政发〔2020〕1号",
        },
    ]
    assert chain["hops"][0]["from"]["title"] == "测试清单"
    assert chain["hops"][1]["from"]["name"] == "海勃湾区城市管理综合行政执法局"


async def test_the_same_list_in_gb18030_loads_the_same(store: GraphStore, tmp_path: Path) -> None:
    text = (TABLES / "haibowan_list.csv").read_text(encoding="utf-8")
    converted = tmp_path / "haibowan_list.csv"
    converted.write_bytes(text.encode("gb18030"))
    await _load(store, converted)
    counts = (await store.read("graph_counts"))[0]
    await _load(store, TABLES / "haibowan_list.csv")
    assert (await store.read("graph_counts"))[0] == counts


async def test_a_broken_table_is_rejected_whole(store: GraphStore, tmp_path: Path) -> None:
    await load(store, dataset_files(DATA_DIR), DATA_DIR / "corpus")
    before = (await store.read("graph_counts"))[0]
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "序号,赋权事项,权力类型,法律法规依据,责任主体,原实施主体,乡镇/街道\n"
        "1,对某事的处罚,行政处罚,某法,镇综合执法局,海勃湾区某局,千里山镇\n"
        "1,重复的序号,行政审批,某法,镇综合执法局,海勃湾区某局,不存在镇\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidDatasetError) as caught:
        await _load(store, broken)
    reasons = " ".join(str(p) for p in caught.value.problems)
    assert "row 3" in reasons
    assert "权力类型" in reasons
    assert "不存在镇" in reasons
    assert (await store.read("graph_counts"))[0] == before


async def test_a_delegation_list_without_its_county_is_refused(store: GraphStore) -> None:
    with pytest.raises(InvalidDatasetError) as caught:
        await load(
            store, [TABLES / "haibowan_list.csv"], DATA_DIR / "corpus", dataset_files(DATA_DIR)
        )
    assert "--county" in str(caught.value)


# ------------------------------------------------------------- published list shapes

LIST_QUERY = """
query ($list: String!) {
  powerList(key: $list) {
    kind title itemCount
    items { edges { node {
      seq name powerType powerTypeStated powerTypeText code parentName responsibilities
      heldBy { totalCount }
    } } }
  }
}
"""


async def _load_shapes(store: GraphStore, tmp_path: Path) -> None:
    """The documented 清水河县 context, then one list of each kind and a claims table."""
    context, corpus = write_documented_context(tmp_path / "context")
    await load(store, [], corpus, [context])
    claims = tmp_path / "认领表.csv"
    claims.write_text(
        "乡镇/街道,清单,事项,认领方式\n城关,list:150124:d,1,确认\n喇嘛湾,list:150124:d,2,交办\n",
        encoding="utf-8",
    )
    for name, list_id, extra in (
        ("qingshuihe_traditional.csv", "list:150124:d", [claims]),
        ("qingshuihe_statutory.csv", "list:150124:s", []),
        ("delegated_minimal.csv", "list:150124:m", []),
    ):
        await load(
            store,
            [LISTS / name, *extra],
            corpus,
            [context],
            ListOptions("清水河县", list_id),
        )
    pr = write_xlsx(tmp_path / "权责清单.xlsx", PR_ROWS, PR_MERGES)
    await load(store, [pr], corpus, [context], ListOptions("150124", "list:150124:pr"))


async def _run(store: GraphStore, query: str, **variables: object) -> dict[str, Any]:
    result = await build_schema().execute(
        query, variable_values=variables, context_value=GraphContext(store=store)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def test_each_list_kind_loads_and_the_api_says_what_it_is(
    store: GraphStore, tmp_path: Path
) -> None:
    await _load_shapes(store, tmp_path)

    delegated = (await _run(store, LIST_QUERY, list="list:150124:d"))["powerList"]
    assert (delegated["kind"], delegated["itemCount"]) == ("DELEGATED", 4)
    first = delegated["items"]["edges"][0]["node"]
    assert first["name"] == "對未取得食品經營許可從事食品經營活動的處罰"  # as published
    assert (first["powerType"], first["powerTypeText"]) == ("PENALTY", "行政處罰")
    assert first["heldBy"]["totalCount"] == 1

    short = (await _run(store, LIST_QUERY, list="list:150124:m"))["powerList"]
    for edge in short["items"]["edges"]:  # no 权力类型 column: the API says so
        node = edge["node"]
        assert (node["powerType"], node["powerTypeStated"], node["powerTypeText"]) == (
            None,
            False,
            None,
        )
        assert node["heldBy"]["totalCount"] == 0  # no 原实施主体 column: no holdings

    statutory = (await _run(store, LIST_QUERY, list="list:150124:s"))["powerList"]
    assert statutory["kind"] == "STATUTORY"
    assert [e["node"]["powerType"] for e in statutory["items"]["edges"]] == [
        "LICENSING",
        "PENALTY",
        "PENALTY",
        "PAYMENT",
    ]

    pr = (await _run(store, LIST_QUERY, list="list:150124:pr"))["powerList"]
    assert pr["kind"] == "POWER_AND_RESPONSIBILITY"
    sub = pr["items"]["edges"][0]["node"]
    assert (sub["code"], sub["parentName"]) == ("150124-XZCF-001", "对违反乡村建设规划行为的处罚")
    assert sub["responsibilities"] == PR_ROWS[2][5]
    assert pr["items"]["edges"][4]["node"]["powerType"] == "ADJUDICATION"


async def test_which_town_claimed_which_item_and_statutory_lists_are_not_delegations(
    store: GraphStore, tmp_path: Path
) -> None:
    await _load_shapes(store, tmp_path)
    matrix = await _run(
        store,
        'query { claimMatrix(list: "list:150124:d", region: "region:150124") {'
        " towns { town { name } claims { item mode } } } }",
    )
    claimed = {
        t["town"]["name"]: [(c["item"], c["mode"]) for c in t["claims"]]
        for t in matrix["claimMatrix"]["towns"]
        if t["claims"]
    }
    assert claimed == {
        "城关镇": [("list:150124:d:item-1", "CONFIRM")],
        "喇嘛湾镇": [("list:150124:d:item-2", "ASSIGN")],
    }
    refused = await build_schema().execute(
        'query { claimMatrix(list: "list:150124:s", region: "region:150124") { itemCount } }',
        context_value=GraphContext(store=store),
    )
    assert refused.errors is not None
    assert refused.errors[0].extensions is not None
    assert refused.errors[0].extensions["code"] == "BAD_INPUT"
    assert "statutory" in refused.errors[0].message
    chains = await _run(
        store,
        'query { delegationChains(item: "list:150124:s:item-2", town: "region:150124100")'
        " { hops { relation } } }",
    )
    assert chains["delegationChains"] == []
