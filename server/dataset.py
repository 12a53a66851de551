"""Apply the dataset folder (and a synthetic sample) at start-up, unless the graph has it.

The graph is the system of record once running (``docs/operations.md``): a dataset is applied
only when its digest differs from the one the graph records for its slot
(:mod:`graph_loaders.loaded_from`), and applying it replays the writes recorded through the API
afterwards (:mod:`graph_loaders.recorded`), so a restart never undoes a merger.
"""

from __future__ import annotations

import logging
from pathlib import Path

from graph_loaders.importer import import_dataset
from graph_loaders.loaded_from import LoadMark, folder_digest, synthetic_digest
from graph_loaders.pipeline import dataset_files, load
from graph_loaders.synthetic import Profile, generate
from graph_store import GraphStore
from server.settings import Settings

log = logging.getLogger(__name__)


async def _already_applied(store: GraphStore, mark: LoadMark, what: str) -> bool:
    if (await store.meta()).digest_of(mark.slot) != mark.digest:
        return False
    log.info("%s is unchanged since the graph applied it: not applied again", what)
    return True


async def load_dataset_dir(store: GraphStore, directory: Path) -> None:
    """Validate and import every dataset file of ``directory`` unless the graph already has
    this exact folder; its ``corpus/`` holds the sources quotes are checked against. A bad
    dataset stops start-up with every problem."""
    files = dataset_files(directory)
    if not files:
        log.info("no dataset files in %s: starting with the graph as it is", directory)
        return
    mark = LoadMark("dataset", folder_digest(directory))
    if await _already_applied(store, mark, f"dataset folder {directory}"):
        return
    plan = await load(store, files, directory / "corpus", mark=mark)
    log.info("loaded %s: %d rows from %d files", directory, plan.row_count, len(files))


async def load_synthetic_sample(
    store: GraphStore, profile: Profile, seed: int, scale: float
) -> None:
    """Generate and import a synthetic dataset beside the documented one, so that the
    explorer has named items, claims and chains to show (the documents name none); every
    record of it is marked synthetic (ids start with ``syn:``). Deterministic, and applied only
    when the graph does not have this profile, seed and scale already."""
    mark = LoadMark("synthetic", synthetic_digest(profile, seed, scale))
    if await _already_applied(store, mark, f"synthetic {profile} (seed {seed}, scale {scale})"):
        return
    dataset = generate(profile, seed, scale=scale)
    plan = await import_dataset(store, dataset, mark=mark)
    log.info(
        "loaded synthetic %s (seed %d, scale %s): %d rows", profile, seed, scale, plan.row_count
    )


async def load_start_up_data(store: GraphStore, settings: Settings) -> None:
    """What start-up applies, each only if the graph does not have it already: the dataset
    folder, then the synthetic sample. Run once per service: by the app's lifespan, or by the
    parent of ``serve --workers`` before it starts its workers."""
    if settings.dataset_dir is not None:
        await load_dataset_dir(store, settings.dataset_dir)
    if settings.synthetic_profile is not None:
        await load_synthetic_sample(
            store, settings.synthetic_profile, settings.synthetic_seed, settings.synthetic_scale
        )
