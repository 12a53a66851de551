"""Delegation lists (赋权清单) and claims tables as counties publish them: CSV or XLSX.

Plain unit tests, no graph (every published shape: ``tests/test_list_shapes.py``). The sample
files are in ``tests/fixtures/tabular``; the other
encodings, the XLSX variants and the broken files are made here in ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from domain import BodyKind, ClaimMode, PowerType, RegionLevel
from graph_loaders.claims_table import read_claims_table
from graph_loaders.dataset import Body, Dataset, Region
from graph_loaders.delegation_lists import created_body_id, read_delegation_list
from graph_loaders.problems import Problem
from graph_loaders.quotes import normalise, quote_in_source
from graph_loaders.tabular import parse_date, parse_seq, source_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tabular"
LIST_CSV = FIXTURES / "delegation_list.csv"
CLAIMS_CSV = FIXTURES / "claims.csv"
LIST_ID = "t:uploaded"
TITLE = "测试县赋予乡镇（街道）行政权力事项清单"
HEADER = "序号,赋权事项,权力类型,法律法规依据,责任主体,原实施主体,认领方式,乡镇/街道,文号,日期"
ROW = "1,对无照经营的处罚,行政处罚,某条例,乡镇综合行政执法局,测试县市场监督管理局,确认,甲镇,,2020"


def _context() -> Dataset:
    regions = [
        Region(id="t:ar", name="测试自治区", level=RegionLevel.AUTONOMOUS_REGION),
        Region(id="t:city", name="测试市", level=RegionLevel.LEAGUE_CITY, parent="t:ar"),
        Region(id="t:county", name="测试县", level=RegionLevel.BANNER_COUNTY, parent="t:city"),
        Region(id="t:town-a", name="甲镇", level=RegionLevel.TOWNSHIP, parent="t:county"),
        Region(id="t:town-b", name="乙镇", level=RegionLevel.TOWNSHIP, parent="t:county"),
        Region(id="t:sub-c", name="丙街道", level=RegionLevel.SUBDISTRICT, parent="t:county"),
        Region(id="t:other", name="邻县", level=RegionLevel.BANNER_COUNTY, parent="t:city"),
        Region(id="t:town-d", name="丁镇", level=RegionLevel.TOWNSHIP, parent="t:other"),
    ]
    bodies = [
        Body(
            id="t:market",
            name="测试县市场监督管理局",
            kind=BodyKind.GOVERNMENT_DEPARTMENT,
            region="t:county",
            signboards=["测试县知识产权局"],
        ),
        Body(
            id="t:bureau-a",
            name="甲镇综合行政执法局",
            kind=BodyKind.ENFORCEMENT_BUREAU,
            region="t:town-a",
        ),
    ]
    return Dataset(synthetic=True, regions=regions, bodies=bodies)


CONTEXT = _context()


def _read(path: Path, **overrides: Any) -> tuple[Dataset, list[Problem]]:
    args: dict[str, Any] = {"county": "t:county", "list_id": LIST_ID, "list_title": TITLE}
    args.update(overrides)
    return read_delegation_list(path, context=CONTEXT, **args)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _xlsx(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def _facts(ds: Dataset) -> dict[str, Any]:
    """The records without the file name their provenance points at."""
    dumped = ds.model_dump(mode="json")
    for records in dumped.values():
        if isinstance(records, list):
            for record in records:
                for p in record.get("provenance", []):
                    p["source"] = "<file>"
    return dumped


def _where(problems: list[Problem]) -> set[tuple[str, str, int | None]]:
    return {(p.location, p.field, p.line) for p in problems}


def _ordered_where(problems: list[Problem]) -> list[tuple[str, str, int | None]]:
    return [(p.location, p.field, p.line) for p in problems]


# ----------------------------------------------------------------------- good files


def test_good_csv_maps_rows_to_items_holdings_and_delegations() -> None:
    ds, problems = _read(LIST_CSV)
    assert problems == []

    (power_list,) = ds.power_lists
    assert power_list.id == LIST_ID
    assert power_list.title == TITLE
    assert power_list.scope_region == "t:county"
    assert power_list.item_count == 4
    assert power_list.doc_number == "测政发〔2020〕12号"
    assert power_list.date == "2020-06-01"
    assert power_list.provenance[0].quote == TITLE

    items = {i.seq: i for i in ds.power_items}
    assert sorted(items) == [1, 2, 3, 4]
    assert items[2].id == "t:uploaded:item-2"
    assert items[2].name == "对食品摊贩的检查"
    assert items[1].power_type is PowerType.PENALTY
    assert items[3].power_type is PowerType.COERCION
    assert items[4].power_type is PowerType.LICENSING  # English enum name accepted
    assert items[1].legal_basis == "《无证无照经营查处办法》第十三条"
    for item in ds.power_items:
        assert not item.synthetic
        assert [(p.source, p.quote) for p in item.provenance] == [(LIST_CSV.name, item.name)]

    holders = {h.item: h.body for h in ds.holdings}
    created = created_body_id("t:county", "测试县城市管理综合行政执法局")
    assert holders == {
        "t:uploaded:item-1": "t:market",
        "t:uploaded:item-2": "t:market",  # matched by its signboard 测试县知识产权局
        "t:uploaded:item-3": created,
        "t:uploaded:item-4": created,
    }

    delegations = {(d.item, d.to_region): d for d in ds.delegations}
    assert sorted(delegations) == [
        ("t:uploaded:item-1", "t:town-a"),
        ("t:uploaded:item-2", "t:town-a"),
        ("t:uploaded:item-2", "t:town-b"),
        ("t:uploaded:item-3", "t:sub-c"),
        ("t:uploaded:item-3", "t:town-a"),
        ("t:uploaded:item-3", "t:town-b"),
        ("t:uploaded:item-4", "t:sub-c"),
    ]
    first = delegations[("t:uploaded:item-1", "t:town-a")]
    assert first.id == "t:uploaded:item-1:to:t:town-a"
    assert first.from_body == "t:market"
    assert first.mode is ClaimMode.CONFIRM
    assert first.date == "2020-06-01"
    assert first.doc_number == "测政发〔2020〕12号"
    # 乡镇综合行政执法局 in 甲镇 is the known body 甲镇综合行政执法局; 乙镇 has none
    assert first.to_body == "t:bureau-a"
    assert delegations[("t:uploaded:item-2", "t:town-a")].mode is ClaimMode.ASSIGN
    assert delegations[("t:uploaded:item-2", "t:town-b")].to_body is None
    assert delegations[("t:uploaded:item-4", "t:sub-c")].mode is None  # blank 认领方式


def test_unknown_original_body_is_created_once() -> None:
    ds, _ = _read(LIST_CSV)
    (body,) = ds.bodies
    assert body.id == created_body_id("t:county", "测试县城市管理综合行政执法局")
    assert body.name == "测试县城市管理综合行政执法局"
    assert body.kind is BodyKind.GOVERNMENT_DEPARTMENT
    assert body.region == "t:county"
    assert body.provenance[0].quote == "测试县城市管理综合行政执法局"
    assert body.origin is not None
    assert body.origin.line == 6  # first row that names it


def test_all_towns_expands_to_every_town_and_subdistrict_of_the_county() -> None:
    ds, _ = _read(LIST_CSV)
    towns = sorted(d.to_region or "" for d in ds.delegations if d.item == "t:uploaded:item-3")
    assert towns == ["t:sub-c", "t:town-a", "t:town-b"]  # not 丁镇 of the other county


@pytest.mark.parametrize("word", ["各乡镇", "各苏木乡镇（街道）", "全部乡镇、街道", "ALL"])
def test_other_words_for_all_towns(tmp_path: Path, word: str) -> None:
    row = ROW.replace(",甲镇,", f',"{word}",')
    ds, problems = _read(_write(tmp_path, "list.csv", f"{HEADER}\n{row}\n"))
    assert problems == []
    assert sorted(d.to_region or "" for d in ds.delegations) == ["t:sub-c", "t:town-a", "t:town-b"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_other_encodings_give_the_same_records(tmp_path: Path, encoding: str) -> None:
    text = LIST_CSV.read_text(encoding="utf-8")
    path = _write(tmp_path, f"list-{encoding}.csv", text, encoding)
    expected, _ = _read(LIST_CSV)
    ds, problems = _read(path)
    assert problems == []
    assert _facts(ds) == _facts(expected)
    assert ds.power_items[0].provenance[0].source == path.name


def test_xlsx_gives_the_same_records_and_fills_merged_cells(tmp_path: Path) -> None:
    rows: list[list[Any]] = _rows(LIST_CSV)
    for row in rows[3:7]:
        row[0] = int(row[0].rstrip("."))  # numbers, as a spreadsheet stores them
    rows[6][5] = ""  # 原实施主体 of the last item: merged with the cell above (F6:F7)
    path = _xlsx(tmp_path / "list.xlsx", rows, merges=("A1:J1", "F6:F7"))
    expected, _ = _read(LIST_CSV)
    ds, problems = _read(path)
    assert problems == []
    assert _facts(ds) == _facts(expected)


def test_xlsx_date_cells_and_trailing_rows(tmp_path: Path) -> None:
    import datetime as dt

    rows: list[list[Any]] = [HEADER.split(","), ROW.split(",")]
    rows[1][0] = 1
    rows[1][9] = dt.datetime(2020, 6, 1)
    rows += [["", "", ""], [None] * 10]
    ds, problems = _read(_xlsx(tmp_path / "dated.xlsx", rows))
    assert problems == []
    assert ds.delegations[0].date == "2020-06-01"
    assert ds.power_lists[0].item_count == 1


def test_loading_twice_gives_equal_datasets(tmp_path: Path) -> None:
    first, _ = _read(LIST_CSV)
    second, _ = _read(LIST_CSV)
    assert first == second
    assert first.model_dump() == second.model_dump()
    rows: list[list[Any]] = _rows(LIST_CSV)
    path = _xlsx(tmp_path / "list.xlsx", rows)
    assert _read(path)[0] == _read(path)[0]


@pytest.mark.parametrize("kind", ["csv", "gb18030", "xlsx"])
def test_quotes_are_found_in_the_source_text(tmp_path: Path, kind: str) -> None:
    if kind == "csv":
        path = LIST_CSV
    elif kind == "gb18030":
        path = _write(tmp_path, "gb.csv", LIST_CSV.read_text(encoding="utf-8"), "gb18030")
    else:
        path = _xlsx(tmp_path / "list.xlsx", _rows(LIST_CSV))
    ds, problems = _read(path)
    assert problems == []
    text = normalise(source_text(path))
    for section in ("bodies", "power_lists", "power_items", "holdings", "delegations"):
        for record in ds.records(section):
            for p in getattr(record, "provenance", []):
                assert p.source == path.name
                assert quote_in_source(p.quote, text), (section, p.quote)


def test_quote_with_csv_double_quotes_is_found(tmp_path: Path) -> None:
    row = ROW.replace("对无照经营的处罚", '"对""无照""经营的处罚"')
    path = _write(tmp_path, "quoted.csv", f"{HEADER}\n{row}\n")
    ds, problems = _read(path)
    assert problems == []
    assert ds.power_items[0].name == '对"无照"经营的处罚'
    assert quote_in_source(ds.power_items[0].provenance[0].quote, normalise(source_text(path)))


def test_header_cells_with_full_width_spaces_and_tabs(tmp_path: Path) -> None:
    header = "\t".join(f"　{c} " for c in HEADER.split(",")).replace("序号", "序　号")
    path = _write(tmp_path, "list.tsv", header + "\n" + ROW.replace(",", "\t") + "\n")
    ds, problems = _read(path)
    assert problems == []
    assert [i.name for i in ds.power_items] == ["对无照经营的处罚"]


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    header = "序号,赋权事项,权力类型,法律法规依据,责任主体,原实施主体"
    row = "1,对无照经营的处罚,行政处罚,某条例,乡镇综合行政执法局,测试县市场监督管理局"
    path = _write(tmp_path, "short.csv", f"{header}\n{row}\n")
    ds, problems = _read(path)
    # no 乡镇/街道: a warning that says what follows, not an error
    assert [(p.severity, p.location, p.field) for p in problems] == [
        ("warning", "row 1", "乡镇/街道")
    ]
    assert "without delegations" in problems[0].reason
    assert len(ds.power_items) == 1
    assert len(ds.holdings) == 1
    assert ds.delegations == []  # no 乡镇/街道: no town to delegate to
    assert ds.power_lists[0].doc_number is None


def test_values_that_vary_stay_on_the_delegations(tmp_path: Path) -> None:
    second = ROW.replace("1,", "2,", 1).replace(",2020", ",2021")
    ds, problems = _read(_write(tmp_path, "dates.csv", f"{HEADER}\n{ROW}\n{second}\n"))
    assert problems == []
    assert ds.power_lists[0].date is None
    assert sorted(d.date or "" for d in ds.delegations) == ["2020", "2021"]


# ---------------------------------------------------------------------- bad lists


def test_a_header_without_an_item_name_column_is_an_error(tmp_path: Path) -> None:
    header = HEADER.replace("赋权事项", "事项内容").replace("原实施主体", "实施部门")
    path = _write(tmp_path, "bad-header.csv", f"标题\n{header}\n{ROW}\n")
    ds, problems = _read(path)
    assert ds == Dataset()
    (problem,) = problems
    assert (problem.file, problem.location, problem.field, problem.severity) == (
        str(path),
        "row 2",
        "事项名称",
        "error",
    )
    assert "no item-name column" in problem.reason


def test_no_header_row_at_all(tmp_path: Path) -> None:
    path = _write(tmp_path, "no-header.csv", "\n".join(["a,b,c"] * 12) + "\n")
    _, problems = _read(path)
    (problem,) = problems
    assert (problem.file, problem.location, problem.line) == (str(path), "row 1", 1)
    assert "no header row in the first 10 rows" in problem.reason
    assert "first non-empty row has: a, b, c" in problem.reason


def test_header_below_row_10_is_not_found(tmp_path: Path) -> None:
    path = _write(tmp_path, "deep.csv", "说明\n" * 10 + f"{HEADER}\n{ROW}\n")
    _, problems = _read(path)
    assert [p.reason.split(";")[0] for p in problems] == ["no header row in the first 10 rows"]


def test_an_unknown_power_type_is_kept_as_text_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad-type.csv", HEADER + "\n" + ROW.replace("行政处罚", "行政指导"))
    ds, problems = _read(path)
    (problem,) = problems
    assert (problem.file, problem.location, problem.field, problem.line, problem.severity) == (
        str(path),
        "row 2",
        "权力类型",
        2,
        "warning",
    )
    assert "'行政指导'" in problem.reason
    (item,) = ds.power_items
    assert (item.power_type, item.power_type_text) == (None, "行政指导")


def test_a_numbering_that_fails_numbers_the_items_in_row_order(tmp_path: Path) -> None:
    names = ["对甲的处罚", "对乙的处罚", "对丙的处罚", "对丁的处罚"]
    rows = [
        ROW.replace("对无照经营的处罚", names[0]),
        ROW.replace("1,", "1.,", 1).replace("对无照经营的处罚", names[1]),  # 序号 1 again
        ROW.replace("1,", "（一）,", 1).replace("对无照经营的处罚", names[2]),
        ROW.replace("1,", "0,", 1).replace("对无照经营的处罚", names[3]),
    ]
    path = _write(tmp_path, "seq.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    ds, problems = _read(path)
    # one warning, where the list's own numbering first fails; items keep their row order
    assert [(p.severity, p.location, p.field) for p in problems] == [("warning", "row 3", "序号")]
    assert problems[0].reason.startswith("序号 1 is already the number of '对甲的处罚' (row 2)")
    assert [(i.seq, i.name) for i in ds.power_items] == list(enumerate(names, start=1))


def test_the_same_item_on_two_rows_is_one_item_with_both_towns(tmp_path: Path) -> None:
    second = ROW.replace(",甲镇,", ",乙镇,")
    ds, problems = _read(_write(tmp_path, "two-rows.csv", f"{HEADER}\n{ROW}\n{second}\n"))
    assert problems == []
    assert [i.seq for i in ds.power_items] == [1]
    assert sorted(d.to_region or "" for d in ds.delegations) == ["t:town-a", "t:town-b"]


def test_unknown_town_and_town_of_another_county(tmp_path: Path) -> None:
    row = ROW.replace(",甲镇,", ',"甲镇、戊镇；丁镇",')
    path = _write(tmp_path, "towns.csv", f"{HEADER}\n{row}\n")
    _, problems = _read(path)
    assert _where(problems) == {("row 2", "乡镇/街道", 2)}
    reasons = sorted(p.reason for p in problems)
    assert reasons == [
        "'丁镇' is not a town of 测试县 (it is in 邻县); its towns: 丙街道、乙镇、甲镇",
        "unknown town or subdistrict '戊镇' in 测试县; its towns: 丙街道、乙镇、甲镇",
    ]


def test_unknown_county_and_bad_list_id(tmp_path: Path) -> None:
    _, problems = _read(LIST_CSV, county="t:nowhere", list_id="Bad Id")
    assert {(p.location, p.field) for p in problems} == {("", "county"), ("", "list_id")}
    _, problems = _read(LIST_CSV, county="t:town-a")
    assert [p.reason for p in problems] == [
        "'t:town-a' is 甲镇 (t:town-a, 测试县), a TOWNSHIP, not a county"
    ]


def test_empty_required_cell_csv_and_unmerged_xlsx(tmp_path: Path) -> None:
    row = ROW.replace("测试县市场监督管理局", "").replace("1,", "2,", 1)
    _, problems = _read(_write(tmp_path, "empty.csv", f"{HEADER}\n{ROW}\n{row}\n"))
    # no original body: the item loads without a holding, and a warning says why
    assert _where(problems) == {("row 3", "原实施主体", 3)}
    assert problems[0].severity == "warning"
    assert "write the value out" in problems[0].reason

    rows: list[list[Any]] = [HEADER.split(","), ROW.split(","), row.split(",")]
    ds, problems = _read(_xlsx(tmp_path / "empty.xlsx", rows))
    assert _where(problems) == {("row 3", "原实施主体", 3)}
    assert "merge the cell" in problems[0].reason
    assert [h.item for h in ds.holdings] == ["t:uploaded:item-1"]
    assert len(ds.power_items) == 2

    row = ROW.replace("对无照经营的处罚", "").replace("1,", "2,", 1)
    ds, problems = _read(_write(tmp_path, "no-name.csv", f"{HEADER}\n{ROW}\n{row}\n"))
    assert [(p.severity, p.location, p.field) for p in problems] == [("error", "row 3", "事项名称")]


def test_bad_mode_and_date_in_a_list(tmp_path: Path) -> None:
    row = ROW.replace("确认", "认领").replace(",2020", ",2020-02-30")
    _, problems = _read(_write(tmp_path, "mode.csv", f"{HEADER}\n{row}\n"))
    assert _where(problems) == {("row 2", "认领方式", 2), ("row 2", "日期", 2)}


def test_bad_encoding_bytes(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(HEADER.encode("utf-8") + b"\n1,\xff\xfe\xff,x\n")
    ds, problems = _read(path)
    (problem,) = problems
    assert (problem.file, problem.field, problem.line) == (str(path), "encoding", 2)
    assert "neither UTF-8 nor GB18030" in problem.reason
    assert ds == Dataset()


def test_utf16_is_reported_not_guessed(tmp_path: Path) -> None:
    path = _write(tmp_path, "unicode.csv", f"{HEADER}\n{ROW}\n", "utf-16")
    _, problems = _read(path)
    assert [(p.field, "UTF-16" in p.reason) for p in problems] == [("encoding", True)]


def test_corrupted_xlsx(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", _rows(LIST_CSV)).read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good[: len(good) // 2])
    not_zip = tmp_path / "not-a-zip.xlsx"
    not_zip.write_bytes(b"this is not a workbook")
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    text_as_xls = tmp_path / "text.xls"
    text_as_xls.write_bytes(b"not a workbook either")
    for path, words in (
        (truncated, "unreadable XLSX"),
        (not_zip, "unreadable XLSX"),
        (legacy, "unreadable XLS workbook"),
        (text_as_xls, "unreadable XLS:"),
    ):
        ds, problems = _read(path)
        assert ds == Dataset()
        assert [(p.file, words in p.reason) for p in problems] == [(str(path), True)], problems


def test_empty_file(tmp_path: Path) -> None:
    _, problems = _read(_write(tmp_path, "empty.csv", ""))
    assert [p.reason for p in problems] == ["the file is empty: no header row, no rows"]
    _, problems = _read(_write(tmp_path, "header-only.csv", HEADER + "\n,,,\n"))
    assert [p.reason for p in problems] == ["no rows below the header row"]


def test_a_file_with_several_errors_reports_all_of_them(tmp_path: Path) -> None:
    rows = [
        ROW,
        ROW.replace("1,", "2,", 1).replace("行政处罚", "行政指导"),  # unknown type (warning)
        ROW.replace("1,", "3,", 1).replace(",甲镇,", ",戊镇,"),  # unknown town
        ROW.replace("1,", "4,", 1).replace("对无照经营的处罚", "").replace("确认", "?"),
        ROW.replace("1,", "5,", 1).replace(",2020", ",2020-02-30"),  # not a date
    ]
    path = _write(tmp_path, "many.csv", "标题\n" + HEADER + "\n" + "\n".join(rows) + "\n")
    ds, problems = _read(path)
    assert {(p.severity, *w) for p, w in zip(problems, _ordered_where(problems), strict=True)} == {
        ("warning", "row 4", "权力类型", 4),
        ("error", "row 5", "乡镇/街道", 5),
        ("error", "row 6", "事项名称", 6),
        ("error", "row 6", "认领方式", 6),
        ("error", "row 7", "日期", 7),
    }
    assert all(p.file == str(path) for p in problems)
    assert [i.seq for i in ds.power_items] == [1, 2]  # the rows without errors (for reports)


# ------------------------------------------------------------------------- claims


def _merged() -> Dataset:
    listed, problems = _read(LIST_CSV)
    assert problems == []
    return Dataset(
        regions=CONTEXT.regions,
        bodies=CONTEXT.bodies + listed.bodies,
        power_lists=listed.power_lists,
        power_items=listed.power_items,
    )


def test_good_claims_csv() -> None:
    ds, problems = read_claims_table(CLAIMS_CSV, context=_merged())
    assert problems == []
    got = [(c.region, c.item, c.mode, c.date) for c in ds.claims]
    assert got == [
        ("t:town-a", "t:uploaded:item-1", ClaimMode.CONFIRM, "2020-06"),
        ("t:town-b", "t:uploaded:item-2", ClaimMode.ASSIGN, "2020-06-15"),
        ("t:sub-c", "t:uploaded:item-4", ClaimMode.CONFIRM, "2020"),
    ]
    assert all(c.list == LIST_ID for c in ds.claims)
    lines = CLAIMS_CSV.read_text(encoding="utf-8").splitlines()
    assert [(p.source, p.quote) for c in ds.claims for p in c.provenance] == [
        (CLAIMS_CSV.name, line) for line in lines[1:]
    ]
    text = normalise(source_text(CLAIMS_CSV))
    assert all(quote_in_source(c.provenance[0].quote, text) for c in ds.claims)
    assert read_claims_table(CLAIMS_CSV, context=_merged())[0] == ds


def test_claims_with_chinese_headers_in_gb18030(tmp_path: Path) -> None:
    text = CLAIMS_CSV.read_text(encoding="utf-8").replace(
        "town,list,item,mode,date", "乡镇/街道,清单,事项,认领方式,日期"
    )
    path = _write(tmp_path, "claims.csv", text, "gb18030")
    ds, problems = read_claims_table(path, context=_merged())
    assert problems == []
    assert len(ds.claims) == 3


def test_bad_claims_report_every_problem(tmp_path: Path) -> None:
    text = (
        "town,list,item,mode,date\n"
        "甲镇,t:uploaded,1,认领,2020-06\n"  # bad mode
        "甲镇,t:uploaded,2,确认,2020-13-01\n"  # bad date
        "戊镇,t:uploaded,2,确认,\n"  # unknown town
        "测试县,t:uploaded,2,确认,\n"  # not a town
        "乙镇,t:nolist,2,确认,\n"  # unknown list
        "乙镇,t:uploaded,99,确认,\n"  # no such 序号
        "乙镇,t:uploaded,3,确认,\n"
        "乙镇,t:uploaded,t:uploaded:item-3,交办,\n"  # duplicate claim
        "丙街道,t:uploaded,,确认,\n"  # empty item
    )
    path = _write(tmp_path, "claims.csv", text)
    ds, problems = read_claims_table(path, context=_merged())
    assert _where(problems) == {
        ("row 2", "mode", 2),
        ("row 3", "date", 3),
        ("row 4", "town", 4),
        ("row 5", "town", 5),
        ("row 6", "list", 6),
        ("row 7", "item", 7),
        ("row 9", "item", 9),
        ("row 10", "item", 10),
    }
    assert all(p.file == str(path) for p in problems)
    assert [c.item for c in ds.claims] == ["t:uploaded:item-3"]  # row 8 is fine


def test_claims_problems_name_the_header_as_written(tmp_path: Path) -> None:
    text = "乡镇/街道,清单,事项,认领方式\n甲镇,t:uploaded,1,可能\n"
    _, problems = read_claims_table(_write(tmp_path, "c.csv", text), context=_merged())
    assert _where(problems) == {("row 2", "认领方式", 2)}


def test_claims_wrong_header(tmp_path: Path) -> None:
    text = "town,list,thing,mode\n甲镇,t:uploaded,1,确认\n"
    _, problems = read_claims_table(_write(tmp_path, "c.csv", text), context=_merged())
    assert _where(problems) == {("row 1", "item", 1)}
    assert "found: town, list, thing, mode" in problems[0].reason


# ------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "seq"),
    [("1", 1), ("1.", 1), ("12、", 12), ("１", 1), (" 3 ", 3), ("（一）", None), ("1.5", None)],
)
def test_parse_seq(text: str, seq: int | None) -> None:
    assert parse_seq(text) == seq


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2020", "2020"),
        ("2020-06", "2020-06"),
        ("2020-6-1", "2020-06-01"),
        ("2020/6/1", "2020-06-01"),
        ("2020年6月1日", "2020-06-01"),
        ("2020-06-01 00:00:00", "2020-06-01"),
        ("2021-02-29", None),
        ("2020-13", None),
        ("六月", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_claims_xlsx_quotes_are_the_cells_joined_by_tabs(tmp_path: Path) -> None:
    rows = _rows(CLAIMS_CSV)
    path = _xlsx(tmp_path / "claims.xlsx", [["认领表"], [], *rows])
    ds, problems = read_claims_table(path, context=_merged())
    assert problems == []
    assert ds.claims[0].provenance[0].quote == "甲镇\tt:uploaded\t1\t确认\t2020-06"
    assert ds.claims[0].origin is not None
    assert ds.claims[0].origin.line == 4
    text = normalise(source_text(path))
    assert all(quote_in_source(c.provenance[0].quote, text) for c in ds.claims)


def test_a_row_with_an_error_creates_no_body(tmp_path: Path) -> None:
    row = ROW.replace("测试县市场监督管理局", "新设局").replace(",甲镇,", ",戊镇,")
    ds, problems = _read(_write(tmp_path, "list.csv", f"{HEADER}\n{row}\n"))
    assert _where(problems) == {("row 2", "乡镇/街道", 2)}
    assert ds.bodies == []
