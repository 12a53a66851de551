"""Load test datasets into a graph through the real pipeline (validation, then import)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from graph_loaders.importer import ImportPlan
from graph_loaders.pipeline import load
from graph_store import GraphStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


async def load_fixture(store: GraphStore, name: str) -> ImportPlan:
    """Validate and import ``tests/fixtures/<name>``."""
    return await load(store, [FIXTURES / name], DATA_DIR / "corpus")


#: Sections whose every record is a node (docs/model.md), and sections whose every record is
#: one relationship (a holding, an exercise, a delegation, a claim, a claim summary).
NODE_SECTIONS = (
    "sources",
    "regions",
    "bodies",
    "documents",
    "power_lists",
    "power_items",
    "reform_events",
    "statistics",
    "disagreements",
)
LINK_SECTIONS = ("holdings", "exercises", "delegations", "claims", "claim_summaries")


def expected_counts(documents: list[dict[str, Any]]) -> dict[str, int]:
    """The nodes and relationships a dataset's files give in the graph, counted from the
    files as parsed (YAML or JSON), by the model of docs/model.md: not from the importer's
    plan, which is what a test of the importer must not trust."""

    def records(section: str) -> list[dict[str, Any]]:
        return [record for document in documents for record in document.get(section) or []]

    nodes = sum(len(records(section)) for section in NODE_SECTIONS)
    links = sum(len(records(section)) for section in LINK_SECTIONS)
    links += sum(1 for r in records("regions") if r.get("parent"))  # PART_OF
    links += len(records("bodies"))  # IN_REGION
    links += sum(1 for b in records("bodies") if b.get("superior"))  # SUBORDINATE_TO
    links += sum(1 for p in records("power_lists") if p.get("scope_region"))  # IN_REGION
    links += sum(1 for d in records("documents") if d.get("scope_region"))  # IN_REGION
    links += len(records("power_items"))  # LISTED_IN
    for event in records("reform_events"):  # IN_REGION, INPUT_OF, RESULTED_IN, FOLLOWS
        links += 1 + sum(len(event.get(f) or []) for f in ("inputs", "outputs", "follows"))
    links += len(records("statistics"))  # ABOUT
    return {"nodes": nodes, "relationships": links}


def parsed(files: list[Path]) -> list[dict[str, Any]]:
    """The documents of dataset files (JSON is YAML too), a region-tree CSV
    (``code,name,parent_code``, docs/data-format.md) read as one document of its own: a source
    for the file, and the regions of the tree that no other file already has by code (a
    documented region and the tree's row for its code are one node); each with a parent but
    the root."""
    tables = [p for p in files if p.suffix == ".csv"]
    documents = [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in files if path not in tables
    ]
    documented = {r["code"]: r for d in documents for r in d.get("regions") or [] if "code" in r}
    for table in tables:
        with table.open(encoding="utf-8") as rows:
            tree = list(csv.DictReader(rows))
        regions = [
            {"parent": row["parent_code"] or None} for row in tree if row["code"] not in documented
        ]
        documents.append({"sources": [{"file": table.name}], "regions": regions})
        for row in tree:  # a documented region whose parent only the tree states
            region = documented.get(row["code"])
            if region is not None and not region.get("parent") and row["parent_code"]:
                region["parent"] = row["parent_code"]
    return documents
