"""Importing a delegation list or a claims table uploaded through the API.

``importDelegationList`` and ``importClaimsTable`` take a file (the GraphQL multipart request
spec; Strawberry's ``Upload``) and check it exactly as ``reformgraph validate`` does, against
the service's dataset folder (:mod:`schema.table_upload`). A dry run (the default) writes
nothing and needs no key: it answers every problem and warning with file, row and column, what
the file would write, each count split into records new to the graph and records already there
(updated in place), and a preview of the items or claims by row. ``dryRun: false`` needs the API
key, as ``applyMerger`` does, and imports the file's own records in one atomic write
(:func:`graph_loaders.importer.import_dataset`) only when there is no error; otherwise nothing
is written and the answer says why.
"""

from __future__ import annotations

import asyncio
import enum
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import strawberry
from starlette.datastructures import UploadFile

from domain import ClaimMode, PowerType
from graph_loaders.dataset import Dataset, Model
from graph_loaders.importer import import_dataset
from graph_loaders.pipeline import TABLE_SUFFIXES, ListOptions
from graph_loaders.problems import Problem
from graph_store.deadline import extend_deadline, remaining_s
from schema.auth import require_editor
from schema.errors import ApiError, ErrorCode
from schema.limits import limits_of
from schema.loaders import Entity
from schema.table_upload import CheckedUpload, check_upload, is_table_name, safe_file_name

#: Bytes read from an upload at a time while it is saved.
CHUNK = 1 << 20
#: Uploads are checked one at a time in a process: a table at the readers' size bounds
#: (graph_loaders/tabular.py) takes seconds of CPU and about 100 MB to check, and checks run
#: in threads that share the interpreter with the event loop. Another upload waits its turn
#: within its request's deadline (then BUSY); a check the deadline cuts short
#: (DEADLINE_EXCEEDED) finishes in its thread, holding the slot, and its result is dropped.
_CHECK_SLOT = threading.BoundedSemaphore(1)


def _check_then_release(*args: Any) -> CheckedUpload:
    """:func:`check_upload`, then the slot taken for it is given back (in the thread, so that a
    check the deadline cut short still holds the slot until it has finished)."""
    try:
        return check_upload(*args)
    finally:
        _CHECK_SLOT.release()


async def _checked(
    path: Path, dataset_dir: Path, options: ListOptions | None, graph_lists: Any
) -> CheckedUpload:
    """The upload checked in a thread, one at a time, within the request's deadline: BUSY when
    the slot is not free in time, DEADLINE_EXCEEDED when the check itself overruns."""
    left = remaining_s()
    wait = None if left is None else max(0.0, left)
    if not await asyncio.to_thread(_CHECK_SLOT.acquire, True, wait):
        raise ApiError(
            ErrorCode.BUSY, "Another upload is being checked; send this one again shortly."
        )
    left = remaining_s()
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(_check_then_release, path, dataset_dir, options, graph_lists),
            timeout=None if left is None else max(0.0, left),
        )
    except TimeoutError:
        raise ApiError(
            ErrorCode.DEADLINE_EXCEEDED,
            "Checking the file took longer than the request's deadline; send a smaller file "
            "(fewer rows), or check it with `reformgraph validate`.",
        ) from None


NO_FOLDER = (
    "Imports are disabled: the service has no dataset folder (REFORMGRAPH_DATASET_DIR) to read "
    "a table against."
)


@strawberry.enum(description="What kind of table an import reads.")
class ImportKind(enum.Enum):
    DELEGATION_LIST = "DELEGATION_LIST"
    CLAIMS_TABLE = "CLAIMS_TABLE"


@strawberry.enum(description="An error blocks an import; a warning is listed but does not.")
class Severity(enum.Enum):
    ERROR = "ERROR"
    WARNING = "WARNING"


@strawberry.type(description="One problem of an uploaded file: where it is and what is wrong.")
class ImportProblem:
    file: str = strawberry.field(
        description="The uploaded file's name as stored (the provenance source of its "
        "records), or `data/<file>` for a problem of the service's dataset folder."
    )
    row: int | None = strawberry.field(
        description="The spreadsheet row (CSV: the line the row starts on); null for the file."
    )
    location: str = strawberry.field(description="The record, e.g. `row 6`; empty for the file.")
    field: str = strawberry.field(description="The column (or argument) at fault; may be empty.")
    message: str
    severity: Severity


@strawberry.type(description="How many records of one kind the file gives, against the graph.")
class ImportCount:
    total: int = strawberry.field(description="Records the file gives (rows without errors).")
    new: int = strawberry.field(description="Of those, not in the graph yet: created.")
    existing: int = strawberry.field(
        description="Of those, already in the graph (same key, or same two ends): written "
        "again with the file's values, in place."
    )


