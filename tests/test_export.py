"""The claim matrix downloaded as XLSX and CSV over HTTP, read back (openpyxl, csv) and
compared with the GraphQL answer of the same service, on every engine.

The graph holds ``data/`` and the 海勃湾区 fixture list and claims (three invented items;
千里山镇 claimed items 1 and 2, 新华街道 item 3): so against a 50% target 千里山镇 has 2 of 3
(66.67%, meets it), 新华街道 1 of 3 (33.33%, does not), the other two towns none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from graph_loaders.pipeline import ListOptions, dataset_files, load
from graph_store import GraphStore
from schema.auth import hash_key
from tests.conftest import LiveServer
from tests.datasets import DATA_DIR, FIXTURES, load_fixture

pytestmark = pytest.mark.anyio

LIST = "list:test:haibowan"
REGION = "region:haibowan"
TABLES = FIXTURES / "tabular"
MATRIX = """
query($list: String!, $region: String!, $target: Float!) {
  claimMatrix(list: $list, region: $region, targetRate: $target) {
    itemCount items { key seq name }
    towns { town { key name } claimedCount ofCount rate meetsTarget itemsNamed
            claims { item mode } }
  }
}"""
WORDS = {"CONFIRM": "确认", "ASSIGN": "交办"}
TAIL = ["认领事项数", "事项总数", "认领率", "目标认领率", "是否达标", "备注", "键"]


@pytest.fixture
async def haibowan(documented: GraphStore) -> GraphStore:
    """``data/`` with the fixture list of 海勃湾区 and its claims."""
    options = ListOptions(REGION, LIST, "测试清单")
    tables = [TABLES / "haibowan_list.csv", TABLES / "haibowan_claims.csv"]
    await load(documented, tables, DATA_DIR / "corpus", dataset_files(DATA_DIR), options)
    return documented


def expected_rows(matrix: dict[str, Any], target: float) -> list[list[Any]]:
    """The town rows a sheet must have, from the GraphQL answer (cells by claim)."""
    items = sorted(matrix["items"], key=lambda i: i["seq"])
    rows = []
    for town in matrix["towns"]:
        modes = {c["item"]: c["mode"] for c in town["claims"]}
        meets = town["meetsTarget"]
        rows.append(
            [
                town["town"]["name"],
                *[WORDS.get(modes.get(i["key"], ""), "") for i in items],
                town["claimedCount"],
                town["ofCount"],
                town["rate"],
                target,
                "" if meets is None else ("是" if meets else "否"),
            ]
        )
    return rows


async def graphql_matrix(server: LiveServer, target: float, lst: str = LIST) -> dict[str, Any]:
    body = await server.graphql(MATRIX, {"list": lst, "region": REGION, "target": target})
    assert "errors" not in body, body
    matrix: dict[str, Any] = body["data"]["claimMatrix"]
    return matrix


async def test_xlsx_has_the_graphql_numbers_in_the_county_shape(
    haibowan: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    response = await server.get(
        "/export/claim-matrix.xlsx", params={"list": LIST, "region": REGION, "target": "0.5"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert unquote(disposition.split("UTF-8''")[1]) == "海勃湾区-测试清单-认领情况.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "测试清单" in rows[0][0]
    assert "海勃湾区" in rows[0][0]
    assert rows[2] == [
        "乡镇（街道）",
        "1 对未按规定设置户外广告的处罚",
        "2 对农村宅基地违法占用的检查",
        "3 临时占用道路的许可",
        *TAIL,
    ]
    matrix = await graphql_matrix(server, 0.5)
    got = [[("" if c is None else c) for c in row[:-2]] for row in rows[3:]]
    assert got == expected_rows(matrix, 0.5)
    by_town = {row[0]: row for row in rows[3:]}
    assert by_town["千里山镇"][1:4] == ["确认", "交办", None]
    assert by_town["千里山镇"][4:9] == [2, 3, pytest.approx(0.6667), 0.5, "是"]
    assert by_town["新华街道"][4:9] == [1, 3, pytest.approx(0.3333), 0.5, "否"]
    assert by_town["新华街道"][-1] == "region:haibowan:xinhua"
    assert sheet.cell(4, 7).number_format == "0.0%"  # the rate column of the first town


async def test_csv_is_utf8_with_a_bom_and_has_the_same_rows(
    haibowan: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    params = {"list": LIST, "region": REGION}  # the default target: 70%
    response = await server.get("/export/claim-matrix.csv", params=params)
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][0] == "乡镇（街道）"
    assert rows[2][-len(TAIL) :] == TAIL
    matrix = await graphql_matrix(server, 0.7)
    expected = expected_rows(matrix, 0.7)
    for row, want in zip(rows[3:], expected, strict=True):
        assert row[:4] == want[:4]
        assert [int(row[4]), int(row[5])] == want[4:6]
        assert float(row[6].rstrip("%")) / 100 == pytest.approx(want[6], abs=1e-6)
        assert row[7] == "70%"
        assert row[8] == want[8]
    by_town = {row[0]: row for row in rows[3:]}
    assert by_town["千里山镇"][6:9] == ["66.67%", "70%", "否"]


async def test_a_documented_count_only_matrix_says_so(
    documented: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    params = {"list": "powerlist:nmg:township-powers", "region": REGION}
    response = await server.get("/export/claim-matrix.xlsx", params=params)
    assert response.status_code == 200, response.text
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[2]) == ["乡镇（街道）", *TAIL]  # the documents name no item
    qianlishan = next(r for r in rows[3:] if r[0] == "千里山镇")
    # the source's own figures: 41 of 99, 41.4%, short of 70%
    assert list(qianlishan[1:6]) == [41, 99, 0.414, 0.7, "否"]
    assert "未列出具体事项" in qianlishan[6]
    assert "文件所载" in qianlishan[6]
    assert "合成" not in str(rows[1][0])


async def test_a_synthetic_matrix_is_marked_synthetic(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    await load_fixture(store, "mini.yaml")  # synthetic throughout
    server = live_server()
    params = {"list": "t:list", "region": "t:county"}
    response = await server.get("/export/claim-matrix.csv", params=params)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "合成数据（synthetic）" in rows[1][0]
    assert all("合成数据" in row[-2] for row in rows[3:])


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("xlsx", {"list": "list:none", "region": REGION}, 404, "NOT_FOUND"),
        ("csv", {"list": LIST, "region": "region:none"}, 404, "NOT_FOUND"),
        ("xlsx", {"list": LIST}, 400, "BAD_INPUT"),
        ("csv", {"list": LIST, "region": REGION, "target": "abc"}, 400, "BAD_INPUT"),
        ("csv", {"list": LIST, "region": REGION, "target": "1.5"}, 400, "BAD_INPUT"),
        ("pdf", {"list": LIST, "region": REGION}, 404, "NOT_FOUND"),
    ],
)
async def test_bad_requests_answer_json_with_a_code(
    haibowan: GraphStore,
    live_server: Callable[..., LiveServer],
    path: str,
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    server = live_server()
    response = await server.get(f"/export/claim-matrix.{path}", params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_closed_reads_close_the_export_too(
    haibowan: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(reads_need_key=True, api_key_hashes=hash_key("reader-key"))
    params = {"list": LIST, "region": REGION}
    refused = await server.get("/export/claim-matrix.csv", params=params)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    allowed = await server.get(
        "/export/claim-matrix.csv", params=params, headers={"authorization": "Bearer reader-key"}
    )
    assert allowed.status_code == 200
