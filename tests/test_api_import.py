"""importDelegationList and importClaimsTable through real HTTP (multipart uploads), on every
engine: dry runs report and write nothing, writes need the key, a file with an error is never
written, an applied import shows in the claim matrix, and the HTTP caps and CSRF header hold.

The service loads the documented dataset (``data/``) at start-up, as ``make serve`` does; the
uploads are the test fixtures of 海勃湾区 (``tests/fixtures/tabular``: invented items, real
towns). Expected values come from the fixture files and ``data/``, read by eye: the list's
three rows name three original holders that ``data/`` does not have, four town delegations
(千里山镇 twice, 新华街道 and 海北街道 once each), and the claims table three claims.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from starlette import formparsers

from graph_store import GraphStore
from schema.auth import hash_key
from schema.imports import _CHECK_SLOT
from tests.conftest import LiveServer
from tests.datasets import DATA_DIR, FIXTURES, load_fixture
from tests.uploads import IMPORT_CLAIMS, IMPORT_LIST, post_upload, upload

pytestmark = pytest.mark.anyio

KEY = "test-import-key-0123456789"
TABLES = FIXTURES / "tabular"
LIST_CSV = (TABLES / "haibowan_list.csv").read_bytes()
CLAIMS_CSV = (TABLES / "haibowan_claims.csv").read_bytes()
LIST_ARGS = {"county": "region:haibowan", "listId": "list:test:haibowan", "title": "测试清单"}
#: Two problems on row 3 (unknown power type, a town 海勃湾区 does not have) and a duplicate
#: 序号 on row 3; row 2 is fine.
BROKEN_CSV = (
    "序号,赋权事项,权力类型,法律法规依据,责任主体,原实施主体,乡镇/街道\n"
    "1,对某事的处罚,行政处罚,某法,镇综合执法局,海勃湾区某局,千里山镇\n"
    "1,重复的序号,行政审批,某法,镇综合执法局,海勃湾区某局,不存在镇\n"
).encode()
MATRIX = """
query($list: String!) {
  claimMatrix(list: $list, region: "region:haibowan") {
    itemCount items { key seq name }
    towns { town { name } claimedCount ofCount rate itemsNamed claims { item mode } }
  }
}"""


@pytest.fixture
def service(store: GraphStore, live_server: Callable[..., LiveServer]) -> LiveServer:
    """The service on the test's graph with ``data/`` loaded and an API key configured."""
    return live_server(dataset_dir=DATA_DIR, api_key_hashes=hash_key(KEY))


async def counts(store: GraphStore) -> dict[str, Any]:
    return (await store.read("graph_counts"))[0]


def result(body: dict[str, Any], field: str = "importDelegationList") -> dict[str, Any]:
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"][field]
    return found


def count(total: int, new: int) -> dict[str, int]:
    return {"total": total, "new": new, "existing": total - new}


async def test_dry_run_previews_a_list_and_writes_nothing(
    store: GraphStore, service: LiveServer
) -> None:
    before = await counts(store)
    body = await upload(
        service.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": True}, "list.csv", LIST_CSV
    )
    got = result(body)
    assert got["applied"] is False
    assert got["canApply"] is True
    assert got["kind"] == "DELEGATION_LIST"
    assert got["listKey"] == "list:test:haibowan"
    assert got["problems"] == []
    assert got["counts"] == {
        "lists": count(1, 1),
        "items": count(3, 3),
        "holdings": count(3, 3),
        "delegations": count(4, 4),
        "claims": count(0, 0),
        "bodiesCreated": count(3, 3),
    }
    items = {i["seq"]: i for i in got["items"]}
    assert items[3]["name"] == "临时占用道路的许可"
    assert items[3]["row"] == 5  # the title row is row 1, the header row 2
    assert items[3]["holder"]["name"] == "海勃湾区住房和城乡建设局"
    assert sorted(t["name"] for t in items[3]["towns"]) == ["新华街道", "海北街道"]
    assert items[2]["mode"] == "ASSIGN"
    assert await counts(store) == before