@strawberry.type(description="What an import writes (or, in a dry run, would write).")
class ImportCounts:
    lists: ImportCount
    items: ImportCount
    holdings: ImportCount = strawberry.field(description="Original holder → item links.")
    delegations: ImportCount = strawberry.field(description="One per item and town.")
    claims: ImportCount
    bodies_created: ImportCount = strawberry.field(
        description="Bodies the list names as original holders (原实施主体) that the dataset "
        "folder does not have: the list creates them as government departments of the county "
        "(`new`), or an earlier import already did (`existing`)."
    )


@strawberry.type(description="A region or body an imported record refers to.")
class ImportRef:
    key: str
    name: str | None = strawberry.field(description="Null when the name is not known here.")


@strawberry.type(description="One item of an uploaded delegation list, as it would be written.")
class ImportedItem:
    row: int | None
    key: str
    seq: int
    name: str
    power_type: PowerType | None
    legal_basis: str | None
    mode: ClaimMode | None = strawberry.field(description="认领方式 of the row.")
    holder: ImportRef | None = strawberry.field(description="The original holder (原实施主体).")
    towns: list[ImportRef] = strawberry.field(description="The towns it is delegated to.")
    new: bool = strawberry.field(description="Not in the graph yet.")


@strawberry.type(description="One claim of an uploaded claims table, as it would be written.")
class ImportedClaim:
    row: int | None
    town: ImportRef
    list: str
    item: ImportRef
    seq: int | None
    mode: ClaimMode
    date: str | None
    new: bool = strawberry.field(description="The town had not claimed the item in the graph.")


@strawberry.type(description="What an import found in a file, and what it wrote or would write.")
class ImportResult:
    applied: bool = strawberry.field(description="True when the file was written to the graph.")
    kind: ImportKind
    file: str = strawberry.field(
        description="The file's name as stored: the source its records' provenance names."
    )
    list_key: str | None = strawberry.field(
        description="The list a delegation list becomes; null for a claims table."
    )
    can_apply: bool = strawberry.field(
        description="True when nothing blocks the import (warnings do not)."
    )
    problems: list[ImportProblem] = strawberry.field(
        description="Every error, by row; any error means nothing is written."
    )
    warnings: list[ImportProblem] = strawberry.field(
        description="Listed like problems but not blocking (a column the list shape lacks, an "
        "item the graph has that the file no longer lists, ...)."
    )
    counts: ImportCounts
    items: list[ImportedItem] = strawberry.field(
        description="The list's items by row (empty for a claims table)."
    )
    claims: list[ImportedClaim] = strawberry.field(
        description="The table's claims by row (empty for a delegation list)."
    )


# --------------------------------------------------------------------------------- checks


def _api_problem(p: Problem) -> ImportProblem:
    return ImportProblem(
        file=p.file,
        row=p.line,
        location=p.location,
        field=p.field,
        message=p.reason,
        severity=Severity.ERROR if p.blocks else Severity.WARNING,
    )


def _line(record: Model) -> int | None:
    return record.origin.line if record.origin else None


def _kind_problems(kind: ImportKind, own: Dataset, name: str) -> list[Problem]:
    """A file read as the other kind of table is refused rather than imported as that."""
    if kind is ImportKind.DELEGATION_LIST and own.claims:
        return [
            Problem(
                name,
                "",
                "",
                "this file reads as a claims table (town, list, item, mode), not a delegation "
                "list: import it with importClaimsTable",
            )
        ]
    if kind is ImportKind.CLAIMS_TABLE and (own.power_lists or own.power_items):
        return [
            Problem(
                name,
                "",
                "",
                "this file reads as a delegation list, not a claims table: import it with "
                "importDelegationList (with its county, list id and title)",
            )
        ]
    return []


#: (section, fields naming a record the import links to).
_REFERENCES = (
    ("bodies", ("region", "superior")),
    ("power_lists", ("scope_region",)),
    ("power_items", ("list",)),
    ("holdings", ("body", "item")),
    ("delegations", ("list", "item", "from_body", "to_region", "to_body")),
    ("claims", ("region", "list", "item")),
)
_CREATED = ("bodies", "power_lists", "power_items")
_LABELS = {"bodies": "Body", "power_lists": "PowerList", "power_items": "PowerItem"}


def _created_ids(own: Dataset) -> dict[str, str]:
    """Node id → section, of the nodes the file creates or updates."""
    return {r.id: section for section in _CREATED for r in own.records(section)}  # type: ignore[attr-defined]


def _referenced(own: Dataset) -> dict[str, Model]:
    """Ids the file's records link to that it does not create, each with the first record
    (in file order) that refers to it."""
    created = _created_ids(own)
    first: dict[str, Model] = {}
    for section, fields in _REFERENCES:
        for record in own.records(section):
            for field in fields:
                value = getattr(record, field, None)
                if value is not None and value not in created:
                    first.setdefault(value, record)
    return first


