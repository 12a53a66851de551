"""Claims (认领) as a table: which town took up which item of a list, by which mode.

One row per claim: town, list, item, mode and an optional date (English or Chinese headers).
Rows refer to records of the context (regions, lists and items; read a delegation list first
and pass the merged dataset). Every problem is reported; records come only from rows without
problems. See ``docs/delegation-lists.md``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from domain import TOWN_LEVELS, ClaimMode, ListKind
from graph_loaders.dataset import Claim, Dataset, Origin, PowerItem, PowerList, Provenance, Region
from graph_loaders.problems import Problem
from graph_loaders.region_match import RegionMatcher, RegionMatchError, is_county
from graph_loaders.shapes import CLAIM_DATE as DATE
from graph_loaders.shapes import CLAIM_ITEM as ITEM
from graph_loaders.shapes import CLAIM_MODE as MODE
from graph_loaders.shapes import CLAIMS_COLUMNS as COLUMNS
from graph_loaders.shapes import LIST, TOWN, claim_mode
from graph_loaders.tabular import (
    HeaderedTable,
    Row,
    index_names,
    parse_date,
    parse_seq,
    read_table,
)
from graph_loaders.text_keys import key


class _ClaimsReader:
    def __init__(self, path: Path, context: Dataset) -> None:
        self.path = path
        self.file = str(path)
        self.context = context
        self.problems: list[Problem] = []
        self.regions = {r.id: r for r in context.regions}
        self.region_names = index_names((r.id, [r.name]) for r in context.regions)
        self.matcher = RegionMatcher(context.regions)
        self.lists = {pl.id: pl for pl in context.power_lists}
        self.list_titles = index_names((pl.id, [pl.title]) for pl in context.power_lists)
        self.items = {i.id: i for i in context.power_items}
        self.seen: dict[tuple[str, str, str], int] = {}  # (region, list, item) → row

    def problem(self, table: HeaderedTable, row: Row, column: str, reason: str) -> None:
        field = table.header_text(column) if column in table.columns else column
        self.problems.append(Problem(self.file, f"row {row.line}", field, reason, row.line))

    def read(self) -> Dataset:
        table, problems = read_table(self.path, COLUMNS)
        self.problems += problems
        if table is None:
            return Dataset()
        complete = all(c.name in table.columns for c in COLUMNS if c.required)
        claims = []
        for row in table.data:
            claim = self.read_row(table, row)
            if claim is not None:
                claims.append(claim)
        if not table.data:
            self.problems.append(
                Problem(
                    self.file,
                    f"row {table.header.line}",
                    "",
                    "no rows below the header row",
                    table.header.line,
                )
            )
        if not complete:
            return Dataset()
        for index, claim in enumerate(claims):
            origin = claim.origin
            assert origin is not None
            claim.with_origin(origin.model_copy(update={"index": index}))
        return Dataset(claims=claims)

    def read_row(self, table: HeaderedTable, row: Row) -> Claim | None:
        start = len(self.problems)
        cells = {c.name: table.cell(row, c.name) for c in COLUMNS}
        for column in COLUMNS:
            if column.required and cells[column.name] == "":
                self.problem(table, row, column.name, f"empty {column.name}: every row needs one")
        power_list = self.power_list(table, row, cells[LIST])
        town = self.town(table, row, cells[TOWN], power_list)
        item = self.item(table, row, power_list, cells[ITEM])
        mode: ClaimMode | None = None
        if cells[MODE]:
            mode = claim_mode(cells[MODE] or "")
            if mode is None:
                self.problem(
                    table,
                    row,
                    MODE,
                    f"unknown mode {cells[MODE]!r}; expected 确认 or 交办 (CONFIRM or ASSIGN)",
                )
        date = None
        if cells[DATE]:
            date = parse_date(cells[DATE] or "")
            if date is None:
                self.problem(
                    table,
                    row,
                    DATE,
                    f"not a date: {cells[DATE]!r}; write YYYY, YYYY-MM or YYYY-MM-DD",
                )
        if town is not None and power_list is not None and item is not None:
            triple = (town.id, power_list.id, item.id)
            first = self.seen.get(triple)
            if first is not None:
                self.problem(
                    table,
                    row,
                    ITEM,
                    f"{town.name} already claims {item.id} at row {first}: one claim per item",
                )
            else:
                self.seen[triple] = row.line
        if (
            len(self.problems) > start
            or town is None
            or power_list is None
            or item is None
            or mode is None
        ):
            return None
        try:
            claim = Claim(
                region=town.id,
                list=power_list.id,
                item=item.id,
                mode=mode,
                date=date,
                provenance=[Provenance(source=self.path.name, quote=row.raw)],
            )
        except ValidationError as error:
            self.problem(table, row, "", f"cannot make a claim: {error.errors()[0]['msg']}")
            return None
        claim.with_origin(Origin(file=self.file, section="claims", index=0, line=row.line))
        return claim

    def town(
        self, table: HeaderedTable, row: Row, text: str | None, power_list: PowerList | None
    ) -> Region | None:
        """The town ``text`` names: within the list's county when the list is a county's (by
        name with or without its suffix, or code), else by region id or a unique name."""
        if not text:
            return None
        scope = self.regions.get(power_list.scope_region or "") if power_list else None
        if scope is not None and is_county(scope):
            try:
                return self.matcher.town(scope, text)
            except RegionMatchError as error:
                self.problem(table, row, TOWN, str(error))
                return None
        within = power_list.scope_region if power_list is not None else None
        region = self.regions.get(text)
        if region is None:
            ids = self.region_names.get(key(text), [])
            if len(ids) > 1 and within is not None:
                # a name several counties use (the region tree has two 新华街道): the town
                # under the list's region is the one meant
                ids = [i for i in ids if self.is_under(i, within)] or ids
            if len(ids) > 1:
                self.problem(
                    table,
                    row,
                    TOWN,
                    f"{text!r} names {len(ids)} regions ({', '.join(ids)}); use the region id",
                )
                return None
            region = self.regions[ids[0]] if ids else None
        if region is None:
            self.problem(table, row, TOWN, f"unknown town {text!r}: not a region id or name")
            return None
        if region.level not in TOWN_LEVELS:
            self.problem(
                table,
                row,
                TOWN,
                f"{text!r} is a {region.level.value}; only a TOWNSHIP or SUBDISTRICT claims",
            )
            return None
        return region

    def is_under(self, region_id: str, ancestor: str) -> bool:
        """Whether ``ancestor`` is the region or one of its parents."""
        seen: set[str] = set()
        current: str | None = region_id
        while current is not None and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            found = self.regions.get(current)
            current = found.parent if found is not None else None
        return False

    def power_list(self, table: HeaderedTable, row: Row, text: str | None) -> PowerList | None:
        if not text:
            return None
        found = self.lists.get(text)
        if found is None:
            ids = self.list_titles.get(key(text), [])
            found = self.lists[ids[0]] if len(ids) == 1 else None
        if found is None:
            self.problem(table, row, LIST, f"unknown list {text!r}: not a power list id")
            return None
        if found.kind is ListKind.STATUTORY:
            self.problem(
                table,
                row,
                LIST,
                f"{found.id} is a statutory list (法定): towns hold its items by law, they do "
                "not claim them",
            )  # the list is still returned: its county is where the row's town is looked for
        return found

    def item(
        self, table: HeaderedTable, row: Row, power_list: PowerList | None, text: str | None
    ) -> PowerItem | None:
        if not text:
            return None
        by_id = self.items.get(text)
        if by_id is not None:
            if power_list is not None and by_id.list != power_list.id:
                self.problem(
                    table, row, ITEM, f"item {text!r} is in list {by_id.list}, not {power_list.id}"
                )
                return None
            return by_id
        if power_list is None:
            return None  # the list is reported; an item can only be found within a list
        in_list = [i for i in self.context.power_items if i.list == power_list.id]
        seq = parse_seq(text)
        if seq is not None:
            matches = [i for i in in_list if i.seq == seq]
            if matches:
                return matches[0]
            self.problem(table, row, ITEM, f"list {power_list.id} has no item with 序号 {seq}")
            return None
        named = [i for i in in_list if key(i.name) == key(text)]
        if len(named) == 1:
            return named[0]
        if named:
            ids = ", ".join(i.id for i in named)
            self.problem(
                table, row, ITEM, f"{text!r} names {len(named)} items ({ids}); use the 序号 or id"
            )
            return None
        self.problem(
            table,
            row,
            ITEM,
            f"unknown item {text!r} in list {power_list.id}: not an item id, 序号 or item name",
        )
        return None


def read_claims_table(path: Path, *, context: Dataset) -> tuple[Dataset, list[Problem]]:
    """Read a claims table (CSV or XLSX) into a dataset of :class:`Claim` records.

    ``context`` must hold the regions, lists and items the rows name (merge the dataset of the
    delegation list in first). Every problem is returned; when there is any, the file must be
    rejected (claims of rows without problems are still returned, for reports).
    """
    reader = _ClaimsReader(path, context)
    dataset = reader.read()
    return dataset, reader.problems


__all__ = ["COLUMNS", "read_claims_table"]
