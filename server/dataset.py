"""Load the dataset folder into the graph at start-up, the same way ``reformgraph load`` does."""

from __future__ import annotations

import logging
from pathlib import Path

from graph_loaders.importer import import_dataset
from graph_loaders.pipeline import dataset_files, load
from graph_loaders.synthetic import Profile, generate
from graph_store import GraphStore

log = logging.getLogger(__name__)


async def load_dataset_dir(store: GraphStore, directory: Path) -> None:
    """Validate and import every dataset file of ``directory``; its ``corpus/`` holds the
    sources quotes are checked against. A bad dataset stops start-up with every problem."""
    files = dataset_files(directory)
    if not files:
        log.info("no dataset files in %s: starting with the graph as it is", directory)
        return
    plan = await load(store, files, directory / "corpus")
    log.info("loaded %s: %d rows from %d files", directory, plan.row_count, len(files))


async def load_synthetic_sample(
    store: GraphStore, profile: Profile, seed: int, scale: float
) -> None:
    """Generate and import a synthetic dataset beside the documented one, so that the
    explorer has named items, claims and chains to show (the documents name none); every
    record of it is marked synthetic (ids start with ``syn:``). Deterministic and imported
    idempotently, so a restart changes nothing."""
    dataset = generate(profile, seed, scale=scale)
    plan = await import_dataset(store, dataset)
    log.info(
        "loaded synthetic %s (seed %d, scale %s): %d rows", profile, seed, scale, plan.row_count
    )