def _graph_problems(found: dict[str, Entity | None], own: Dataset, name: str) -> list[Problem]:
    """What the graph says against writing the file: a record it links to that is not in
    the graph (the link would silently not be made), or a key it uses that the graph holds
    for another kind of node or for a synthetic one."""
    problems = [
        Problem(
            name,
            f"row {_line(record)}" if _line(record) else "",
            "",
            f"{key!r} is not in the graph: the service's dataset folder has it, but the "
            "graph was not loaded from it (restart the service to load it)",
            _line(record),
        )
        for key, record in _referenced(own).items()
        if found.get(key) is None
    ]
    for key, section in _created_ids(own).items():
        entity = found.get(key)
        if entity is None:
            continue
        kinds = "/".join(label for label in entity.labels if label != "Entity")
        if _LABELS[section] not in entity.labels:
            problems.append(
                Problem(name, "", "id", f"{key!r} is already the key of a {kinds} in the graph")
            )
        elif entity.props.get("synthetic"):
            problems.append(
                Problem(
                    name,
                    "",
                    "id",
                    f"{key!r} is the key of a synthetic {kinds} in the graph: a file's documented "
                    "records cannot overwrite generated ones; choose another key",
                )
            )
    return problems


# --------------------------------------------------------------------------------- counts


@dataclass
class _Links:
    """The relationship rows of the file's records, keyed for ``links_existing``."""

    rows: list[dict[str, Any]]
    existing: set[str]

    def count(self, prefix: str) -> ImportCount:
        keys = [row["key"] for row in self.rows if row["key"].startswith(prefix)]
        old = sum(key in self.existing for key in keys)
        return ImportCount(total=len(keys), new=len(keys) - old, existing=old)


def _link_rows(own: Dataset) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, h in enumerate(own.holdings):
        rows.append({"key": f"h{i}", "type": "HOLDS", "from": h.body, "to": h.item, "id": None})
    for i, d in enumerate(own.delegations):
        rows.append(
            {
                "key": f"d{i}",
                "type": "DELEGATES",
                "from": d.from_body or d.list,
                "to": d.to_body or d.to_region,
                "id": d.id,
            }
        )
    for i, c in enumerate(own.claims):
        rows.append({"key": f"c{i}", "type": "CLAIMS", "from": c.region, "to": c.item, "id": None})
    return rows


def _node_count(records: Iterable[Any], found: dict[str, Entity | None]) -> ImportCount:
    ids = [r.id for r in records]
    old = sum(found.get(i) is not None for i in ids)
    return ImportCount(total=len(ids), new=len(ids) - old, existing=old)


# -------------------------------------------------------------------------------- preview


class _Names:
    """Names of the regions, bodies and items the file refers to, from the file and its
    context (the dataset folder, and for claims the graph's lists)."""

    def __init__(self, everything: Dataset) -> None:
        self.names: dict[str, str] = {}
        for section, attr in (("regions", "name"), ("bodies", "name"), ("power_items", "name")):
            for record in everything.records(section):
                self.names[record.id] = getattr(record, attr)  # type: ignore[attr-defined]
        self.seqs = {item.id: item.seq for item in everything.power_items}

    def ref(self, key: str) -> ImportRef:
        return ImportRef(key=key, name=self.names.get(key))


def _items(checked: CheckedUpload, found: dict[str, Entity | None]) -> list[ImportedItem]:
    own, names = checked.own, _Names(checked.everything)
    holders = {h.item: h.body for h in own.holdings}
    towns: dict[str, list[str]] = defaultdict(list)
    modes: dict[str, ClaimMode] = {}
    for d in own.delegations:
        if d.item is not None and d.to_region is not None:
            towns[d.item].append(d.to_region)
            if d.mode is not None:
                modes[d.item] = d.mode
    return [
        ImportedItem(
            row=_line(item),
            key=item.id,
            seq=item.seq,
            name=item.name,
            power_type=item.power_type,
            legal_basis=item.legal_basis,
            mode=modes.get(item.id),
            holder=names.ref(holders[item.id]) if item.id in holders else None,
            towns=[names.ref(t) for t in towns[item.id]],
            new=found.get(item.id) is None,
        )
        for item in own.power_items
    ]


def _claims(checked: CheckedUpload, links: _Links) -> list[ImportedClaim]:
    names = _Names(checked.everything)
    return [
        ImportedClaim(
            row=_line(claim),
            town=names.ref(claim.region),
            list=claim.list,
            item=names.ref(claim.item),
            seq=names.seqs.get(claim.item),
            mode=claim.mode,
            date=claim.date,
            new=f"c{i}" not in links.existing,
        )
        for i, claim in enumerate(checked.own.claims)
    ]



