"""Power lists as counties publish them (CSV, XLSX or XLS), into a dataset.

One file is one list of one county: a delegated list (赋权清单), a statutory list (法定清单:
what towns hold by law) or a power-and-responsibility list (权责清单); the column families
and the words they are written with are in :mod:`graph_loaders.shapes`. Every item row
becomes a :class:`PowerItem` of the list. In a delegated list, a row's original body
(原实施主体) becomes a :class:`Holding` and each town it names (乡镇/街道) a
:class:`Delegation`; original bodies the context does not know are created (as government
departments of the county). A statutory or power-and-responsibility list delegates nothing.

What a published shape lacks is a **warning**, not an error: a list without 权力类型 loads with
the types unstated, one without 原实施主体 without holdings. What makes a row unreadable is an
**error** (no item name, a row cut off, an unknown town, an unknown county), and an import with
an error writes nothing. Every problem names the file, the row and the column, once. See
``docs/delegation-lists.md``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from domain import TOWN_LEVELS, BodyKind, ClaimMode, ListKind, PowerType, is_id
from graph_loaders.dataset import (
    Body,
    Dataset,
    Delegation,
    Holding,
    Model,
    Origin,
    PowerItem,
    PowerList,
    Provenance,
    Region,
)
from graph_loaders.problems import Problem, Severity
from graph_loaders.region_match import RegionMatcher, RegionMatchError
from graph_loaders.shapes import (
    ACCOUNTABILITY,
    BASIS,
    CODE,
    DATE,
    DOC,
    DUTIES,
    ITEM,
    LIST_COLUMNS,
    MODE,
    ORIGINAL,
    POWER_TYPES,
    RESPONSIBLE,
    SCOPE,
    SEQ,
    SUB_ITEM,
    TOWNS,
    TYPE,
    claim_mode,
    heading_type,
    list_kind,
    power_type,
)
from graph_loaders.tabular import (
    HeaderedTable,
    Row,
    csv_quote_text,
    index_names,
    parse_date,
    parse_seq,
    read_table,
    source_text,
)
from graph_loaders.text_keys import key

#: 乡镇/街道 values that mean every township and subdistrict of the county (after removing
#: brackets, whitespace and 和/及/、).
ALL_TOWNS = frozenset(
    {
        "全部",
        "所有",
        "全体",
        "全县",
        "全旗",
        "全区",
        "all",
        *(
            prefix + towns
            for prefix in ("各", "全部", "所有", "全县", "全旗", "全区", "全县各", "全旗各")
            for towns in (
                "乡镇",
                "苏木乡镇",
                "镇",
                "乡镇街道",
                "苏木乡镇街道",
                "镇街道",
                "镇街",
                "街镇",
                "街道",
            )
        ),
    }
)

#: Separators between town names in 乡镇/街道.
TOWN_SEPARATORS = re.compile(r"[、，,；;/\s]+")

#: Cells that mean "nothing here" in a 子项 or 项目编码 column.
PLACEHOLDERS = frozenset({"", "/", "-", "—", "——", "无", "暂无", "空"})

#: Words a row that is a note, not an item, starts with.
NOTE_WORDS = ("注", "备注", "说明", "附")

#: Generic words a 责任主体 may start with instead of the town's name (乡镇综合行政执法局).
GENERIC_TOWN_PREFIXES = (
    "苏木乡镇(街道)",
    "乡镇(街道)",
    "苏木乡镇",
    "乡镇街道",
    "乡镇",
    "街道",
    "苏木",
)

_ALL_NOISE = re.compile(r"[()（）\[\]【】/和及、\s]")
_KINDS_BY_WORD = {
    "delegated": ListKind.DELEGATED,
    "statutory": ListKind.STATUTORY,
    "power-and-responsibility": ListKind.POWER_AND_RESPONSIBILITY,
}

M = TypeVar("M", bound=Model)

__all__ = [
    "ALL_TOWNS",
    "LIST_COLUMNS",
    "POWER_TYPES",
    "claim_mode",
    "created_body_id",
    "default_list_id",
    "delegation_id",
    "item_id",
    "list_kind_named",
    "power_type",
    "read_delegation_list",
    "source_text",
]


def item_id(list_id: str, seq: int) -> str:
    """Id of the item numbered ``seq`` in list ``list_id``."""
    return f"{list_id}:item-{seq}"


def delegation_id(list_id: str, seq: int, town: str) -> str:
    """Id of the delegation of item ``seq`` of ``list_id`` to the region ``town``."""
    return f"{item_id(list_id, seq)}:to:{town}"


def created_body_id(county: str, name: str) -> str:
    """Id of a body created for an unknown 原实施主体: the county and a hash of the name."""
    digest = hashlib.sha256(key(name).encode("utf-8")).hexdigest()[:12]
    return f"{county}:body-{digest}"


def default_list_id(county: Region, title: str) -> str:
    """The id a list gets when none is given: the county's code (or id) and a hash of its
    title, so loading the same list again updates it."""
    digest = hashlib.sha256(key(title).encode("utf-8")).hexdigest()[:10]
    return f"list:{county.code or county.id.split(':')[-1]}:{digest}"


def list_kind_named(text: str) -> ListKind | None:
    """``delegated``/``statutory``/``power-and-responsibility`` (or the enum names)."""
    value = text.strip().lower().replace("_", "-")
    return _KINDS_BY_WORD.get(value)


def is_all_towns(text: str) -> bool:
    """Whether a 乡镇/街道 cell means every town of the county (全部, 各乡镇, 全县各苏木乡镇...)."""
    return _ALL_NOISE.sub("", key(text)).casefold() in ALL_TOWNS


@dataclass
class _Item:
    """An item as its rows give it (an item delegated to several towns may take several
    rows, its cells merged or repeated)."""

    row: Row
    seq: int | None  # the 序号 as a whole number, when it is one
    seq_text: str
    name: str
    parent_name: str | None
    power_type: PowerType | None
    type_text: str | None
    basis: str | None
    code: str | None
    scope: str | None
    duties: str | None
    accountability: str | None
    responsible: str
    holders: list[tuple[Row, str]] = field(default_factory=list)  # (row, 原实施主体 text)
    towns: dict[str, tuple[Row, ClaimMode | None, str | None, str | None]] = field(
        default_factory=dict
    )  # town id → (row, mode, date, doc number)


class _ListReader:
    def __init__(
        self,
        path: Path,
        county: str,
        list_id: str | None,
        list_title: str | None,
        context: Dataset,
        kind: ListKind | None,
    ) -> None:
        self.path = path
        self.file = str(path)
        self.source = path.name
        self.county_text = county
        self.list_id = list_id.strip() if list_id else None
        self.list_title = list_title.strip() if list_title else None
        self.context = context
        self.given_kind = kind
        self.kind = kind or ListKind.DELEGATED
        self.problems: list[Problem] = []
        self.county: Region | None = None
        self.matcher = RegionMatcher(context.regions)
        self.towns: list[Region] = []
        self.body_index: dict[str, list[str]] = {}
        self.town_bodies: dict[str, dict[str, list[str]]] = {}  # town → body name index
        self.created: dict[str, Body] = {}  # key(name) → created body
        self.index = dict.fromkeys(
            ("power_lists", "power_items", "holdings", "delegations", "bodies"), 0
        )

    # --------------------------------------------------------------------- helpers

    def problem(
        self, row: Row | None, column: str, reason: str, severity: Severity = "error"
    ) -> None:
        location = f"row {row.line}" if row else ""
        self.problems.append(
            Problem(self.file, location, column, reason, row.line if row else None, severity)
        )

    def warn(self, row: Row | None, column: str, reason: str) -> None:
        self.problem(row, column, reason, "warning")

    @property
    def error_count(self) -> int:
        return sum(p.blocks for p in self.problems)

    def build(self, row: Row, section: str, model: type[M], **fields: Any) -> M | None:
        """``model(**fields)`` with this file's origin, or a problem when the record is invalid."""
        try:
            record = model(**fields)
        except ValidationError as error:
            details = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in error.errors(include_url=False)
            )
            self.problem(row, "", f"cannot make a {section} record: {details}")
            return None
        origin = Origin(file=self.file, section=section, index=self.index[section], line=row.line)
        self.index[section] += 1
        record.with_origin(origin)
        return record

    def provenance(self, quote: str, table: HeaderedTable) -> list[Provenance]:
        return [Provenance(source=self.source, quote=csv_quote_text(table.table, quote))]

    # ---------------------------------------------------------------------- context

    def check_arguments(self) -> bool:
        ok = True
        if self.list_id is not None and (not is_id(self.list_id) or len(self.list_id) > 150):
            self.problem(
                None,
                "list_id",
                f"{self.list_id!r} is not a valid id (lower-case letters, digits and _ . : -, "
                "starting with a letter or digit)",
            )
            ok = False
        try:
            county = self.matcher.county(self.county_text)
        except RegionMatchError as error:
            self.problem(None, "county", str(error))
            return False
        self.county = county
        self.towns = self.matcher.towns(county)
        self.body_index = index_names(
            (b.id, [b.name, *(b.signboards or []), *(b.aliases or [])])
            for b in self.context.bodies
            if b.region == county.id
        )
        return ok

    # -------------------------------------------------------------------------- rows

    def read(self) -> Dataset:
        usable = self.check_arguments()
        table, problems = read_table(self.path, LIST_COLUMNS)
        self.problems += problems
        if table is None:
            return Dataset()
        if ITEM not in table.columns:
            self.problem(
                table.header,
                ITEM,
                "no item-name column in the header row: a list needs one of "
                "事项名称、赋权事项、赋权事项名称、职权名称、项目名称、权力名称",
            )
            return Dataset()
        self.decide_kind(table)
        self.column_gaps(table)
        items = self.read_rows(table)
        untyped = [item for item in items if item.power_type is None and not item.type_text]
        if TYPE not in table.columns and untyped:
            self.warn(
                table.header,
                TYPE,
                f"no 权力类型 column: {len(untyped)} of {len(items)} items load with their type "
                "unstated (a section heading row such as 一、行政处罚 above them would give it)",
            )
        if not table.data:
            self.problem(table.header, "", "no rows below the header row")
        title = self.list_title or table.title
        if not title:
            self.problem(
                None,
                "list_title",
                "the list needs a title: give one (--list-title), or keep the list's title row "
                "above its header",
            )
        if not usable or not items or not title:
            return Dataset()
        county = self.county
        assert county is not None
        list_id = self.list_id or default_list_id(county, title)
        numbered = self.numbering(items)
        return self.records(table, list_id, title, numbered)

    def decide_kind(self, table: HeaderedTable) -> None:
        reading = list_kind(table)
        if self.given_kind is not None:
            if reading.kind is not None and reading.kind is not self.given_kind:
                self.warn(
                    table.header,
                    "",
                    f"read as a {self.given_kind.value} list as asked, though {reading.because} "
                    f"says {reading.kind.value}",
                )
            return
        if reading.kind is None:
            self.warn(
                table.header,
                "",
                f"read as a delegated list: {reading.because} (a title with 赋予/赋权/法定, or "
                "a 原实施主体 column); give the kind (--list-kind statutory, delegated or "
                "power-and-responsibility) if it is not one",
            )
            self.kind = ListKind.DELEGATED
            return
        self.kind = reading.kind

    def column_gaps(self, table: HeaderedTable) -> None:
        """Warnings for the columns of the list's shape that the file does not have."""
        present = set(table.columns)
        header = table.header
        if SEQ not in present and self.kind is not ListKind.POWER_AND_RESPONSIBILITY:
            self.warn(header, SEQ, "no 序号 column: items are numbered in row order")
        if self.kind is ListKind.DELEGATED:
            if ORIGINAL not in present:
                self.warn(header, ORIGINAL, "no 原实施主体 column: the items load without holdings")
            if TOWNS not in present and SCOPE not in present:
                self.warn(
                    header,
                    TOWNS,
                    "no 乡镇/街道 column: the items load without delegations to named towns",
                )
            return
        for column in (ORIGINAL, TOWNS, MODE):
            if column in present:
                self.warn(
                    header,
                    table.header_text(column),
                    f"not read: a {self.kind.value} list delegates nothing (no holdings, no "
                    "delegations)",
                )

    def read_rows(self, table: HeaderedTable) -> list[_Item]:
        items: list[_Item] = []
        seen: dict[tuple[str, str, str], _Item] = {}
        section_type: tuple[PowerType, str] | None = None
        for row in table.data:
            cells = {name: table.cell(row, name) for name in table.columns}
            if row.cut_off:
                self.problem(
                    row,
                    "",
                    "the row is cut off: the file ends inside it (a quoted cell never closed, "
                    "or fewer cells than the header); was the file truncated?",
                )
                continue
            heading = self.heading(cells)
            if heading is not None:
                found = heading_type(heading)
                if found is not None:
                    section_type = (found, heading)
                else:
                    self.warn(row, "", f"read as a heading or note, not an item: {heading!r}")
                continue
            item = self.read_item(table, row, cells, section_type)
            if item is None:
                continue
            identity = (key(item.seq_text), key(item.name), key(item.parent_name or ""))
            earlier = seen.get(identity)
            if earlier is None:
                seen[identity] = item
                items.append(item)
            else:  # the same item on another row: more towns, another holder
                earlier.holders += item.holders
                for town, value in item.towns.items():
                    earlier.towns.setdefault(town, value)
        return items

    def heading(self, cells: dict[str, str | None]) -> str | None:
        """The text of a section heading or note row (one text across the row, no item
        number), or None for an item row."""
        seq_text = cells.get(SEQ) or ""
        if seq_text and parse_seq(seq_text) is not None:
            return None
        filled = [(name, v) for name, v in cells.items() if v]
        texts = {v for _, v in filled}
        if len(texts) != 1:
            return None
        (text,) = texts
        spans = len(filled) > 1  # a merged cell across the row
        outside_name = all(name not in (ITEM, SUB_ITEM) for name, _ in filled)
        note = key(text).startswith(NOTE_WORDS)
        if spans or outside_name or note or heading_type(text) is not None:
            return text
        return None

    def read_item(
        self,
        table: HeaderedTable,
        row: Row,
        cells: dict[str, str | None],
        section_type: tuple[PowerType, str] | None,
    ) -> _Item | None:
        start = self.error_count
        item_text = cells.get(ITEM) or ""
        sub_text = cells.get(SUB_ITEM) or ""
        if key(sub_text) in PLACEHOLDERS:
            sub_text = ""
        name = sub_text or item_text
        if not name:
            self.problem(row, ITEM, self.empty_reason(table, "the item's name (事项名称)"), "error")
        seq_text = cells.get(SEQ) or ""
        seq = parse_seq(seq_text) if seq_text else None
        if seq is not None and seq < 1:
            seq = None
        ptype, type_text = self.read_type(table, row, cells.get(TYPE), section_type)
        mode = self.read_mode(row, cells.get(MODE))
        date = self.read_date(row, cells.get(DATE))
        delegated = self.kind is ListKind.DELEGATED and self.county is not None
        towns: list[str] = []
        scope = cells.get(SCOPE) or None
        if delegated:
            if TOWNS in table.columns:
                towns = self.read_towns(row, TOWNS, cells.get(TOWNS) or "")
            elif scope:
                towns = self.scope_towns(row, scope)
        code = cells.get(CODE) or None
        if code is not None and key(code) in PLACEHOLDERS:
            code = None
        item = _Item(
            row=row,
            seq=seq,
            seq_text=seq_text,
            name=name,
            parent_name=item_text if sub_text and item_text else None,
            power_type=ptype,
            type_text=type_text,
            basis=cells.get(BASIS) or None,
            code=code,
            scope=scope,
            duties=cells.get(DUTIES) or None,
            accountability=cells.get(ACCOUNTABILITY) or None,
            responsible=cells.get(RESPONSIBLE) or "",
        )
        original = cells.get(ORIGINAL)
        if delegated and ORIGINAL in table.columns:
            if original:
                if self.holder_id(row, original, create=False) is not False:
                    item.holders.append((row, original))
            else:
                self.warn(
                    row,
                    ORIGINAL,
                    "no original body (原实施主体): the item has no holding"
                    + self.merge_hint(table),
                )
        for town in towns:
            item.towns.setdefault(town, (row, mode, date, cells.get(DOC) or None))
        if self.error_count > start or not name:
            return None
        return item

    def read_type(
        self,
        table: HeaderedTable,
        row: Row,
        text: str | None,
        section_type: tuple[PowerType, str] | None,
    ) -> tuple[PowerType | None, str | None]:
        if text:
            found = power_type(text)
            if found is None:
                self.warn(
                    row,
                    TYPE,
                    f"unknown power type {text!r}: the item loads with its type unstated "
                    f"(the text is kept); known: {', '.join(dict.fromkeys(POWER_TYPES))}, "
                    "行政裁决",
                )
            return found, text
        if section_type is not None:
            return section_type  # the type the section heading above names
        if TYPE in table.columns:
            self.warn(
                row,
                TYPE,
                "no power type (权力类型): the item loads with its type unstated"
                + self.merge_hint(table),
            )
        return None, None

    def read_mode(self, row: Row, text: str | None) -> ClaimMode | None:
        if not text or self.kind is not ListKind.DELEGATED:
            return None
        mode = claim_mode(text)
        if mode is None:
            self.problem(row, MODE, f"unknown mode {text!r}; expected 确认 or 交办 (or blank)")
        return mode

    def read_date(self, row: Row, text: str | None) -> str | None:
        if not text:
            return None
        date = parse_date(text)
        if date is None:
            self.problem(
                row,
                DATE,
                f"not a date: {text!r}; write YYYY, YYYY-MM or YYYY-MM-DD "
                "(2020年6月1日 is accepted too)",
            )
        return date

    def merge_hint(self, table: HeaderedTable) -> str:
        if table.table.kind in ("xlsx", "xls"):
            return " (to mean 'same as above', merge the cell with the one above)"
        return " (CSV has no merged cells: write the value out on every row)"

    def empty_reason(self, table: HeaderedTable, what: str) -> str:
        return f"no item name: every item row needs {what}" + self.merge_hint(table)

    # -------------------------------------------------------------------------- towns

    def read_towns(self, row: Row, column: str, text: str) -> list[str]:
        county = self.county
        assert county is not None
        if not text:
            self.warn(
                row,
                column,
                "no town named: the item is not delegated to any town (write 全部 for all)",
            )
            return []
        if is_all_towns(text):  # 全部乡镇、街道 is one phrase, not two towns
            return self.all_towns(row, column, text)
        towns: list[str] = []
        for token in TOWN_SEPARATORS.split(text):
            if not token:
                continue
            if is_all_towns(token):
                towns += self.all_towns(row, column, token)
                continue
            try:
                towns.append(self.matcher.town(county, token).id)
            except RegionMatchError as error:
                self.problem(row, column, str(error))
        return list(dict.fromkeys(towns))

    def all_towns(self, row: Row, column: str, token: str) -> list[str]:
        """Every township and subdistrict of the county (not the other township-level units,
        such as an industrial park, unless the tree calls them towns)."""
        county = self.county
        assert county is not None
        towns = [t for t in self.towns if t.level in TOWN_LEVELS]
        if not towns:
            self.problem(
                row,
                column,
                f"{token!r} means every township and subdistrict, but the context has none "
                f"under {county.name} ({county.code or county.id})",
            )
        return [t.id for t in towns]

    def scope_towns(self, row: Row, text: str) -> list[str]:
        """赋权范围 names towns when the list has no 乡镇/街道 column and every part of it is
        a town of the county or 全部; otherwise it is kept as text and names none."""
        county = self.county
        assert county is not None
        if is_all_towns(text):
            return self.all_towns(row, SCOPE, text)
        towns = []
        for token in filter(None, TOWN_SEPARATORS.split(text)):
            try:
                towns.append(self.matcher.town(county, token).id)
            except RegionMatchError:
                return []
        return list(dict.fromkeys(towns))

    # ------------------------------------------------------------------------- bodies

    def holder_id(self, row: Row, text: str, *, create: bool) -> str | bool | None:
        """The id of the body named in 原实施主体: known, created earlier, or (``create``) new;
        False (with a problem) when the name is ambiguous."""
        ids = self.body_index.get(key(text), [])
        if len(ids) > 1:
            self.problem(
                row,
                ORIGINAL,
                f"{text!r} names {len(ids)} bodies of the county ({', '.join(ids)}); "
                "give the body's full name",
            )
            return False
        if ids:
            return ids[0]
        created = self.created.get(key(text))
        if created is None and not create:
            return None
        if created is None:
            county = self.county
            assert county is not None
            body = self.build(
                row,
                "bodies",
                Body,
                id=created_body_id(county.id, text),
                name=text,
                kind=BodyKind.GOVERNMENT_DEPARTMENT,
                region=county.id,
                note="created from a delegation list: "
                "the original body (原实施主体) was not in the dataset",
                provenance=[Provenance(source=self.source, quote=text)],
            )
            if body is None:
                return None
            self.created[key(text)] = body
            created = body
        return created.id

    def responsible_body(self, town: Region, text: str) -> str | None:
        """The 责任主体 as a body of the town, if one matches; None (silently) otherwise."""
        if not text:
            return None
        index = self.town_bodies.get(town.id)
        if index is None:
            bodies = [b for b in self.context.bodies if b.region == town.id]
            index = self.town_bodies[town.id] = index_names(
                (b.id, [b.name, *(b.signboards or []), *(b.aliases or [])]) for b in bodies
            )
        candidates = [key(text)]
        for prefix in GENERIC_TOWN_PREFIXES:
            if candidates[0].startswith(key(prefix)):
                candidates.append(key(town.name) + candidates[0][len(key(prefix)) :])
                break
        else:
            candidates.append(key(town.name) + candidates[0])
        for candidate in candidates:
            ids = index.get(candidate, [])
            if len(ids) == 1:
                return ids[0]
        return None

    # ------------------------------------------------------------------------ records

    def numbering(self, items: list[_Item]) -> list[tuple[int, _Item]]:
        """Each item with its number: the list's own 序号 when every item has a whole number
        of its own; otherwise the items' order, with a warning where the 序号 fails."""
        seen: dict[int, _Item] = {}
        for item in items:
            if item.seq is None:
                if item.seq_text:
                    self.warn(
                        item.row,
                        SEQ,
                        f"序号 {item.seq_text!r} is not a whole number from 1: the list's items "
                        "are numbered in row order (1, 2, 3, …) instead",
                    )
                    break
                if any(i.seq is not None for i in items):
                    self.warn(
                        item.row,
                        SEQ,
                        "no 序号: the list's items are numbered in row order (1, 2, 3, …) instead",
                    )
                break
            first = seen.get(item.seq)
            if first is not None:
                self.warn(
                    item.row,
                    SEQ,
                    f"序号 {item.seq} is already the number of {first.name!r} (row "
                    f"{first.row.line}): the list's items are numbered in row order instead",
                )
                break
            seen[item.seq] = item
        else:
            return [(item.seq or 0, item) for item in items]
        return list(enumerate(items, start=1))

    def records(
        self, table: HeaderedTable, list_id: str, title: str, numbered: list[tuple[int, _Item]]
    ) -> Dataset:
        power_items: list[PowerItem] = []
        holdings: list[Holding] = []
        delegations: list[Delegation] = []
        for seq, item in numbered:
            prov = self.provenance(item.name, table)
            this_item = item_id(list_id, seq)
            record = self.build(
                item.row,
                "power_items",
                PowerItem,
                id=this_item,
                list=list_id,
                seq=seq,
                name=item.name,
                power_type=item.power_type,
                power_type_text=item.type_text,
                legal_basis=item.basis,
                code=item.code,
                parent_name=item.parent_name,
                scope=item.scope,
                responsibilities=item.duties,
                accountability=item.accountability,
                provenance=prov,
            )
            if record is not None:
                power_items.append(record)
            holders: list[str] = []
            for row, text in item.holders:
                body_id = self.holder_id(row, text, create=True)
                if isinstance(body_id, str) and body_id not in holders:
                    holders.append(body_id)
                    holding = self.build(
                        row, "holdings", Holding, body=body_id, item=this_item, provenance=prov
                    )
                    if holding is not None:
                        holdings.append(holding)
            for town_id, (row, mode, date, doc) in item.towns.items():
                town = next(t for t in self.towns if t.id == town_id)
                delegation = self.build(
                    row,
                    "delegations",
                    Delegation,
                    id=delegation_id(list_id, seq, town_id),
                    list=list_id,
                    item=this_item,
                    from_body=holders[0] if holders else None,
                    to_region=town_id,
                    to_body=self.responsible_body(town, item.responsible),
                    mode=mode,
                    date=date,
                    doc_number=doc,
                    provenance=prov,
                )
                if delegation is not None:
                    delegations.append(delegation)
        power_list = self.power_list(table, list_id, title, len(numbered))
        if power_list is None:
            return Dataset()
        return Dataset(
            bodies=list(self.created.values()),
            power_lists=[power_list],
            power_items=power_items,
            holdings=holdings,
            delegations=delegations,
        )

    def power_list(
        self, table: HeaderedTable, list_id: str, title: str, count: int
    ) -> PowerList | None:
        docs = [table.cell(row, DOC) or "" for row in table.data] if DOC in table.columns else []
        dates = [table.cell(row, DATE) or "" for row in table.data] if DATE in table.columns else []
        doc_number = docs[0] if docs and docs[0] and len(set(docs)) == 1 else None
        date = parse_date(dates[0]) if dates and dates[0] and len(set(dates)) == 1 else None
        quote = table.title or table.header_text(ITEM)
        county = self.county
        assert county is not None
        return self.build(
            table.header,
            "power_lists",
            PowerList,
            id=list_id,
            title=title,
            kind=self.kind,
            doc_number=doc_number,
            date=date,
            scope_region=county.id,
            item_count=count,
            provenance=self.provenance(quote, table),
        )


def read_delegation_list(
    path: Path,
    *,
    county: str,
    list_id: str | None = None,
    list_title: str | None = None,
    context: Dataset,
    kind: ListKind | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Read one county's power list (CSV, XLSX or XLS) into a dataset of new records.

    ``county`` names a county-level region of ``context`` as people do: its key, its code or
    its name (:class:`graph_loaders.region_match.RegionMatcher`). ``list_id`` defaults to one
    made from the county and the title; ``list_title`` to the file's title row. ``kind``
    (delegated, statutory, power-and-responsibility) is read from the file unless given.

    The returned dataset holds only what the file adds: the list, its items, holdings,
    delegations and the bodies created for unknown original holders, or nothing when there
    is an error. Every problem (error or warning) is returned.
    """
    reader = _ListReader(path, county, list_id, list_title, context, kind)
    dataset = reader.read()
    return dataset, reader.problems
