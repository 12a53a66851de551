"""An uploaded table, checked the way ``reformgraph validate`` checks a file, and reduced to
the records the file itself adds.

The pipeline (:func:`graph_loaders.pipeline.validate`) reads a file together with a context
and returns the two merged: the dataset folder's regions, bodies and lists *and* the file's
list, items, holdings, delegations or claims. Importing that whole dataset would write the
dataset folder again on every upload: re-setting every documented record, undoing what a
recorded merger changed (closed bodies, moved holdings) and taking as long as a start-up. So
only the upload's own records are kept for the import (every record whose origin is not a
context file); the context records they refer to are already in the graph, loaded at
start-up, and the caller checks that they are before writing.

A claims table names lists and items. The dataset folder's lists name no items (the documents
give counts), so a claims table is only useful against a list imported later, which is in
the graph but in no file. The context therefore also holds a snapshot of the graph's
documented lists and their items (:func:`write_graph_lists`; not the lists the folder has, nor
the list being uploaded), written as a dataset file of its own; what the checks say about
that snapshot (its records have no quotes to check here) is about records already accepted,
not about the upload, and is left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel

from graph_loaders.dataset import FORMAT, SECTIONS, Dataset, PowerItem, PowerList
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.pipeline import (
    DATASET_SUFFIXES,
    TABLE_SUFFIXES,
    ListOptions,
    dataset_files,
    validate,
)
from graph_loaders.problems import Problem

#: What a file name keeps: letters and digits of any script (``\w`` is Unicode, so Chinese
#: names stay readable), and a few separators. The name becomes the provenance source of
#: every record read from the file, so it is kept close to what the user uploaded.
_UNSAFE = re.compile(r"[^\w.()（）【】 -]+")
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
MAX_STEM = 100


def safe_file_name(filename: str | None) -> str:
    """A file name to store an upload under: the last path segment of what the client sent
    (either slash), characters outside letters, digits and ``.()（）【】 -`` replaced, no
    leading dot, at most 100 characters before the suffix; the suffix, lower-cased, is kept
    because it is what the table readers go by. ``upload`` when nothing usable is left."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    stem, suffix = name, ""
    if "." in name:
        head, _, tail = name.rpartition(".")
        if _SUFFIX.match("." + tail):
            stem, suffix = head, "." + tail.lower()
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:MAX_STEM].strip(" ._")
    return (stem or "upload") + suffix


def is_table_name(name: str) -> bool:
    """Whether the name has a suffix the table readers take (CSV, XLSX, ...)."""
    return name.lower().endswith(TABLE_SUFFIXES)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _record(model: type[BaseModel], props: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``model`` that a node's properties hold (camelCase in the graph).
    Provenance is left out: its sources are the files the records were imported from, which
    are not here to check quotes against, and the checks' complaint about that is dropped."""
    skip = {"provenance", "synthetic"}
    return {
        name: props[_camel(name)]
        for name in model.model_fields
        if name not in skip and props.get(_camel(name)) is not None
    }


def write_graph_lists(rows: list[dict[str, Any]], skip: set[str], path: Path) -> Path:
    """Write the rows of ``documented_lists_with_items`` (lists whose id is not in ``skip``)
    as a dataset file at ``path``, to read a claims table against."""
    lists: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for row in rows:
        list_id = row["list"].get("id")
        if list_id is None or list_id in skip:
            continue
        scope = {"scope_region": row["region"]} if row.get("region") else {}
        lists.append({**_record(PowerList, row["list"]), **scope})
        items += [{**_record(PowerItem, item), "list": list_id} for item in row["items"]]
    path.write_text(
        json.dumps({"format": FORMAT, "power_lists": lists, "power_items": items}),
        encoding="utf-8",
    )
    return path


def folder_list_ids(dataset_dir: Path) -> set[str]:
    """Ids of the power lists the dataset folder's dataset files hold (its tables cannot
    hold lists: a delegation list needs options a folder does not give)."""
    files = [p for p in dataset_files(dataset_dir) if p.suffix.lower() in DATASET_SUFFIXES]
    dataset, _ = read_dataset_files(files)
    return {pl.id for pl in dataset.power_lists}


@dataclass
class CheckedUpload:
    """An upload after validation.

    ``own``: the records the file adds (what an import writes); ``everything``: the file and
    its context merged, to name what ``own`` refers to; ``problems``: errors and warnings
    about the upload, or about the dataset folder if that has any, with the file named as the
    user knows it (the upload's name, or the folder's name and the file's)."""

    name: str
    own: Dataset
    everything: Dataset
    problems: list[Problem]


def check_upload(
    upload: Path,
    dataset_dir: Path,
    options: ListOptions | None,
    graph_lists: list[dict[str, Any]] | None = None,
) -> CheckedUpload:
    """Validate ``upload`` against the dataset folder (and, for a claims table, the graph's
    documented lists ``graph_lists``); blocking, run it in a thread."""
    folder = dataset_files(dataset_dir)
    context = list(folder)
    snapshot: Path | None = None
    if graph_lists is not None:
        skip = folder_list_ids(dataset_dir)  # read from the folder already
        if options is not None and options.list_id:
            skip.add(options.list_id)  # the upload's own list: its new version is the file
        snapshot = write_graph_lists(graph_lists, skip, upload.parent / "graph-lists.json")
        context = [*context, snapshot]
    validated = validate([upload], dataset_dir / "corpus", context, options)
    context_files = {str(p) for p in context}
    sections = {
        name: [
            r
            for r in validated.dataset.records(name)
            if r.origin is None or r.origin.file not in context_files
        ]
        for name in SECTIONS
    }
    own = validated.dataset.model_copy(update=sections)
    shown = {str(upload): upload.name} | {str(p): f"{dataset_dir.name}/{p.name}" for p in folder}
    hidden = str(upload.parent) + "/"
    problems = [
        Problem(
            shown.get(p.file, p.file),
            p.location,
            p.field,
            p.reason.replace(hidden, ""),
            p.line,
            p.severity,
        )
        for p in validated.problems
        if snapshot is None or p.file != str(snapshot)
    ]
    return CheckedUpload(upload.name, own, validated.dataset, problems)
