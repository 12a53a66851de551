"""The per-request context resolvers receive: the graph store and fresh DataLoaders."""

from __future__ import annotations

from pathlib import Path

from graph_store import GraphStore
from schema.loaders import Loaders
from schema.selection import SelectionLoader


class GraphContext:
    """Built once per request so DataLoader caches never outlive the request.

    The HTTP layer (``server/app.py``), tests and benchmarks (with ``schema.execute``) use it
    as it is.
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        writes_enabled: bool = False,
        is_editor: bool = False,
        batching: bool = True,
        compile_selections: bool = True,
        dataset_dir: Path | None = None,
    ) -> None:
        """``compile_selections=False`` resolves every relationship through the DataLoaders,
        as before the selection compiler (``schema/selection.py``): the answer the compiled
        reads are tested against. ``batching=False`` (the N+1 baseline) implies it."""
        super().__init__()
        self.store = store
        self.loaders = Loaders(store, batching=batching)
        self.selections = SelectionLoader(store)
        self.compile_selections = compile_selections and batching
        self.writes_enabled = writes_enabled
        self.is_editor = is_editor
        #: The dataset folder uploads are read against (its files and ``corpus/``).
        self.dataset_dir = dataset_dir
