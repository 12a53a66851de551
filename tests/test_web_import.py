"""The explorer's import page and the heat map's downloads, in a real browser (headless
Chromium) against the real service with ``data/`` loaded and an API key configured.

The page is driven as a person would: type part of a county's name and pick it, choose the
file, preview, read the problems by row, type the key, confirm. What the page shows is
checked against the fixture file (its rows, read by eye) and what the API answers afterwards;
each test writes a screenshot to ``tests/artifacts/`` and fails on a browser console error.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from selenium.webdriver.chrome.webdriver import WebDriver as Chrome

from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine
from schema.auth import hash_key
from tests.browser import Api, Explorer, route
from tests.conftest import GraphTarget, LiveServer, falkordb_settings
from tests.datasets import DATA_DIR, FIXTURES
from tests.uploads import IMPORT_LIST, upload

KEY = "browser-import-key-0123456789"
TABLES = FIXTURES / "tabular"
LIST = "list:test:haibowan"
REGION = "region:haibowan"
LIST_ARGS = {"county": REGION, "listId": LIST, "title": "测试清单", "dryRun": False}


@pytest.fixture(scope="module")
def import_service(local_engine: LocalEngine) -> Iterator[LiveServer]:
    """The service on a graph of its own with ``data/`` loaded and a key that may write (on
    the local engine, whatever ``NEO4J_URI`` says)."""
    settings = falkordb_settings(
        local_engine.host,
        local_engine.port,
        graph_name=f"test-import-{uuid.uuid4().hex[:12]}",
        dataset_dir=DATA_DIR,
        api_key_hashes=hash_key(KEY),
    )
    server = LiveServer(settings).__enter__()
    try:
        yield server
    finally:
        server.__exit__(None, None, None)
        store = GraphTarget("falkordb", settings).open_store()
        assert isinstance(store, FalkorDBStore)

        async def drop() -> None:
            await store.execute_command("DEL", store.graph_name)
            await store.close()

        asyncio.run(drop())


@pytest.fixture(scope="module")
def api(import_service: LiveServer) -> Iterator[Api]:
    client = Api(import_service.url)
    yield client
    client.close()


@pytest.fixture
def page(import_service: LiveServer, chromium: Chrome) -> Iterator[Explorer]:
    explorer = Explorer(chromium, import_service.url)
    explorer.console()  # what earlier tests left
    yield explorer
    severe = [e for e in explorer.console() if e.get("level") == "SEVERE"]
    assert not severe, f"console errors: {severe}"


@pytest.fixture
def broken_list(tmp_path: Path) -> Path:
    """The fixture list with one mistake: item 2 is delegated to 不存在镇, which is not a town
    of 海勃湾区. Item 2 is on spreadsheet row 4 (a title row, the header, then the items)."""
    text = (TABLES / "haibowan_list.csv").read_text(encoding="utf-8")
    assert text.count(",交办,千里山镇,") == 1
    path = tmp_path / "海勃湾区清单（有误）.csv"
    path.write_text(text.replace(",交办,千里山镇,", ",交办,不存在镇,"), encoding="utf-8")
    return path


def pick_county(page: Explorer, typed: str, key: str) -> None:
    field = page.one("import-county-search")
    for char in typed:
        field.send_keys(char)
    page.wait_for("import-county-option", key=key).click()
    page.wait(lambda d: page.one("import-county").get_attribute("data-key") == key, f"county {key}")


def choose_file(page: Explorer, path: Path) -> None:
    page.one("import-file").send_keys(str(path))
    page.wait(lambda d: path.name in page.one("import-file-name").text, f"file {path.name}")


def run_and_wait(page: Explorer, testid: str) -> None:
    page.expect_navigation()
    page.one(testid).click()
    page.wait_view("import")


def list_exists(api: Api) -> bool:
    body = api.raw("query($k: String!) { powerList(key: $k) { key } }", k=LIST)
    return not body.get("errors")


def test_import_page_previews_problems_by_row_and_imports_with_the_key(
    page: Explorer, api: Api, broken_list: Path
) -> None:
    page.load("#/import")
    page.wait_view("import")
    pick_county(page, "海勃湾", REGION)
    page.one("import-list-id").send_keys(LIST)
    page.one("import-title").send_keys("测试清单")

    # a file with a mistake: the row says what is wrong, nothing can be confirmed
    choose_file(page, broken_list)
    run_and_wait(page, "import-preview-run")
    status = page.wait_for("import-status")
    assert status.get_attribute("data-can-apply") == "false"
    rows = {r["row"]: r["state"] for r in page.attrs("import-row", "row", "state")}
    assert rows == {"3": "ok", "4": "error", "5": "ok"}
    bad = page.one("import-row", row="4")
    assert "乡镇/街道" in bad.text
    assert "不存在镇" in bad.text
    assert page.one("import-confirm").get_attribute("disabled") is not None
    page.screenshot("import-problems")

    # the corrected file: a clean preview, then the write with the key
    choose_file(page, TABLES / "haibowan_list.csv")
    run_and_wait(page, "import-preview-run")
    assert page.wait_for("import-status").get_attribute("data-can-apply") == "true"
    assert {r["state"] for r in page.attrs("import-row", "state")} == {"ok"}
    counts = {c["kind"]: c for c in page.attrs("import-count", "kind")}
    assert set(counts) == {"lists", "items", "holdings", "delegations", "bodiesCreated"}
    items_row = page.one("import-count", kind="items").text.split()
    assert items_row[-3:] == ["3", "3", "0"]  # in the file, new, already there
    page.screenshot("import-preview")
    assert not list_exists(api), "the preview wrote something"

    page.one("import-key").send_keys("not-the-key")
    run_and_wait(page, "import-confirm")
    assert page.wait_for("error-code").text == "UNAUTHENTICATED"
    assert not list_exists(api)

    key = page.one("import-key")
    key.clear()
    key.send_keys(KEY)
    run_and_wait(page, "import-confirm")
    assert page.wait_for("import-status").get_attribute("data-applied") == "true"
    page.screenshot("import-applied")
    assert list_exists(api)
    matrix = api.query(
        "query($l: String!, $r: String!) { claimMatrix(list: $l, region: $r) { items { key } } }",
        l=LIST,
        r=REGION,
    )["claimMatrix"]
    assert len(matrix["items"]) == 3

    # the link after the import opens the list's heat map for the county
    page.expect_navigation()
    page.one("import-matrix-link").click()
    page.wait_view("matrix")
    assert len(page.all("matrix-item")) == 3


def test_claims_table_import_fills_the_heat_map(page: Explorer, api: Api) -> None:
    if not list_exists(api):  # the list, as the previous test imports it
        content = (TABLES / "haibowan_list.csv").read_bytes()
        body = asyncio.run(
            upload(page.base_url, IMPORT_LIST, LIST_ARGS, "list.csv", content, token=KEY)
        )
        assert body["data"]["importDelegationList"]["applied"] is True
    page.load("#/import?kind=claims")
    page.wait_view("import")
    assert page.all("import-county-search") == []  # a claims table names its own towns
    choose_file(page, TABLES / "haibowan_claims.csv")
    run_and_wait(page, "import-preview-run")
    assert page.wait_for("import-status").get_attribute("data-can-apply") == "true"
    assert [r["row"] for r in page.attrs("import-row", "row")] == ["2", "3", "4"]
    assert "千里山镇" in page.one("import-row", row="2").text
    page.one("import-key").send_keys(KEY)
    run_and_wait(page, "import-confirm")
    assert page.wait_for("import-status").get_attribute("data-applied") == "true"
    page.screenshot("import-claims-applied")

    page.go(route("matrix", list=LIST, region=REGION))
    page.wait_view("matrix")
    cells = page.attrs("matrix-cell", "town", "item", "state")
    states = {(c["town"], c["item"]): c["state"] for c in cells}
    assert states["region:haibowan:qianlishan", f"{LIST}:item-1"] == "CONFIRM"
    assert states["region:haibowan:qianlishan", f"{LIST}:item-2"] == "ASSIGN"
    assert states["region:haibowan:xinhua", f"{LIST}:item-3"] == "CONFIRM"
    assert states["region:haibowan:haibei", f"{LIST}:item-3"] == "NONE"


def test_heat_map_downloads_the_matrix_as_xlsx_and_csv(page: Explorer, api: Api) -> None:
    if not list_exists(api):
        content = (TABLES / "haibowan_list.csv").read_bytes()
        asyncio.run(upload(page.base_url, IMPORT_LIST, LIST_ARGS, "list.csv", content, token=KEY))
    page.load(route("matrix", list=LIST, region=REGION, target="0.5"))
    page.wait_view("matrix")
    xlsx = page.one("export-xlsx").get_attribute("href")
    csv_link = page.one("export-csv").get_attribute("href")
    assert xlsx is not None
    assert csv_link is not None
    assert "target=0.5" in xlsx
    got = httpx.get(xlsx, timeout=30)
    assert got.status_code == 200
    rows = list(load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    towns = api.query(
        "query($l: String!, $r: String!) { claimMatrix(list: $l, region: $r, targetRate: 0.5)"
        " { towns { town { name } rate } } }",
        l=LIST,
        r=REGION,
    )["claimMatrix"]["towns"]
    assert [r[0] for r in rows[3:]] == [t["town"]["name"] for t in towns]
    rate_column = list(rows[2]).index("认领率")
    assert [r[rate_column] for r in rows[3:]] == [t["rate"] for t in towns]
    csv_answer = httpx.get(csv_link, timeout=30)
    assert csv_answer.status_code == 200
    assert csv_answer.content.startswith(b"\xef\xbb\xbf")
