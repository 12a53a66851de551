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

from graph_loaders.checks import check_dataset
from graph_loaders.claims_table import read_claims_table
from graph_loaders.dataset import Dataset
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.delegation_lists import read_delegation_list
from graph_loaders.importer import ImportPlan, import_dataset
from graph_loaders.problems import Problem, blocking, format_problems
from graph_loaders.region_tree import is_region_tree, read_region_trees, with_region_tree
from graph_loaders.tabular import TableReadError, source_text
from graph_store import GraphStore

log = logging.getLogger(__name__)

DATASET_SUFFIXES = (".yaml", ".yml", ".json")
TABLE_SUFFIXES = (".csv", ".xlsx")

#: The sub-folder of a dataset folder whose ``*.csv`` region trees load with it (the NBS
#: codes of Inner Mongolia in ``data/``); a gzipped tree there is loaded only when named.
REGION_TREE_FOLDER = "regions"


@dataclass(frozen=True)
class ListOptions:
    """What a delegation-list table does not say itself: its county, id and title."""

    county: str | None = None
    list_id: str | None = None
    list_title: str | None = None


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


def is_delegation_list(path: Path) -> bool:
    """A table with a 赋权事项 column is a delegation list; any other is a claims table."""
    try:
        return "赋权事项" in source_text(path)[:5_000]
    except TableReadError:
        return True  # unreadable: the delegation-list reader reports why


def _read_table(
    path: Path, context: Dataset, options: ListOptions
) -> tuple[Dataset, list[Problem]]:
    if not is_delegation_list(path):
        return read_claims_table(path, context=context)
    if not (options.county and options.list_id and options.list_title):
        reason = (
            "a delegation list needs its county, list id and list title "
            "(--county, --list-id, --list-title)"
        )
        return Dataset(), [Problem(path.name, "", "", reason)]
    return read_delegation_list(
        path,
        county=options.county,
        list_id=options.list_id,
        list_title=options.list_title,
        context=context,
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
    with (:mod:`graph_loaders.region_tree`); then tables (CSV/XLSX): delegation lists before
    claims tables, each resolved against everything read so far. A tree or a table is its own
    source: quotes from it are checked against its text.
    """
    files = list(dict.fromkeys([*context, *paths]))  # a file named twice is read once
    trees = [p for p in files if is_region_tree(p)]
    tables = [p for p in files if p.suffix.lower() in TABLE_SUFFIXES and p not in trees]
    dataset, problems = read_dataset_files([p for p in files if p not in (*tables, *trees)])
    extra_sources: dict[str, str] = {}
    if trees:
        tree = read_region_trees(trees)
        dataset, merge_problems = with_region_tree(dataset, tree)
        problems += tree.problems + merge_problems
        extra_sources.update(tree.texts)
    for table in sorted(tables, key=lambda p: not is_delegation_list(p)):
        records, found = _read_table(table, dataset, list_options or ListOptions())
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
) -> ImportPlan:
    """Validate, then import atomically; raise :class:`InvalidDatasetError` and write nothing
    if anything is wrong."""
    validated = validate(paths, corpus_dir, context, list_options)
    if validated.errors:
        raise InvalidDatasetError(validated.problems)
    for warning in validated.warnings:
        log.warning("%s", warning)
    plan = await import_dataset(store, validated.dataset)
    log.info("imported %d rows from %d file(s)", plan.row_count, len(paths))
    return plan
