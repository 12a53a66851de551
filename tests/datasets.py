"""Load test datasets into a graph through the real pipeline (validation, then import)."""

from __future__ import annotations

from pathlib import Path

from graph_loaders.importer import ImportPlan
from graph_loaders.pipeline import load
from graph_store import GraphStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


async def load_fixture(store: GraphStore, name: str) -> ImportPlan:
    """Validate and import ``tests/fixtures/<name>``."""
    return await load(store, [FIXTURES / name], DATA_DIR / "corpus")
