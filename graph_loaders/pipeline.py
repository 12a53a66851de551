"""Validate, then import: the one path every dataset takes into the graph.

Used by ``reformgraph validate``, ``reformgraph load`` and the service's start-up, so a file
is judged the same way wherever it comes from. Validation runs on the files together with a
context (by default the ``data/`` folder), so new files may refer to records already there;
nothing is written unless there is no problem at all.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain import ListKind
from graph_loaders.checks import check_dataset
from graph_loaders.claims_table import read_claims_table
from graph_loaders.dataset import Dataset
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.delegation_lists import read_delegation_list
from graph_loaders.importer import ImportPlan, import_dataset
from graph_loaders.loaded_from import LoadMark
from graph_loaders.problems import Problem, blocking, format_problems
from graph_loaders.region_tree import is_region_tree, read_region_trees, with_region_tree
from graph_loaders.shapes import TableShape, table_shape
from graph_loaders.tabular import (
    HEADER_SEARCH_ROWS,
    TableReadError,
    is_workbook,
    read_tables,
    source_text,
)
from graph_store import GraphStore

log = logging.getLogger(__name__)

DATASET_SUFFIXES = (".yaml", ".yml", ".json")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls")

#: The sub-folder of a dataset folder whose ``*.csv`` region trees load with it (the NBS
#: codes of Inner Mongolia in ``data/``); a gzipped tree there is loaded only when named.
REGION_TREE_FOLDER = "regions"


@dataclass(frozen=True)
class ListOptions:
    """What a power-list table does not say itself: its county (key, code or name), and
    optionally its id, title and kind (else: made from the county and title, the file's
    title row, and what its title and headers say)."""

    county: str | None = None
    list_id: str | None = None
    list_title: str | None = None
    kind: ListKind | None = None


class InvalidDatasetError(Exception):
    """The files have problems; nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s):\n{format_problems(problems)}")
        self.problems = problems


