"""Published delegation lists and claims tables, validated and loaded with the documented
dataset as context, then asked about through GraphQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_loaders.pipeline import InvalidDatasetError, ListOptions, dataset_files, load
from graph_store import GraphStore
from schema import build_schema
from schema.context import GraphContext
from tests.datasets import DATA_DIR, FIXTURES

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
