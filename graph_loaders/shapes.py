"""The shapes of published tables: which header words mean which column, and what a table is.

Counties publish their lists in several column families (see ``docs/delegation-lists.md``):
delegated lists (赋权清单), statutory lists (法定清单: what towns hold by law) and
power-and-responsibility lists (权责清单), with the same column written many ways
(赋权事项 / 事项名称 / 职权名称 / 项目名称 …). Headers are compared by
:func:`graph_loaders.text_keys.header_key`, so spaces, full/half width, traditional characters
and punctuation do not matter. This module only knows words: the readers
(:mod:`graph_loaders.delegation_lists`, :mod:`graph_loaders.claims_table`) read the rows, and
:func:`table_shape` tells the pipeline which of them a table is for, from its headers alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from domain import ClaimMode, ListKind, PowerType
from graph_loaders.tabular import Column, HeaderedTable, Table, find_header
from graph_loaders.text_keys import key

# ------------------------------------------------------------------------- power lists

SEQ = "序号"
ITEM = "事项名称"
TYPE = "权力类型"
BASIS = "法律法规依据"
RESPONSIBLE = "责任主体"
ORIGINAL = "原实施主体"
SCOPE = "赋权范围"
TOWNS = "乡镇/街道"
MODE = "认领方式"
DOC = "文号"
DATE = "日期"
CODE = "项目编码"
SUB_ITEM = "子项"
DUTIES = "责任事项"
ACCOUNTABILITY = "追责情形"

#: Every column a power list of any kind may have: the name problems use, then the header
#: words that mean it (compared by ``header_key``: ``乡镇（街道）`` is ``乡镇/街道``).
LIST_COLUMNS: tuple[Column, ...] = (
    Column(SEQ, ("序", "seq", "no", "number")),
    Column(
        ITEM,
        (
            "赋权事项",
            "赋权事项名称",
            "职权名称",
            "项目名称",
            "权力事项名称",
            "权力名称",
            "权力事项",
            "行政权力事项名称",
            "执法事项名称",
            "执法事项",
            "name",
            "item",
            "item name",
        ),
    ),
    Column(
        TYPE,
        (
            "事项类型",
            "职权类型",
            "权力事项类型",
            "权力类别",
            "事项类别",
            "职权类别",
            "类型",
            "类别",
            "type",
            "power type",
        ),
    ),
    Column(
        BASIS,
        (
            "设立依据",
            "执法依据",
            "赋权事项的执法依据",
            "实施依据",
            "法律依据",
            "法律法规规章依据",
            "法定依据",
            "行使依据",
            "依据",
            "legal basis",
            "basis",
        ),
    ),
    Column(
        RESPONSIBLE,
        (
            "执法主体",
            "赋权层级",
            "实施主体",
            "承接主体",
            "行使主体",
            "responsible",
            "responsible body",
        ),
    ),
    Column(
        ORIGINAL,
        (
            "原行使部门",
            "原实施部门",
            "原实施机关",
            "原行使主体",
            "原执法主体",
            "原执法部门",
            "original body",
            "original holder",
            "held by",
        ),
    ),
    Column(SCOPE, ("下放范围", "scope")),
    Column(
        TOWNS,
        (
            "苏木乡镇（街道）",
            "承接乡镇（街道）",
            "承接乡镇",
            "承接街镇",
            "赋权街镇",
            "赋权乡镇",
            "赋权乡镇（街道）",
            "乡镇",
            "towns",
        ),
    ),
    Column(MODE, ("认领类型", "mode")),
    Column(DOC, ("赋权文号", "发文文号", "doc number")),
    Column(DATE, ("赋权日期", "发文日期", "date")),
    Column(CODE, ("事项编码", "权力编码", "编码", "事项代码", "code")),
    Column(SUB_ITEM, ("子项名称", "子项事项", "sub item")),
    Column(DUTIES, ("responsibilities",)),
    Column(ACCOUNTABILITY, ("问责情形", "accountability")),
)

#: The columns only a power-and-responsibility list (权责清单) has.
POWER_AND_RESPONSIBILITY_COLUMNS = (SUB_ITEM, DUTIES, ACCOUNTABILITY)

# ----------------------------------------------------------------------- claims tables

TOWN = "town"
LIST = "list"
CLAIM_ITEM = "item"
CLAIM_MODE = "mode"
CLAIM_DATE = "date"

#: The columns of a claims table (认领表); the Chinese headers are accepted too.
CLAIMS_COLUMNS: tuple[Column, ...] = (
    Column(
        TOWN, ("乡镇/街道", "乡镇（街道）", "乡镇街道", "乡镇", "街道", "region"), required=True
    ),
    Column(LIST, ("清单",), required=True),
    Column(CLAIM_ITEM, ("事项",), required=True),
    Column(CLAIM_MODE, ("认领方式",), required=True),
    Column(CLAIM_DATE, ("日期", "认领日期")),
)

# ------------------------------------------------------------------------------ words

#: 权力类型 words → :class:`PowerType` (compared by ``key``; the English names are accepted
#: too): each type's own words (:mod:`domain`), then the other ways lists write them. Each
#: 行政X is also accepted as X alone (处罚, 许可, ...).
POWER_TYPES: dict[str, PowerType] = {
    **{power_type.words: power_type for power_type in PowerType},
    "行政强制措施": PowerType.COERCION,
    "行政强制执行": PowerType.COERCION,
    "行政监督检查": PowerType.INSPECTION,
    "行政征收征用": PowerType.LEVY,
    "其它": PowerType.OTHER,
    "其他行政权力": PowerType.OTHER,
    "其它行政权力": PowerType.OTHER,
    "其他权力": PowerType.OTHER,
    "其它权力": PowerType.OTHER,
}
_SHORT_TYPES = {word[2:]: kind for word, kind in POWER_TYPES.items() if word.startswith("行政")}

#: 认领方式 words → :class:`ClaimMode` (compared by ``key``, so 確認 is 确认).
MODES: dict[str, ClaimMode] = {mode.words: mode for mode in ClaimMode}


def power_type(text: str) -> PowerType | None:
    """A 权力类型 cell → :class:`PowerType`, or None when it is not a known type."""
    value = key(text)
    found = POWER_TYPES.get(value) or _SHORT_TYPES.get(value)
    if found is not None:
        return found
    upper = value.upper()
    return PowerType(upper) if upper in PowerType.__members__ else None


def claim_mode(text: str) -> ClaimMode | None:
    """A 认领方式 cell → :class:`ClaimMode`, or None when it is not 确认/交办/CONFIRM/ASSIGN."""
    value = key(text)
    if value in MODES:
        return MODES[value]
    upper = value.upper()
    return ClaimMode(upper) if upper in ClaimMode.__members__ else None


_HEADING_NUMBER = re.compile(r"^[(（]?[一二三四五六七八九十百零〇\d]+[)）]?[、.．，,]?")
_HEADING_COUNT = re.compile(r"[(（][^()（）]*\d+[^()（）]*[)）]$")
_HEADING_TAIL = re.compile(r"(类|事项|权力|清单)+$")


def heading_type(text: str) -> PowerType | None:
    """The power type a section heading names (``一、行政处罚类（共12项）`` → PENALTY), if any."""
    value = _HEADING_NUMBER.sub("", key(text))
    value = _HEADING_COUNT.sub("", value)
    found = power_type(value)
    if found is None:
        found = power_type(_HEADING_TAIL.sub("", value))
    return found


# ------------------------------------------------------------------------------ kinds

#: Title words that tell a list's kind (compared by ``key``), first match wins.
_TITLE_KINDS: tuple[tuple[str, ListKind], ...] = (
    ("权责清单", ListKind.POWER_AND_RESPONSIBILITY),
    ("法定", ListKind.STATUTORY),
    ("赋予", ListKind.DELEGATED),
    ("赋权", ListKind.DELEGATED),
    ("下放", ListKind.DELEGATED),
    ("委托", ListKind.DELEGATED),
)

#: Header words (in the file's own headers) that only a delegated list uses.
_DELEGATION_HEADER_WORDS = ("赋权", "承接", "下放")


@dataclass(frozen=True)
class KindReading:
    """A list's kind as the file tells it, and how (for messages); ``kind`` None when the
    file does not say."""

    kind: ListKind | None
    because: str


def list_kind(table: HeaderedTable) -> KindReading:
    """The kind of list a table is, from its headers and title row (never from its rows)."""
    present = set(table.columns)
    pr_columns = [c for c in POWER_AND_RESPONSIBILITY_COLUMNS if c in present]
    if pr_columns:
        words = "、".join(table.header_text(c) for c in pr_columns)
        return KindReading(ListKind.POWER_AND_RESPONSIBILITY, f"its {words} column")
    if ORIGINAL in present:
        return KindReading(ListKind.DELEGATED, f"its {table.header_text(ORIGINAL)} column")
    title = key(table.title or "")
    for word, kind in _TITLE_KINDS:
        if word in title:
            return KindReading(kind, f"{word} in its title")
    for column in (SCOPE, MODE, *table.columns):
        if column not in present:
            continue
        header = table.header_text(column)
        if column in (SCOPE, MODE) or any(w in key(header) for w in _DELEGATION_HEADER_WORDS):
            return KindReading(ListKind.DELEGATED, f"its {header} column")
    return KindReading(None, "neither its title nor its headers say what kind of list it is")


# ----------------------------------------------------------------------------- tables

TableShape = Literal["list", "claims"]


@dataclass(frozen=True)
class ShapeReading:
    """What a table is (``shape`` None when neither a list nor a claims table) and the header
    that says so."""

    shape: TableShape | None
    header: HeaderedTable | None


def table_shape(tables: Sequence[Table]) -> ShapeReading:
    """Whether a file's tables are a power list or a claims table, by their header row.

    A claims table names its list in a 清单/list column; a power list has an item-name column.
    The first table (sheet) with either header decides; the readers then read that table.
    """
    for table in tables:
        claims = find_header(table, CLAIMS_COLUMNS)
        if claims is not None and LIST in claims.columns and CLAIM_ITEM in claims.columns:
            return ShapeReading("claims", claims)
        listed = find_header(table, LIST_COLUMNS)
        if listed is not None and ITEM in listed.columns:
            return ShapeReading("list", listed)
    return ShapeReading(None, None)


__all__ = [
    "CLAIMS_COLUMNS",
    "LIST_COLUMNS",
    "POWER_TYPES",
    "KindReading",
    "ShapeReading",
    "claim_mode",
    "heading_type",
    "list_kind",
    "power_type",
    "table_shape",
]