def dataset_files(directory: Path) -> list[Path]:
    """The dataset files of a folder (not its ``corpus/``), in name order, then the region
    trees of its ``regions/`` folder."""
    if not directory.is_dir():
        raise FileNotFoundError(f"dataset folder {directory} does not exist")
    files = sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in (*DATASET_SUFFIXES, *TABLE_SUFFIXES)
    )
    trees = directory / REGION_TREE_FOLDER
    if trees.is_dir():
        files += sorted(p for p in trees.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    return files


@dataclass
class Validated:
    """A dataset read from files, and what is wrong with it: ``problems`` holds errors and
    warnings; the dataset may be loaded when no error is among them."""

    dataset: Dataset
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop an import."""
        return blocking(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        """The problems listed for the reader that do not stop an import."""
        return [p for p in self.problems if not p.blocks]


def merged(base: Dataset, extra: Dataset) -> Dataset:
    """``base`` with the records of ``extra`` appended, section by section; synthetic as a
    whole only if both are (each record keeps its own flag)."""
    sections: dict[str, object] = {
        name: [*getattr(base, name), *getattr(extra, name)]
        for name, value in base
        if isinstance(value, list)
    }
    sections["synthetic"] = base.synthetic and extra.synthetic
    return base.model_copy(update=sections)


def is_table(path: Path) -> bool:
    """Whether a file is a table (CSV, XLSX, XLS) rather than a dataset file (YAML, JSON):
    a workbook by its content whatever its name, else by its name."""
    try:
        with path.open("rb") as handle:
            if is_workbook(handle.read(8)):
                return True
    except OSError:
        pass  # unreadable: the reader its name points to reports why
    return path.suffix.lower() not in DATASET_SUFFIXES


def table_kind(path: Path) -> TableShape | Problem:
    """What a table is, from its header row: a power list or a claims table; or the problem
    that says why it is neither (never a guess: no reader is tried in turn)."""
    tables, problems = read_tables(path)
    if problems:
        return problems[0]
    shape = table_shape(tables)
    if shape.shape is not None:
        return shape.shape
    first = next((row for t in tables for row in t.rows if not row.is_blank()), None)
    found = ", ".join(c.strip() for c in first.cells if c.strip()) if first else "(nothing)"
    return Problem(
        str(path),
        f"row {first.line}" if first else "",
        "",
        f"neither a power list nor a claims table: no header row in the first "
        f"{HEADER_SEARCH_ROWS} rows names an item (事项名称, 赋权事项, 职权名称, 项目名称, ...) "
        f"or a claim (乡镇/街道, 清单, 事项, 认领方式); first non-empty row has: {found}",
        first.line if first else None,
    )


def _read_table(
    path: Path, kind: TableShape, context: Dataset, options: ListOptions
) -> tuple[Dataset, list[Problem]]:
    if kind == "claims":
        return read_claims_table(path, context=context)
    if not options.county:
        reason = (
            "a power list needs its county (--county: its name, code or key); "
            "the list id and title are optional (--list-id, --list-title)"
        )
        return Dataset(), [Problem(str(path), "", "county", reason)]
    return read_delegation_list(
        path,
        county=options.county,
        list_id=options.list_id,
        list_title=options.list_title,
        context=context,
        kind=options.kind,
    )


def validate(
    paths: Sequence[Path],
    corpus_dir: Path,
    context: Sequence[Path] = (),
    list_options: ListOptions | None = None,
) -> Validated:
    """Read ``context`` and ``paths`` together and report every problem at once.

    Dataset files (YAML/JSON) are read first, then the region trees (NBS codes, CSV or
    gzipped CSV with their own header), which join the documented regions they share a code
    with (:mod:`graph_loaders.region_tree`); then tables (CSV/XLSX/XLS): power lists before
    claims tables, each resolved against everything read so far. What a file is comes from its
    content (a workbook is a table whatever its name; a region tree by its header) and its
    header row. A tree or a table is its own source: quotes from it are checked against its
    text.
    """
    files = list(dict.fromkeys([*context, *paths]))  # a file named twice is read once
    trees = [p for p in files if is_region_tree(p)]
    tables = [p for p in files if p not in trees and is_table(p)]
    dataset, problems = read_dataset_files([p for p in files if p not in (*tables, *trees)])
    extra_sources: dict[str, str] = {}
    if trees:
        tree = read_region_trees(trees)
        dataset, merge_problems = with_region_tree(dataset, tree)
        problems += tree.problems + merge_problems
        extra_sources.update(tree.texts)
    kinds: list[tuple[Path, TableShape]] = []
    for table in tables:
        kind = table_kind(table)
        if isinstance(kind, Problem):
            problems.append(kind)
        else:
            kinds.append((table, kind))
    for table, kind in sorted(kinds, key=lambda pair: pair[1] == "claims"):
        records, found = _read_table(table, kind, dataset, list_options or ListOptions())
        problems += found
        dataset = merged(dataset, records)
        with contextlib.suppress(TableReadError):
            extra_sources[table.name] = source_text(table)
    problems += check_dataset(dataset, corpus_dir, extra_sources)
    return Validated(dataset, problems)


async def load(
    store: GraphStore,
    paths: Sequence[Path],
    corpus_dir: Path,
    context: Sequence[Path] = (),
    list_options: ListOptions | None = None,
    *,
    mark: LoadMark | None = None,
) -> ImportPlan:
    """Validate, then import atomically; raise :class:`InvalidDatasetError` and write nothing
    if anything is wrong. ``mark``: a start-up dataset (:func:`import_dataset`)."""
    validated = validate(paths, corpus_dir, context, list_options)
    if validated.errors:
        raise InvalidDatasetError(validated.problems)
    for warning in validated.warnings:
        log.warning("%s", warning)
    plan = await import_dataset(store, validated.dataset, mark=mark)
    log.info("imported %d rows from %d file(s)", plan.row_count, len(paths))
    return plan