async def test_dry_run_lists_every_problem_by_row_and_writes_nothing(
    store: GraphStore, service: LiveServer
) -> None:
    before = await counts(store)
    body = await upload(
        service.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": True}, "broken.csv", BROKEN_CSV
    )
    got = result(body)
    assert got["canApply"] is False
    assert got["applied"] is False
    # The town that is not the county's is the one error; a type word outside the usual ten
    # is a warning (the item would load with its type unstated), listed by row like the error.
    errors = {(p["row"], p["field"]): p for p in got["problems"]}
    assert set(errors) == {(3, "乡镇/街道")}
    assert "不存在镇" in errors[3, "乡镇/街道"]["message"]
    warnings = {(p["row"], p["field"]): p for p in got["warnings"]}
    assert "行政审批" in warnings[3, "权力类型"]["message"]
    assert all(p["file"] == "broken.csv" for p in [*got["problems"], *got["warnings"]])
    assert {p["severity"] for p in got["problems"]} == {"ERROR"}
    assert {p["severity"] for p in got["warnings"]} == {"WARNING"}
    assert not any(p["row"] == 2 for p in got["problems"])
    assert await counts(store) == before


async def test_writing_needs_the_key_as_apply_merger_does(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    closed = live_server(dataset_dir=DATA_DIR)  # no key configured: writes disabled
    before = await counts(store)
    apply = {**LIST_ARGS, "dryRun": False}
    body = await upload(closed.url, IMPORT_LIST, apply, "list.csv", LIST_CSV, token=KEY)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    server = live_server(dataset_dir=DATA_DIR, api_key_hashes=hash_key(KEY))
    body = await upload(server.url, IMPORT_LIST, apply, "list.csv", LIST_CSV)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await upload(server.url, IMPORT_LIST, apply, "list.csv", LIST_CSV, token="wrong")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await counts(store) == before
    # the dry run is open, like a read
    dry = await upload(server.url, IMPORT_LIST, {**apply, "dryRun": True}, "list.csv", LIST_CSV)
    assert result(dry)["canApply"] is True


async def test_a_file_with_errors_is_never_written_even_with_the_key(
    store: GraphStore, service: LiveServer
) -> None:
    before = await counts(store)
    body = await upload(
        service.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": False}, "b.csv", BROKEN_CSV, token=KEY
    )
    got = result(body)
    assert got["applied"] is False
    assert got["problems"]
    assert await counts(store) == before


async def test_an_imported_list_and_its_claims_show_in_the_claim_matrix(
    store: GraphStore, service: LiveServer
) -> None:
    apply = {**LIST_ARGS, "dryRun": False}
    got = result(await upload(service.url, IMPORT_LIST, apply, "list.csv", LIST_CSV, token=KEY))
    assert got["applied"] is True
    assert got["counts"]["items"] == count(3, 3)
    matrix = (await service.graphql(MATRIX, {"list": "list:test:haibowan"}))["data"]["claimMatrix"]
    assert matrix["itemCount"] == 3
    assert [i["name"] for i in sorted(matrix["items"], key=lambda i: i["seq"])] == [
        "对未按规定设置户外广告的处罚",
        "对农村宅基地违法占用的检查",
        "临时占用道路的许可",
    ]
    assert all(t["claimedCount"] == 0 for t in matrix["towns"])

    # the claims table names the list imported a moment ago: it is in the graph, in no file
    dry = result(
        await upload(service.url, IMPORT_CLAIMS, {"dryRun": True}, "c.csv", CLAIMS_CSV),
        "importClaimsTable",
    )
    assert dry["problems"] == []
    assert dry["counts"]["claims"] == count(3, 3)
    assert [(c["row"], c["town"]["name"], c["seq"], c["mode"]) for c in dry["claims"]] == [
        (2, "千里山镇", 1, "CONFIRM"),
        (3, "千里山镇", 2, "ASSIGN"),
        (4, "新华街道", 3, "CONFIRM"),
    ]
    applied = result(
        await upload(service.url, IMPORT_CLAIMS, {"dryRun": False}, "c.csv", CLAIMS_CSV, token=KEY),
        "importClaimsTable",
    )
    assert applied["applied"] is True
    matrix = (await service.graphql(MATRIX, {"list": "list:test:haibowan"}))["data"]["claimMatrix"]
    rows = {t["town"]["name"]: t for t in matrix["towns"]}
    assert rows["千里山镇"]["claimedCount"] == 2
    assert rows["千里山镇"]["rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert sorted(c["mode"] for c in rows["千里山镇"]["claims"]) == ["ASSIGN", "CONFIRM"]
    assert rows["新华街道"]["claims"] == [{"item": "list:test:haibowan:item-3", "mode": "CONFIRM"}]
    assert rows["海北街道"]["claimedCount"] == 0

    # the same files again: everything is there already, and nothing changes
    before = await counts(store)
    again = result(await upload(service.url, IMPORT_LIST, apply, "list.csv", LIST_CSV, token=KEY))
    assert again["counts"]["items"] == count(3, 0)
    assert again["counts"]["delegations"] == count(4, 0)
    assert again["counts"]["bodiesCreated"] == count(3, 0)
    claims_again = result(
        await upload(service.url, IMPORT_CLAIMS, {"dryRun": True}, "c.csv", CLAIMS_CSV),
        "importClaimsTable",
    )
    assert claims_again["counts"]["claims"] == count(3, 0)
    assert await counts(store) == before


async def test_a_shorter_list_warns_that_the_graph_keeps_the_missing_item(
    store: GraphStore, service: LiveServer
) -> None:
    apply = {**LIST_ARGS, "dryRun": False}
    result(await upload(service.url, IMPORT_LIST, apply, "list.csv", LIST_CSV, token=KEY))
    shorter = b"\n".join(LIST_CSV.splitlines()[:-1]) + b"\n"  # without item 3
    got = result(
        await upload(service.url, IMPORT_LIST, {**apply, "dryRun": True}, "l.csv", shorter)
    )
    assert got["canApply"] is True
    assert got["counts"]["items"] == count(2, 0)
    [warning] = got["warnings"]
    assert warning["severity"] == "WARNING"
    assert "list:test:haibowan:item-3" in warning["message"]


async def test_the_same_list_as_xlsx_previews_the_same(service: LiveServer) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for line in LIST_CSV.decode().splitlines():
        sheet.append(line.replace('"新华街道、海北街道"', "新华街道、海北街道").split(","))
    out = io.BytesIO()
    workbook.save(out)
    dry = {**LIST_ARGS, "dryRun": True}
    from_csv = result(await upload(service.url, IMPORT_LIST, dry, "l.csv", LIST_CSV))
    from_xlsx = result(await upload(service.url, IMPORT_LIST, dry, "l.xlsx", out.getvalue()))
    assert from_xlsx["problems"] == []
    assert from_xlsx["counts"] == from_csv["counts"]
    assert from_xlsx["file"] == "l.xlsx"


async def test_a_table_of_the_other_kind_is_refused(store: GraphStore, service: LiveServer) -> None:
    apply = {**LIST_ARGS, "dryRun": False}
    result(await upload(service.url, IMPORT_LIST, apply, "list.csv", LIST_CSV, token=KEY))
    before = await counts(store)
    # the claims of that list, sent as another list: read as the claims table it is, refused
    other = {**apply, "listId": "list:test:other"}
    got = result(await upload(service.url, IMPORT_LIST, other, "c.csv", CLAIMS_CSV, token=KEY))
    assert got["applied"] is False
    assert got["counts"]["claims"]["total"] == 3  # what it read, not what it wrote
    assert any("importClaimsTable" in p["message"] for p in got["problems"]), got["problems"]
    # a list sent as a claims table: it needs its county, list id and title
    claims = result(
        await upload(service.url, IMPORT_CLAIMS, {"dryRun": False}, "l.csv", LIST_CSV, token=KEY),
        "importClaimsTable",
    )
    assert claims["applied"] is False
    assert claims["problems"]
    assert await counts(store) == before


async def test_a_synthetic_list_in_the_graph_is_not_overwritten(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    await load_fixture(store, "mini.yaml")  # synthetic, its list is t:list
    server = live_server(dataset_dir=DATA_DIR, api_key_hashes=hash_key(KEY))
    before = await counts(store)
    onto = {**LIST_ARGS, "listId": "t:list", "dryRun": False}
    got = result(await upload(server.url, IMPORT_LIST, onto, "list.csv", LIST_CSV, token=KEY))
    assert got["applied"] is False
    assert [p["field"] for p in got["problems"] if "synthetic" in p["message"]] == ["id"]
    assert await counts(store) == before


async def test_a_file_that_is_not_a_table_is_a_problem(service: LiveServer) -> None:
    got = result(
        await upload(
            service.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": True}, "../notes.txt", b"hello"
        )
    )
    assert got["file"] == "notes.txt"
    assert got["canApply"] is False
    [problem] = got["problems"]
    assert problem["field"] == "file"
    assert ".xlsx" in problem["message"]


async def test_an_uploaded_file_is_closed_before_the_answer(
    service: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every part of an upload is spooled to a temporary file (on disk past 1 MiB); the
    service closes each one before it answers, rather than leaving its descriptor and disk
    space to the garbage collector. The service runs in this process, so the spooled files
    are seen as Starlette's form parser makes them."""
    spooled: list[tempfile.SpooledTemporaryFile[bytes]] = []
    on_disk: list[tempfile.SpooledTemporaryFile[bytes]] = []

    class Recorded(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            spooled.append(self)

        def rollover(self) -> None:
            super().rollover()
            on_disk.append(self)

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Recorded)
    # a small upload, kept in memory, and one past the spool's 1 MiB, on disk (too many rows
    # to import: a refused upload must be closed too)
    large = LIST_CSV + b"\n" * (2 * 1024 * 1024)
    for content in (LIST_CSV, large):
        body = await upload(
            service.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": True}, "list.csv", content
        )
        assert result(body)["canApply"] is (content is LIST_CSV)
    assert len(spooled) == 2
    assert on_disk == [spooled[1]]
    assert all(file.closed for file in spooled)


async def test_an_upload_needs_the_preflight_header(store: GraphStore, service: LiveServer) -> None:
    before = await counts(store)
    response = await post_upload(
        service.url,
        IMPORT_LIST,
        {**LIST_ARGS, "dryRun": False},
        "list.csv",
        LIST_CSV,
        token=KEY,
        preflight=False,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert await counts(store) == before


async def test_uploads_and_other_bodies_have_their_own_caps(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(dataset_dir=DATA_DIR, max_body_bytes=1_000, max_upload_bytes=8_000)
    dry = {**LIST_ARGS, "dryRun": True}
    # the list and its query come to about 2.6 kB: over the body cap, under the upload cap
    accepted = await post_upload(server.url, IMPORT_LIST, dry, "list.csv", LIST_CSV)
    assert accepted.status_code == 200
    assert result(accepted.json())["canApply"] is True
    padded = LIST_CSV + b",,,,,,,,,\n" * 800  # blank rows: 8 kB more
    too_big = await post_upload(server.url, IMPORT_LIST, dry, "list.csv", padded)
    assert too_big.status_code == 413
    assert too_big.json()["errors"][0]["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "upload_size",
    }
    async with httpx.AsyncClient(base_url=server.url) as client:
        query = await client.post(
            "/graphql", json={"query": "{ regions { name } }", "padding": "x" * 2_000}
        )
    assert query.status_code == 413
    assert query.json()["errors"][0]["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "body_size",
    }


async def test_an_upload_waiting_past_its_deadline_for_another_check_is_busy(
    store: GraphStore, service: LiveServer, live_server: Callable[..., LiveServer]
) -> None:
    """Checks run one at a time (a table at the readers' bounds takes seconds of CPU): while
    another is being checked, an upload waits within its deadline, then answers BUSY and
    writes nothing; once the check is done, the same upload goes through."""
    hurried = live_server(
        dataset_dir=DATA_DIR,
        api_key_hashes=hash_key(KEY),
        request_deadline_s=3.0,
        import_deadline_s=3.0,
    )
    before = await counts(store)
    assert _CHECK_SLOT.acquire(timeout=5)  # another upload's check
    try:
        body = await upload(
            hurried.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": False}, "list.csv", LIST_CSV,
            token=KEY,
        )
    finally:
        _CHECK_SLOT.release()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BUSY"
    assert "Another upload is being checked" in error["message"]
    assert await counts(store) == before
    body = await upload(  # on a service with the default deadline: a check takes a second
        service.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": True}, "list.csv", LIST_CSV
    )
    assert result(body)["canApply"] is True


async def test_an_import_has_the_import_deadline_not_the_request_deadline(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    """Queries of this service get 10 ms, far less than any import takes: the import still
    applies, on the import deadline (a CI run on a loaded machine cut uploads off at 10 s)."""
    service = live_server(
        dataset_dir=DATA_DIR, api_key_hashes=hash_key(KEY), request_deadline_s=0.01
    )
    body = await upload(
        service.url, IMPORT_LIST, {**LIST_ARGS, "dryRun": False}, "list.csv", LIST_CSV, token=KEY
    )
    assert result(body)["applied"] is True
