"""DataLoaders: one Cypher statement per batch of keys, whatever the number of objects.

Resolvers ask a loader for one key; Strawberry's DataLoader gathers the keys asked for in the
same tick and calls the batch function once, so a list of 100 regions with their parents and
children costs three statements, not two hundred and one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.dataloader import DataLoader

from graph_store import GraphStore

Row = dict[str, Any]


class Loaders:
    """The DataLoaders of one request."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.region_by_id: DataLoader[str, Row | None] = DataLoader(self._regions_by_id)
        self.region_children: DataLoader[str, list[Row]] = DataLoader(self._region_children)

    async def _regions_by_id(self, ids: list[str]) -> list[Row | None]:
        rows = await self.store.read("regions_by_ids", {"ids": ids})
        found = {
            row["region"]["id"]: {**row["region"], "parentId": row["parentId"]} for row in rows
        }
        return [found.get(region_id) for region_id in ids]

    async def _region_children(self, parent_ids: list[str]) -> list[list[Row]]:
        rows = await self.store.read("region_children", {"ids": parent_ids})
        children: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            children[row["parentId"]].append({**row["region"], "parentId": row["parentId"]})
        return [children.get(parent_id, []) for parent_id in parent_ids]