# ------------------------------------------------------------------------------- resolver


async def _save(upload: UploadFile, path: Path) -> None:
    """Write the upload to ``path`` (the request's size is capped before it gets here)."""
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            await asyncio.to_thread(out.write, chunk)


async def _stale_items(
    info: strawberry.Info, list_key: str, own: Dataset, name: str
) -> list[Problem]:
    """Items of the list that the graph has and the file no longer lists: an import updates
    and adds, it does not delete, so they stay; the user should know."""
    rows = await info.context.store.read("list_items", {"list": list_key})
    in_graph: list[dict[str, Any]] = rows[0]["items"] if rows else []
    listed = {item.id for item in own.power_items}
    return [
        Problem(
            name,
            "",
            "序号",
            f"item {item.get('seq')} {item.get('name')!r} ({item['id']}) "
            "is in the graph but not in this file: it is kept (an import does not delete)",
            severity="warning",
        )
        for item in in_graph
        if item["id"] not in listed
    ]


async def import_table(
    info: strawberry.Info,
    upload: UploadFile,
    kind: ImportKind,
    options: ListOptions | None,
    dry_run: bool,
) -> ImportResult:
    """Check an uploaded table and, unless ``dry_run`` or anything blocks, import it."""
    if not dry_run:
        require_editor(info)
    extend_deadline(limits_of(info).import_deadline_s)
    dataset_dir: Path | None = info.context.dataset_dir
    if dataset_dir is None:
        raise ApiError(ErrorCode.FORBIDDEN, NO_FOLDER)
    if not isinstance(upload, UploadFile):
        raise ApiError(
            ErrorCode.BAD_INPUT,
            "`file` must be a file sent as a multipart request (GraphQL multipart request spec).",
        )
    name = safe_file_name(upload.filename)
    list_key = options.list_id if options else None
    if not is_table_name(name):
        problem = Problem(
            name,
            "",
            "file",
            f"not a table: the file must be one of {', '.join(TABLE_SUFFIXES)}",
        )
        return _result(kind, name, list_key, [problem], None, None, {}, applied=False)
    store = info.context.store
    with tempfile.TemporaryDirectory(prefix="reformgraph-upload-") as folder:
        path = Path(folder) / name
        await _save(upload, path)
        # read for both kinds: a claims table sent as a list is then read as the claims
        # table it is, and refused as one (rather than for naming an unknown list)
        graph_lists = await store.read("documented_lists_with_items", {})
        try:
            checked = await _checked(path, dataset_dir, options, graph_lists)
        except FileNotFoundError:  # the dataset folder is gone
            raise ApiError(ErrorCode.FORBIDDEN, NO_FOLDER) from None
    own = checked.own
    problems = checked.problems + _kind_problems(kind, own, name)
    keys = list(dict.fromkeys([*_created_ids(own), *_referenced(own)]))
    entities = await info.context.loaders.entity.load_many(keys)
    found = dict(zip(keys, entities, strict=True))
    problems += _graph_problems(found, own, name)
    if list_key is not None and found.get(list_key) is not None:
        problems += await _stale_items(info, list_key, own, name)
    link_rows = _link_rows(own)
    existing = await store.read("links_existing", {"rows": link_rows}) if link_rows else []
    links = _Links(link_rows, {row["key"] for row in existing})
    blocked = any(p.blocks for p in problems)
    applied = False
    if not dry_run and not blocked:
        await import_dataset(store, own)
        applied = True
    return _result(kind, name, list_key, problems, checked, links, found, applied=applied)


def _result(
    kind: ImportKind,
    name: str,
    list_key: str | None,
    problems: list[Problem],
    checked: CheckedUpload | None,
    links: _Links | None,
    found: dict[str, Entity | None],
    *,
    applied: bool,
) -> ImportResult:
    ordered = sorted(problems, key=lambda p: (p.file != name, p.line or 0, p.field, p.reason))
    own = checked.own if checked else Dataset()
    links = links or _Links([], set())
    return ImportResult(
        applied=applied,
        kind=kind,
        file=name,
        list_key=list_key,
        can_apply=not any(p.blocks for p in problems),
        problems=[_api_problem(p) for p in ordered if p.blocks],
        warnings=[_api_problem(p) for p in ordered if not p.blocks],
        counts=ImportCounts(
            lists=_node_count(own.power_lists, found),
            items=_node_count(own.power_items, found),
            holdings=links.count("h"),
            delegations=links.count("d"),
            claims=links.count("c"),
            bodies_created=_node_count(own.bodies, found),
        ),
        items=_items(checked, found) if checked else [],
        claims=_claims(checked, links) if checked else [],
    )
