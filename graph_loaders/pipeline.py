"""Validate, then import: the one path every dataset takes into the graph.

Used by ``reformgraph validate``, ``reformgraph load`` and the service's start-up, so a file
is judged the same way wherever it comes from. Validation runs on the files together with a
context (by default the ``data/`` folder), so new files may refer to records already there;
nothing is written unless there is no problem at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graph_loaders.checks import check_dataset
from graph_loaders.dataset import Dataset
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.importer import ImportPlan, import_dataset
from graph_loaders.problems import Problem, format_problems
from graph_store import GraphStore

log = logging.getLogger(__name__)

DATASET_SUFFIXES = (".yaml", ".yml", ".json")


class InvalidDatasetError(Exception):
    """The files have problems; nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s):\n{format_problems(problems)}")
        self.problems = problems


def dataset_files(directory: Path) -> list[Path]:
    """The dataset files of a folder (not its ``corpus/``), in name order."""
    if not directory.is_dir():
        raise FileNotFoundError(f"dataset folder {directory} does not exist")
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in DATASET_SUFFIXES
    )


@dataclass
class Validated:
    """A dataset read from files, and what is wrong with it (empty when it may be loaded)."""

    dataset: Dataset
    problems: list[Problem]


def validate(paths: Sequence[Path], corpus_dir: Path, context: Sequence[Path] = ()) -> Validated:
    """Read ``context`` and ``paths`` together and report every problem at once."""
    files = list(dict.fromkeys([*context, *paths]))  # a file named twice is read once
    dataset, problems = read_dataset_files(files)
    problems += check_dataset(dataset, corpus_dir)
    return Validated(dataset, problems)


async def load(
    store: GraphStore, paths: Sequence[Path], corpus_dir: Path, context: Sequence[Path] = ()
) -> ImportPlan:
    """Validate, then import atomically; raise :class:`InvalidDatasetError` and write nothing
    if anything is wrong."""
    validated = validate(paths, corpus_dir, context)
    if validated.problems:
        raise InvalidDatasetError(validated.problems)
    plan = await import_dataset(store, validated.dataset)
    log.info("imported %d rows from %d file(s)", plan.row_count, len(paths))
    return plan
