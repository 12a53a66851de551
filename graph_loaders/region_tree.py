"""The official region tree (NBS 统计用区划代码) as region records, merged with the documented
regions so that each real region is one node.

A region-tree file (``data/regions/nbs-2023-inner-mongolia.csv``, written by
``python -m tools.vendor_regions``) is a UTF-8 CSV, optionally gzipped, with the header
``code,name,parent_code`` and one row per region: its short code (6 digits down to county
level, 9 for township-level units), its name as the NBS gives it and its parent's code (empty
for a province). The file is its own source: it is registered as a
:class:`~graph_loaders.dataset.Source` (kind STATISTICAL_CODES, with the edition and date of
the NBS release), and each region's provenance quotes its row exactly, so the quote checker
verifies tree facts like any other.

Merging (:func:`with_region_tree`): a documented region (``data/regions.yaml``) that states a
``code`` *is* the tree's region with that code. It keeps its id, name, aliases and quotes, and
gains what the tree says: its division, its parent where it states none, and the row as one
more quote. Where it states something the tree contradicts (name, level, division, parent)
that is a problem to fix, not something to pick a winner for. Every other row becomes a
region with the id ``region:<code>``. Level and division come from the code
(:mod:`graph_loaders.region_levels`).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from domain import SourceKind
from graph_loaders.dataset import Dataset, Origin, Provenance, Region, Source
from graph_loaders.problems import Problem
from graph_loaders.region_levels import division_of, level_of, parent_code_of

#: A code → the id of its region; report(region, field, reason).
_IdOf = Callable[[str], str]
_Report = Callable[[Region, str, str], None]

#: The first line of every region-tree file: how the pipeline tells one from other tables.
HEADER: Final = "code,name,parent_code"

#: ``nbs-<edition>-<scope>.csv`` or ``.csv.gz``: what the vendoring tool names its files.
_FILE_NAME: Final = re.compile(r"^nbs-(?P<edition>\d{4})-(?P<scope>[a-z0-9-]+)\.csv(?:\.gz)?$")
_SHORT_CODE: Final = re.compile(r"^[0-9]{6}(?:[0-9]{3})?$")


@dataclass(frozen=True)
class Edition:
    """What the NBS says of one release of its codes."""

    as_of: str  # 截止时间: the state of the divisions the codes describe
    published: str  # 发布时间


#: Releases the vendored files come from (docs/sources.md says how to add one).
EDITIONS: Final = {"2023": Edition(as_of="2023-06-30", published="2023-09-11")}

#: Scope part of a file name → what the title says it covers.
SCOPES: Final = {"inner-mongolia": "内蒙古自治区", "china": "全国"}


def region_id(code: str) -> str:
    """The id of a tree region no document names: ``region:150124``."""
    return f"region:{code}"


@dataclass(frozen=True)
class TreeRow:
    """One region of a tree file, with the exact text of its row (its quote)."""

    code: str
    name: str
    parent: str | None
    text: str
    file: str  # the file name: provenance cites it
    path: str  # where it was read, for problems
    line: int
    index: int


@dataclass
class RegionTree:
    """Every row of the tree files read, by code (first file first), their sources, the texts
    quotes are checked against, and what was wrong."""

    rows: dict[str, TreeRow] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def is_region_tree(path: Path) -> bool:
    """Whether ``path`` is a region-tree file: a ``.csv`` or ``.csv.gz`` starting with
    :data:`HEADER` (decided by content, not by folder)."""
    name = path.name.lower()
    if not (name.endswith(".csv") or name.endswith(".csv.gz")) or not path.is_file():
        return False
    try:
        if name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8-sig") as stream:
                first = stream.readline()
        else:
            with path.open(encoding="utf-8-sig") as stream:
                first = stream.readline()
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
        return False
    return first.strip() == HEADER


def tree_source(path: Path) -> Source:
    """The source record of a tree file: the NBS release it was cut from."""
    match = _FILE_NAME.match(path.name)
    edition = match.group("edition") if match else None
    scope = match.group("scope") if match else None
    known = EDITIONS.get(edition or "")
    parts = [
        f"{edition}年" if edition else "",
        SCOPES.get(scope, scope) if scope else "",
        f"截至{known.as_of}" if known else "",  # the state of the divisions it describes
    ]
    inside = "，".join(part for part in parts if part)
    title = f"统计用区划代码（{inside}）" if inside else "统计用区划代码"
    stem = path.name.removesuffix(".gz").removesuffix(".csv").lower()
    source = Source(
        id=f"source:{re.sub(r'[^a-z0-9_.:-]', '-', stem)}",
        file=path.name,
        title=title,
        kind=SourceKind.STATISTICAL_CODES,
        issuer="国家统计局",
        date=known.published if known else edition,
        edition=edition,
    )
    source.with_origin(Origin(file=str(path), section="sources", index=0, line=1))
    return source


def read_region_trees(paths: Iterable[Path]) -> RegionTree:
    """Read tree files; a code given by two files must be the same row (the later is
    dropped), otherwise it is a problem. Nothing is raised."""
    tree = RegionTree()
    for path in paths:
        _read_one(path, tree)
    _check_parents(tree)
    return tree


def _read_one(path: Path, tree: RegionTree) -> None:
    where = str(path)
    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as error:
        tree.problems.append(Problem(where, "", "", f"cannot read region tree: {error}"))
        return
    lines = text.splitlines()
    if not lines or lines[0].strip() != HEADER:
        tree.problems.append(Problem(where, "", "", f"a region tree starts with {HEADER!r}", 1))
        return
    tree.texts[path.name] = text
    tree.sources.append(tree_source(path))
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        index = number - 2
        row = _parse_row(line, path, number, index)
        if isinstance(row, tuple):
            column, reason = row
            tree.problems.append(Problem(where, f"regions[{index}]", column, reason, number))
            continue
        first = tree.rows.get(row.code)
        if first is None:
            tree.rows[row.code] = row
        elif (first.name, first.parent) != (row.name, row.parent):
            reason = f"code {row.code} is {first.name!r} in {first.path} (row {first.line})"
            tree.problems.append(Problem(where, f"regions[{index}]", "code", reason, number))


def _parse_row(line: str, path: Path, number: int, index: int) -> TreeRow | tuple[str, str]:
    """A row of a tree file, or (column, reason) if it is not a valid one."""
    parts = line.split(",")
    if len(parts) != 3:
        return "", f"expected 3 columns ({HEADER}), got {len(parts)}"
    code, name, parent = (part.strip() for part in parts)
    if not _SHORT_CODE.match(code) or code.endswith("000000") or code[6:] == "000":
        return "code", f"{code!r} is not a region's 6- or 9-digit code"
    if not name:
        return "name", "empty name"
    expected = parent_code_of(code) or ""
    if parent != expected:
        return "parent_code", f"{parent!r} is not the parent its code states ({expected!r})"
    return TreeRow(code, name, parent or None, line.strip(), path.name, str(path), number, index)


def _check_parents(tree: RegionTree) -> None:
    for row in tree.rows.values():
        if row.parent is not None and row.parent not in tree.rows:
            where = f"regions[{row.index}]"
            reason = f"parent {row.parent} is not in the tree"
            tree.problems.append(Problem(row.path, where, "parent", reason, row.line))


def _quote(row: TreeRow) -> Provenance:
    return Provenance(source=row.file, quote=row.text)


def with_region_tree(dataset: Dataset, tree: RegionTree) -> tuple[Dataset, list[Problem]]:
    """``dataset`` with the tree's regions and sources: documented regions with a code
    updated in place, every other row added as ``region:<code>``. Returns the problems of the
    merge (contradictions between documents and the tree, codes the tree lacks)."""
    if not tree.rows:
        return dataset, []
    problems: list[Problem] = []
    documented: dict[str, Region] = {}
    for region in dataset.regions:
        if region.code is not None:
            documented.setdefault(region.code, region)  # duplicates: checks.py reports them

    def id_of(code: str) -> str:
        found = documented.get(code)
        return found.id if found is not None else region_id(code)

    def report(region: Region, column: str, reason: str) -> None:
        origin = region.origin
        file, where, line = (
            (origin.file, origin.location, origin.field_lines.get(column, origin.line))
            if origin
            else ("<dataset>", "regions", None)
        )
        problems.append(Problem(file, where, column, reason, line))

    provinces = {code[:2] for code in tree.rows if len(code) == 6 and code[2:] == "0000"}
    regions: list[Region] = []
    for region in dataset.regions:
        row = tree.rows.get(region.code) if region.code is not None else None
        if row is None or documented.get(row.code) is not region:
            if region.code is not None and region.code[:2] in provinces and row is None:
                report(region, "code", f"code {region.code} is not in the region tree")
            regions.append(region)
            continue
        regions.append(_merged(region, row, id_of, report))
    added = [_tree_region(row, id_of) for code, row in tree.rows.items() if code not in documented]
    merged = dataset.model_copy(
        update={
            "regions": [*regions, *added],
            "sources": [*dataset.sources, *tree.sources],
        }
    )
    return merged, problems + _lookalikes(dataset, tree, documented)


def _merged(region: Region, row: TreeRow, id_of: _IdOf, report: _Report) -> Region:
    """A documented region with what its tree row adds; contradictions are reported."""
    level, division = level_of(row.code), division_of(row.code, row.name)
    tree_parent = id_of(row.parent) if row.parent else None
    said = f"the region tree ({row.file} row {row.line}: {row.text})"
    if region.name != row.name and row.name not in (region.aliases or []):
        report(region, "name", f"{region.name!r} is {row.name!r} in {said}")
    if region.level != level:
        report(region, "level", f"{region.level.value} but the code states {level.value}")
    if region.division is not None and region.division != division:
        report(region, "division", f"{region.division.value} but {said} states {division.value}")
    if region.parent is not None and region.parent != tree_parent:
        report(region, "parent", f"{region.parent!r} but {said} puts it under {tree_parent!r}")
    return region.model_copy(
        update={
            "division": division,
            "parent": region.parent or tree_parent,
            "provenance": [*region.provenance, _quote(row)],
        }
    )


def _tree_region(row: TreeRow, id_of: _IdOf) -> Region:
    region = Region(
        id=id_of(row.code),
        name=row.name,
        level=level_of(row.code),
        division=division_of(row.code, row.name),
        parent=id_of(row.parent) if row.parent else None,
        code=row.code,
        provenance=[_quote(row)],
    )
    region.with_origin(Origin(file=row.path, section="regions", index=row.index, line=row.line))
    return region


def _lookalikes(dataset: Dataset, tree: RegionTree, documented: dict[str, Region]) -> list[Problem]:
    """Warn about a documented region without a code that has the name of a tree region no
    record claims: it is probably that region, and would otherwise be a second node for it."""
    by_name: dict[str, list[TreeRow]] = {}
    for row in tree.rows.values():
        if row.code not in documented:
            by_name.setdefault(row.name, []).append(row)
    problems = []
    for region in dataset.regions:
        rows = by_name.get(region.name, []) if region.code is None else []
        if not rows or region.synthetic:
            continue
        candidates = ", ".join(f"{row.code} (under {row.parent})" for row in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        origin = region.origin
        problems.append(
            Problem(
                origin.file if origin else "<dataset>",
                origin.location if origin else "regions",
                "code",
                f"{region.name!r} has no code, and the region tree has a region of that name: "
                f"{candidates}{more}; give it its `code` so that both are one region",
                origin.line if origin else None,
                severity="warning",
            )
        )
    return problems
