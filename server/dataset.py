"""Load the dataset folder into the graph at start-up (placeholder until the importer lands)."""

from __future__ import annotations

import logging
from pathlib import Path

from graph_store import GraphStore

log = logging.getLogger(__name__)


async def load_dataset_dir(store: GraphStore, directory: Path) -> None:
    """Validate and import every dataset file under ``directory``."""
    log.info("dataset import from %s on %s: not implemented yet", directory, store.engine)
