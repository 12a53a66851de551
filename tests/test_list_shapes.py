"""Every published list shape, read as published: delegated, statutory and
power-and-responsibility lists; XLSX with merged cells, legacy XLS, GB18030 CSV in
traditional characters, English headers, short shapes, a cut-off file (no graph)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain import ClaimMode, ListKind, PowerType
from graph_loaders.dataset import Dataset
from graph_loaders.delegation_lists import created_body_id, default_list_id, read_delegation_list
from graph_loaders.problems import Problem
from graph_loaders.quotes import normalise, quote_in_source
from graph_loaders.tabular import source_text
from tests.list_fixtures import (
    COUNTY,
    DELEGATED_MERGES,
    DELEGATED_ROWS,
    DELEGATED_TITLE,
    LISTS,
    MARKET,
    PR_MERGES,
    PR_ROWS,
    PR_TITLE,
    TOWN,
    qingshuihe_context,
    write_xls,
    write_xlsx,
)

CONTEXT = qingshuihe_context()
ALL_TOWNS = sorted(TOWN.values())


def _read(path: Path, **options: Any) -> tuple[Dataset, list[Problem]]:
    options.setdefault("county", "清水河县")
    return read_delegation_list(path, context=CONTEXT, **options)


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocks]


def _warnings(problems: list[Problem]) -> list[tuple[str, str, int | None]]:
    return [(p.location, p.field, p.line) for p in problems if not p.blocks]


def _towns(ds: Dataset, seq: int) -> list[str]:
    item = next(i for i in ds.power_items if i.seq == seq)
    return sorted(d.to_region or "" for d in ds.delegations if d.item == item.id)


def _facts(ds: Dataset) -> dict[str, Any]:
    """The records without the file name their provenance points at."""
    dumped = ds.model_dump(mode="json")
    for records in dumped.values():
        if isinstance(records, list):
            for record in records:
                for p in record.get("provenance", []):
                    p["source"] = "<file>"
    return dumped


def _assert_quotes_found(ds: Dataset, path: Path) -> None:
    text = normalise(source_text(path))
    for section in ("bodies", "power_lists", "power_items", "holdings", "delegations"):
        for record in ds.records(section):
            for p in getattr(record, "provenance", []):
                assert p.source == path.name
                assert quote_in_source(p.quote, text), (section, p.quote)


# ------------------------------------------------------------------- delegated lists


@pytest.fixture
def delegated_xlsx(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "清水河县赋权清单.xlsx", DELEGATED_ROWS, DELEGATED_MERGES)


def test_a_delegated_xlsx_with_merged_cells_and_line_breaks(delegated_xlsx: Path) -> None:
    ds, problems = _read(delegated_xlsx)
    # the note merged across the foot is not an item, and says so
    assert [(p.severity, p.location, p.field) for p in problems] == [("warning", "row 10", "")]
    assert "read as a heading or note" in problems[0].reason

    (power_list,) = ds.power_lists
    assert power_list.kind is ListKind.DELEGATED
    assert power_list.title == DELEGATED_TITLE  # the title row, as no title was given
    assert power_list.id == default_list_id(CONTEXT.regions[2], DELEGATED_TITLE)
    assert power_list.scope_region == COUNTY
    assert power_list.item_count == 4

    items = {i.seq: i for i in ds.power_items}
    assert sorted(items) == [1, 2, 3, 4]
    assert items[1].legal_basis == "《中华人民共和国城乡规划法》\n第六十五条"  # as published
    assert items[1].scope == "全部赋权"
    # 行政檢查 (traditional) is INSPECTION; the text stays as published
    assert (items[2].power_type, items[2].power_type_text) == (PowerType.INSPECTION, "行政檢查")
    assert items[4].power_type is PowerType.OTHER

    # item 2 takes two rows (its cells merged): one item, delegated to both rows' towns
    assert _towns(ds, 1) == ALL_TOWNS  # 全部乡镇
    assert _towns(ds, 2) == sorted([TOWN["城关镇"], TOWN["宏河镇"]])  # 宏河 without 镇
    assert _towns(ds, 3) == sorted([TOWN["喇嘛湾镇"], TOWN["老牛湾镇"]])  # by code, by name
    assert _towns(ds, 4) == [TOWN["窑沟乡"]]  # written after the county's name

    holders = {h.item: h.body for h in ds.holdings}
    assert holders[items[2].id] == MARKET  # 清水河县知识产权局 is the market body's signboard
    assert holders[items[3].id] == created_body_id(COUNTY, "清水河县城市管理综合行政执法局")
    assert sorted(b.name for b in ds.bodies) == [
        "清水河县公安局",
        "清水河县城市管理综合行政执法局",
        "清水河县自然资源局",
    ]
    to_chengguan = next(
        d for d in ds.delegations if d.to_region == TOWN["城关镇"] and d.item == items[2].id
    )
    assert to_chengguan.to_body == "body:150124100:enforcement"  # 乡镇综合行政执法局 there
    assert to_chengguan.from_body == MARKET
    _assert_quotes_found(ds, delegated_xlsx)


def test_the_same_list_as_a_legacy_xls_gives_the_same_records(
    tmp_path: Path, delegated_xlsx: Path
) -> None:
    xls = write_xls(tmp_path / "清水河县赋权清单.xls", DELEGATED_ROWS, DELEGATED_MERGES)
    assert xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real BIFF/OLE file
    expected, _ = _read(delegated_xlsx)
    ds, problems = _read(xls)
    assert _errors(problems) == []
    assert _facts(ds) == _facts(expected)
    _assert_quotes_found(ds, xls)


def test_traditional_characters_in_gb18030_match_their_simplified_forms() -> None:
    path = LISTS / "qingshuihe_traditional.csv"
    assert path.read_bytes().decode("gb18030").startswith("清水河縣")  # not UTF-8
    ds, problems = _read(path)
    assert problems == []
    (power_list,) = ds.power_lists
    assert power_list.title == "清水河縣賦予鄉鎮（街道）行政權力事項清單"  # stored as published
    assert (power_list.doc_number, power_list.date) == ("清政發〔2021〕15號", "2021-06-01")
    items = {i.seq: i for i in ds.power_items}
    assert items[1].name == "對未取得食品經營許可從事食品經營活動的處罰"
    assert items[3].name == "對擅自設置大型戶外廣告\n影響市容的處罰"  # a line break in the cell
    assert {i.power_type for i in items.values()} == {PowerType.PENALTY, PowerType.INSPECTION}
    # 清水河縣市場監督管理局 is the known body 清水河县市场监督管理局
    assert next(h.body for h in ds.holdings if h.item == items[1].id) == MARKET
    assert _towns(ds, 1) == [TOWN["城关镇"]]  # 城關鎮
    assert _towns(ds, 2) == sorted([TOWN["喇嘛湾镇"], TOWN["老牛湾镇"]])
    assert _towns(ds, 3) == ALL_TOWNS  # 全部鄉鎮
    assert _towns(ds, 4) == [TOWN["窑沟乡"]]  # 窯溝鄉
    # a created body keeps its published name; its id is that of the simplified name
    created = {b.name: b.id for b in ds.bodies}
    assert created["清水河縣城市管理綜合行政執法局"] == created_body_id(
        COUNTY, "清水河县城市管理综合行政执法局"
    )
    _assert_quotes_found(ds, path)


def test_english_headers_are_a_delegated_list() -> None:
    ds, problems = _read(LISTS / "delegated_english.csv", list_id="list:150124:en", list_title="T")
    assert problems == []
    assert [(i.seq, i.power_type) for i in ds.power_items] == [
        (1, PowerType.PENALTY),
        (2, PowerType.OTHER),
    ]
    modes = {d.to_region: d.mode for d in ds.delegations}
    assert modes == {
        TOWN["城关镇"]: ClaimMode.CONFIRM,
        TOWN["宏河镇"]: ClaimMode.ASSIGN,
        TOWN["北堡乡"]: ClaimMode.ASSIGN,
    }


def test_a_short_shape_loads_with_warnings_for_what_it_lacks() -> None:
    path = LISTS / "delegated_minimal.csv"
    ds, problems = _read(path)
    assert _errors(problems) == []
    # each gap once, at the header (file, row, column), or at the row it concerns
    assert _warnings(problems) == [
        ("row 2", "原实施主体", 2),
        ("row 6", "乡镇/街道", 6),
        ("row 2", "权力类型", 2),
    ]
    reasons = {p.field: p.reason for p in problems}
    assert reasons["原实施主体"] == "no 原实施主体 column: the items load without holdings"
    assert reasons["权力类型"].startswith("no 权力类型 column: 3 of 3 items load with their type")
    assert [(i.power_type, i.power_type_text) for i in ds.power_items] == [(None, None)] * 3
    assert ds.holdings == []
    assert ds.bodies == []
    assert _towns(ds, 1) == ALL_TOWNS
    assert _towns(ds, 2) == sorted([TOWN["城关镇"], TOWN["喇嘛湾镇"]])  # one name a line
    assert _towns(ds, 3) == []
    assert all(d.from_body is None for d in ds.delegations)  # from the list itself


# --------------------------------------------------------------------- other kinds


def test_a_statutory_list_delegates_nothing_and_takes_types_from_its_headings() -> None:
    ds, problems = _read(LISTS / "qingshuihe_statutory.csv")
    assert problems == []  # every item has its type from the heading above it
    (power_list,) = ds.power_lists
    assert power_list.kind is ListKind.STATUTORY  # 法定 in its title
    assert [(i.seq, i.power_type) for i in ds.power_items] == [
        (1, PowerType.LICENSING),
        (2, PowerType.PENALTY),
        (3, PowerType.PENALTY),
        (4, PowerType.PAYMENT),
    ]
    assert ds.power_items[1].power_type_text == "二、行政处罚（2项）"
    assert (ds.holdings, ds.delegations, ds.bodies) == ([], [], [])


def test_a_statutory_list_with_town_and_holder_columns_still_delegates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "法定.csv"
    path.write_text(
        "清水河县乡镇法定行政权力事项清单\n"
        "序号,事项名称,权力类型,法律依据,乡镇/街道\n"
        "1,农村村民宅基地审批,行政许可,《中华人民共和国土地管理法》第六十二条,全部乡镇\n",
        encoding="utf-8",
    )
    ds, problems = _read(path)
    assert [(p.severity, p.field) for p in problems] == [("warning", "乡镇/街道")]
    assert "a STATUTORY list delegates nothing" in problems[0].reason
    assert ds.delegations == []


def test_a_power_and_responsibility_list_makes_an_item_of_each_sub_item(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "权责清单.xlsx", PR_ROWS, PR_MERGES)
    ds, problems = _read(path)
    assert problems == []  # no 序号 is not a gap of this shape
    (power_list,) = ds.power_lists
    assert (power_list.kind, power_list.title) == (ListKind.POWER_AND_RESPONSIBILITY, PR_TITLE)
    got = [(i.seq, i.name, i.parent_name, i.code, i.power_type) for i in ds.power_items]
    assert got == [
        (
            1,
            "对未依法取得乡村建设规划许可证进行建设的处罚",
            "对违反乡村建设规划行为的处罚",
            "150124-XZCF-001",
            PowerType.PENALTY,
        ),
        (
            2,
            "对未按照乡村建设规划许可证的规定进行建设的处罚",
            "对违反乡村建设规划行为的处罚",
            "150124-XZCF-001",
            PowerType.PENALTY,
        ),
        (
            3,
            "对在村庄、集镇规划区内擅自在街道、广场、市场和车站等场所堆放物料的处罚",
            None,  # 子项 无: the item is its own
            "150124-XZCF-002",
            PowerType.PENALTY,
        ),
        (4, "特困人员救助供养", None, "150124-XZGF-001", PowerType.PAYMENT),
        (
            5,
            "个人之间、个人与单位之间的土地使用权争议的处理",
            None,
            "150124-XZCJ-001",
            PowerType.ADJUDICATION,
        ),
    ]
    assert ds.power_items[0].responsibilities == PR_ROWS[2][5]  # line breaks kept
    assert ds.power_items[0].accountability == PR_ROWS[2][6]
    assert (ds.holdings, ds.delegations) == ([], [])
    _assert_quotes_found(ds, path)
    # the same list as XLS
    xls, _ = _read(write_xls(tmp_path / "权责清单.xls", PR_ROWS, PR_MERGES))
    assert _facts(xls) == _facts(ds)


def test_the_kind_given_wins_and_a_list_that_does_not_say_is_read_as_delegated(
    tmp_path: Path,
) -> None:
    ds, problems = _read(LISTS / "qingshuihe_statutory.csv", kind=ListKind.DELEGATED)
    assert ds.power_lists[0].kind is ListKind.DELEGATED
    assert any("though 法定 in its title says STATUTORY" in p.reason for p in problems)

    path = tmp_path / "untitled.csv"
    path.write_text("序号,事项名称,权力类型\n1,农村村民宅基地审批,行政许可\n", encoding="utf-8")
    ds, problems = _read(path, list_title="某清单")
    assert ds.power_lists[0].kind is ListKind.DELEGATED
    assert [p.severity for p in problems] == ["warning", "warning", "warning"]
    assert "--list-kind" in problems[0].reason


# ------------------------------------------------------------------------- errors


def test_a_cut_off_last_row_is_an_error_naming_its_row_once() -> None:
    path = LISTS / "delegated_cut_off.csv"
    _, problems = _read(path)
    (problem,) = _errors(problems)
    assert (problem.location, problem.line) == ("row 4", 4)
    assert "the row is cut off" in problem.reason
    assert str(problem) == f"{path}: row 4: {problem.reason}"  # the row once


def test_a_file_cut_short_without_a_quote_is_an_error_too(tmp_path: Path) -> None:
    text = (LISTS / "delegated_minimal.csv").read_text(encoding="utf-8")
    path = tmp_path / "short.csv"
    path.write_text(text.rstrip("\n").rsplit(",", 1)[0], encoding="utf-8")  # last cell gone
    _, problems = _read(path)
    assert [(p.location, "cut off" in p.reason) for p in _errors(problems)] == [("row 6", True)]


def test_an_unknown_or_ambiguous_county_is_an_error_with_the_candidates() -> None:
    _, problems = _read(LISTS / "qingshuihe_statutory.csv", county="新城区")
    (problem,) = problems
    assert (problem.field, problem.severity) == ("county", "error")
    assert "新城区 (150102, 呼和浩特市)" in problem.reason
    assert "新城区 (610102, 西安市)" in problem.reason
    ds, problems = _read(LISTS / "qingshuihe_statutory.csv", county="清水县")
    assert ds == Dataset()
    assert [p.field for p in problems] == ["county"]


@pytest.mark.parametrize(
    "cell",
    [
        "全部乡镇/街道",
        "各苏木乡镇（街道）",
        "全县各乡镇",
        "全部",
        "城关镇/宏河镇/喇嘛湾镇/老牛湾镇/窑沟乡/北堡乡/韭菜庄乡/五良太乡",
    ],
)
def test_words_for_every_town(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        f"序号,事项名称,权力类型,原实施主体,乡镇/街道\n1,对非法占用草原的处罚,行政处罚,清水河县农牧局,{cell}\n",
        encoding="utf-8",
    )
    ds, problems = _read(path, list_title="T")
    assert problems == []
    assert _towns(ds, 1) == ALL_TOWNS


@pytest.mark.parametrize("county", ["清水河县", "150124", "region:150124", "清水河"])
def test_the_county_may_be_named_as_people_name_it(county: str) -> None:
    ds, problems = _read(LISTS / "qingshuihe_statutory.csv", county=county)
    assert problems == []
    assert ds.power_lists[0].scope_region == COUNTY


def test_an_unknown_town_names_the_county_towns(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "序号,事项名称,权力类型,原实施主体,乡镇/街道\n"
        "1,对非法占用草原的处罚,行政处罚,清水河县农牧局,保合少镇\n",
        encoding="utf-8",
    )
    ds, problems = _read(path, list_title="T")
    (problem,) = problems
    assert (problem.location, problem.field, problem.severity) == ("row 2", "乡镇/街道", "error")
    assert problem.reason.startswith("'保合少镇' is not a town of 清水河县 (it is in 新城区)")
    assert "its towns: 城关镇、宏河镇" in problem.reason
    assert ds.power_items == []
