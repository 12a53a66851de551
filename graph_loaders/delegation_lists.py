"""Delegation lists (赋权清单) as counties publish them, CSV or XLSX, into a dataset.

One file is one list of one county. Every data row becomes a :class:`PowerItem` of the list,
a :class:`Holding` by its original body (原实施主体) and one :class:`Delegation` per town or
subdistrict named in 乡镇/街道. Original bodies that the context does not know are created
(as government departments of the county). Every problem is reported, none stops the reading;
records come only from rows without problems. See ``docs/delegation-lists.md``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from graph_loaders.dataset import (
    ID_PATTERN,
    Body,
    BodyKind,
    ClaimMode,
    Dataset,
    Delegation,
    Holding,
    Model,
    Origin,
    PowerItem,
    PowerList,
    PowerType,
    Provenance,
    Region,
    RegionLevel,
)
from graph_loaders.problems import Problem
from graph_loaders.tabular import (
    Column,
    HeaderedTable,
    Row,
    csv_quote_text,
    index_names,
    key,
    parse_date,
    parse_seq,
    read_table,
    source_text,
)

SEQ = "序号"
ITEM = "赋权事项"
TYPE = "权力类型"
BASIS = "法律法规依据"
RESPONSIBLE = "责任主体"
ORIGINAL = "原实施主体"
MODE = "认领方式"
TOWNS = "乡镇/街道"
DOC = "文号"
DATE = "日期"

#: The columns of a delegation list, in the order of the published form.
COLUMNS: tuple[Column, ...] = (
    Column(SEQ, required=True),
    Column(ITEM, ("赋权事项名称", "事项名称"), required=True),
    Column(TYPE, ("权力事项类型", "事项类型"), required=True),
    Column(BASIS, ("法律依据", "法律法规规章依据"), required=True),
    Column(RESPONSIBLE, required=True),
    Column(ORIGINAL, ("原实施部门",), required=True),
    Column(MODE),
    Column(TOWNS, ("乡镇（街道）", "乡镇街道", "苏木乡镇（街道）", "承接乡镇（街道）")),
    Column(DOC, ("赋权文号",)),
    Column(DATE, ("赋权日期",)),
)

#: 权力类型 words → :class:`PowerType` (the English names are accepted too).
POWER_TYPES: dict[str, PowerType] = {
    "行政许可": PowerType.LICENSING,
    "行政处罚": PowerType.PENALTY,
    "行政强制": PowerType.COERCION,
    "行政强制措施": PowerType.COERCION,
    "行政强制执行": PowerType.COERCION,
    "行政检查": PowerType.INSPECTION,
    "行政确认": PowerType.CONFIRMATION,
    "行政给付": PowerType.PAYMENT,
    "行政奖励": PowerType.REWARD,
    "行政征收": PowerType.LEVY,
    "公共服务": PowerType.PUBLIC_SERVICE,
    "其他": PowerType.OTHER,
    "其它": PowerType.OTHER,
    "其他行政权力": PowerType.OTHER,
    "其它行政权力": PowerType.OTHER,
}

#: 认领方式 words → :class:`ClaimMode` (the English names are accepted too).
MODES: dict[str, ClaimMode] = {
    "确认": ClaimMode.CONFIRM,
    "確認": ClaimMode.CONFIRM,
    "交办": ClaimMode.ASSIGN,
    "交辦": ClaimMode.ASSIGN,
}

#: 乡镇/街道 values that mean every township and subdistrict of the county (after removing
#: brackets, whitespace and 和/及/、).
ALL_TOWNS = frozenset(
    {
        "全部",
        "所有",
        "全体",
        "全县",
        "all",
        *(
            prefix + towns
            for prefix in ("各", "全部", "所有")
            for towns in ("乡镇", "苏木乡镇", "镇", "乡镇街道", "苏木乡镇街道", "镇街道", "镇街")
        ),
    }
)

#: Separators between town names in 乡镇/街道.
TOWN_SEPARATORS = re.compile(r"[、，,；;\s]+")

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

_ID = re.compile(ID_PATTERN)
_ALL_NOISE = re.compile(r"[()（）\[\]【】和及、\s]")

M = TypeVar("M", bound=Model)


def power_type(text: str) -> PowerType | None:
    """权力类型 cell → :class:`PowerType`, or None when it is not a known type."""
    value = key(text)
    if value in POWER_TYPES:
        return POWER_TYPES[value]
    upper = value.upper()
    return PowerType(upper) if upper in PowerType.__members__ else None


def claim_mode(text: str) -> ClaimMode | None:
    """认领方式 cell → :class:`ClaimMode`, or None when it is not 确认/交办/CONFIRM/ASSIGN."""
    value = key(text)
    if value in MODES:
        return MODES[value]
    upper = value.upper()
    return ClaimMode(upper) if upper in ClaimMode.__members__ else None


def item_id(list_id: str, seq: int) -> str:
    """Id of the item with 序号 ``seq`` in list ``list_id``."""
    return f"{list_id}:item-{seq}"


def delegation_id(list_id: str, seq: int, town: str) -> str:
    """Id of the delegation of item ``seq`` of ``list_id`` to the region ``town``."""
    return f"{item_id(list_id, seq)}:to:{town}"


def created_body_id(county: str, name: str) -> str:
    """Id of a body created for an unknown 原实施主体: the county and a hash of the name."""
    digest = hashlib.sha256(key(name).encode("utf-8")).hexdigest()[:12]
    return f"{county}:body-{digest}"


@dataclass
class _RowRecords:
    item: PowerItem
    holding: Holding
    delegations: list[Delegation]


class _ListReader:
    def __init__(
        self, path: Path, county: str, list_id: str, list_title: str, context: Dataset
    ) -> None:
        self.path = path
        self.file = str(path)
        self.source = path.name
        self.county = county
        self.list_id = list_id
        self.list_title = list_title.strip()
        self.context = context
        self.problems: list[Problem] = []
        self.county_region: Region | None = None
        self.towns: dict[str, Region] = {}
        self.town_index: dict[str, list[str]] = {}
        self.body_index: dict[str, list[str]] = {}
        self.town_bodies: dict[str, dict[str, list[str]]] = {}  # town → body name index
        self.created: dict[str, Body] = {}  # key(name) → created body
        self.seen_seqs: dict[int, int] = {}  # seq → row
        self.index = dict.fromkeys(
            ("power_lists", "power_items", "holdings", "delegations", "bodies"), 0
        )

    # --------------------------------------------------------------------- helpers

    def problem(self, row: Row | None, column: str, reason: str) -> None:
        location = f"row {row.line}" if row else ""
        self.problems.append(
            Problem(self.file, location, column, reason, row.line if row else None)
        )

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
        if not _ID.match(self.list_id) or len(self.list_id) > 150:
            self.problem(
                None,
                "list_id",
                f"{self.list_id!r} is not a valid id (lower-case letters, digits and _ . : -, "
                "starting with a letter or digit)",
            )
            ok = False
        if not self.list_title:
            self.problem(None, "list_title", "the list needs a title")
        regions = {r.id: r for r in self.context.regions}
        county = regions.get(self.county)
        if county is None:
            self.problem(
                None, "county", f"unknown county {self.county!r}: no such region in the context"
            )
            return False
        if county.level is not RegionLevel.BANNER_COUNTY:
            self.problem(
                None,
                "county",
                f"{self.county!r} ({county.name}) is a {county.level.value}, not a BANNER_COUNTY",
            )
            return False
        self.county_region = county
        self.towns = {
            r.id: r
            for r in self.context.regions
            if r.parent == county.id and r.level in (RegionLevel.TOWNSHIP, RegionLevel.SUBDISTRICT)
        }
        self.town_index = index_names(
            (r.id, [r.id, r.name, *(r.aliases or [])]) for r in self.towns.values()
        )
        self.body_index = index_names(
            (b.id, [b.name, *(b.signboards or []), *(b.aliases or [])])
            for b in self.context.bodies
            if b.region == county.id
        )
        return ok

    # -------------------------------------------------------------------------- rows

    def read(self) -> Dataset:
        usable = self.check_arguments()
        table, problems = read_table(self.path, COLUMNS)
        self.problems += problems
        if table is None:
            return Dataset()
        complete = all(c.name in table.columns for c in COLUMNS if c.required)
        results: list[_RowRecords] = []
        for row in table.data:
            records = self.read_row(table, row, build=usable and complete)
            if records is not None:
                results.append(records)
        if not table.data:
            self.problem(table.header, "", "no rows below the header row")
        if not usable or not complete or not table.data:
            return Dataset()
        power_list = self.power_list(table, results)
        if power_list is None:
            return Dataset()
        return Dataset(
            bodies=list(self.created.values()),
            power_lists=[power_list],
            power_items=[r.item for r in results],
            holdings=[r.holding for r in results],
            delegations=[d for r in results for d in r.delegations],
        )

    def read_row(self, table: HeaderedTable, row: Row, *, build: bool) -> _RowRecords | None:
        start = len(self.problems)
        cells = {c.name: table.cell(row, c.name) for c in COLUMNS}
        for column in COLUMNS:
            if column.required and cells[column.name] == "":
                self.problem(row, column.name, self.empty_reason(table, column.name))

        seq = self.read_seq(row, cells[SEQ])
        ptype = None
        type_text = cells[TYPE]
        if type_text:
            ptype = power_type(type_text)
            if ptype is None:
                self.problem(
                    row,
                    TYPE,
                    f"unknown power type {type_text!r}; expected one of "
                    f"{', '.join(dict.fromkeys(POWER_TYPES))} (or {', '.join(PowerType)})",
                )
        mode = None
        if cells[MODE]:
            mode = claim_mode(cells[MODE] or "")
            if mode is None:
                self.problem(
                    row, MODE, f"unknown mode {cells[MODE]!r}; expected 确认 or 交办 (or blank)"
                )
        date = None
        if cells[DATE]:
            date = parse_date(cells[DATE] or "")
            if date is None:
                self.problem(
                    row,
                    DATE,
                    f"not a date: {cells[DATE]!r}; write YYYY, YYYY-MM or YYYY-MM-DD "
                    "(2020年6月1日 is accepted too)",
                )
        towns = self.read_towns(row, cells[TOWNS])
        if self.county_region is not None:
            self.original_body(row, cells[ORIGINAL], create=False)  # reports ambiguous names

        if not build or len(self.problems) > start or seq is None or ptype is None:
            return None
        # only a row without problems creates the body it names
        body_id = self.original_body(row, cells[ORIGINAL], create=True)
        if body_id is None:
            return None
        return self.records(table, row, cells, seq, ptype, mode, date, towns, body_id)

    def empty_reason(self, table: HeaderedTable, column: str) -> str:
        if table.table.kind == "xlsx":
            return (
                f"empty {column}: every row needs one (to mean 'same as above', merge the cell "
                "with the one above)"
            )
        return f"empty {column}: every row needs one (write the value out on every row)"

    def read_seq(self, row: Row, text: str | None) -> int | None:
        if not text:
            return None  # empty: reported with the other required cells
        seq = parse_seq(text)
        if seq is None or seq < 1:
            self.problem(
                row, SEQ, f"序号 must be a whole number from 1 (like 1 or 1.), not {text!r}"
            )
            return None
        first = self.seen_seqs.get(seq)
        if first is not None:
            self.problem(row, SEQ, f"duplicate 序号 {seq} (first at row {first})")
            return None
        self.seen_seqs[seq] = row.line
        return seq

    def read_towns(self, row: Row, text: str | None) -> list[str]:
        if not text or self.county_region is None:
            return []
        county = self.county_region
        towns: list[str] = []
        whole = _ALL_NOISE.sub("", key(text)).casefold() in ALL_TOWNS  # 全部乡镇、街道
        for token in [text] if whole else TOWN_SEPARATORS.split(text):
            if not token:
                continue
            if _ALL_NOISE.sub("", key(token)).casefold() in ALL_TOWNS:
                if not self.towns:
                    self.problem(
                        row,
                        TOWNS,
                        f"{token!r} means every township and subdistrict, but the context has "
                        f"none under {county.name} ({county.id})",
                    )
                towns += sorted(self.towns)
                continue
            ids = self.town_index.get(key(token), [])
            if len(ids) == 1:
                towns.append(ids[0])
                continue
            self.problem(row, TOWNS, self.unknown_town(token))
        return list(dict.fromkeys(towns))

    def unknown_town(self, token: str) -> str:
        county = self.county_region
        assert county is not None
        known = "、".join(r.name for r in sorted(self.towns.values(), key=lambda r: r.id))
        elsewhere = [
            r for r in self.context.regions if key(r.name) == key(token) and r.id not in self.towns
        ]
        if elsewhere:
            parents = {r.id: r for r in self.context.regions}
            where = "、".join(
                parents[r.parent].name if r.parent in parents else r.id for r in elsewhere
            )
            return f"{token!r} is not a town of {county.name} (it is in {where})"
        return f"unknown town or subdistrict {token!r} in {county.name}; known: {known or '(none)'}"

    def original_body(self, row: Row, text: str | None, *, create: bool) -> str | None:
        """The id of the body named in 原实施主体: known, created earlier, or (``create``) new."""
        if not text:
            return None
        ids = self.body_index.get(key(text), [])
        if len(ids) > 1:
            self.problem(
                row,
                ORIGINAL,
                f"{text!r} names {len(ids)} bodies of the county ({', '.join(ids)}); "
                "give the body's full name",
            )
            return None
        if ids:
            return ids[0]
        created = self.created.get(key(text))
        if created is None and not create:
            return None
        if created is None:
            county = self.county_region
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

    def records(
        self,
        table: HeaderedTable,
        row: Row,
        cells: dict[str, str | None],
        seq: int,
        ptype: PowerType,
        mode: ClaimMode | None,
        date: str | None,
        towns: list[str],
        body_id: str,
    ) -> _RowRecords | None:
        name = cells[ITEM] or ""
        prov = self.provenance(name, table)
        this_item = item_id(self.list_id, seq)
        item = self.build(
            row,
            "power_items",
            PowerItem,
            id=this_item,
            list=self.list_id,
            seq=seq,
            name=name,
            power_type=ptype,
            legal_basis=cells[BASIS] or None,
            provenance=prov,
        )
        holding = self.build(
            row, "holdings", Holding, body=body_id, item=this_item, provenance=prov
        )
        delegations = []
        for town_id in towns:
            to_body = self.responsible_body(self.towns[town_id], cells[RESPONSIBLE] or "")
            delegation = self.build(
                row,
                "delegations",
                Delegation,
                id=delegation_id(self.list_id, seq, town_id),
                list=self.list_id,
                item=this_item,
                from_body=body_id,
                to_region=town_id,
                to_body=to_body,
                mode=mode,
                date=date,
                doc_number=cells[DOC] or None,
                provenance=prov,
            )
            if delegation is not None:
                delegations.append(delegation)
        if item is None or holding is None or len(delegations) != len(towns):
            return None
        return _RowRecords(item, holding, delegations)

    def power_list(self, table: HeaderedTable, results: list[_RowRecords]) -> PowerList | None:
        docs = [table.cell(row, DOC) or "" for row in table.data]
        dates = [table.cell(row, DATE) or "" for row in table.data]
        doc_number = docs[0] if docs[0] and len(set(docs)) == 1 else None
        date = parse_date(dates[0]) if dates[0] and len(set(dates)) == 1 else None
        quote = table.title or (results[0].item.name if results else table.header_text(ITEM))
        county = self.county_region
        assert county is not None
        return self.build(
            table.header,
            "power_lists",
            PowerList,
            id=self.list_id,
            title=self.list_title or self.list_id,
            doc_number=doc_number,
            date=date,
            scope_region=county.id,
            item_count=len(table.data),
            provenance=self.provenance(quote, table),
        )


def read_delegation_list(
    path: Path, *, county: str, list_id: str, list_title: str, context: Dataset
) -> tuple[Dataset, list[Problem]]:
    """Read one county's delegation list (CSV or XLSX) into a dataset of new records.

    ``county`` is the id of a BANNER_COUNTY region in ``context``; ``context`` is the dataset
    the list is read against (regions, known bodies). The returned dataset holds only what the
    file adds: the list, its items, holdings, delegations and the bodies created for unknown
    original holders. Every problem is returned; when there is any, the file must be rejected
    (the records of rows without problems are still returned, for reports).
    """
    reader = _ListReader(path, county, list_id, list_title, context)
    dataset = reader.read()
    return dataset, reader.problems


__all__ = [
    "COLUMNS",
    "POWER_TYPES",
    "claim_mode",
    "created_body_id",
    "delegation_id",
    "item_id",
    "power_type",
    "read_delegation_list",
    "source_text",
]
