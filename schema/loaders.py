"""DataLoaders: one Cypher statement per batch of keys, whatever the number of objects.

Resolvers ask a loader for one key; Strawberry's DataLoader gathers the keys asked for in the
same tick and calls the batch function once. Neighbour lookups are keyed by
``(id, relationship type, direction)``; a batch runs one statement per type and direction
present in it, so a list of 100 towns with their regions, claims and teams costs a handful of
statements, not hundreds.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from strawberry.dataloader import DataLoader

from graph_store import GraphStore
from schema.errors import ApiError, ErrorCode

if TYPE_CHECKING:
    from schema.selection import Linked

Row = dict[str, Any]
Group = TypeVar("Group", bound=Hashable)
Found = TypeVar("Found")
Direction = Literal["out", "in"]
Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class SharedLoader(DataLoader[Key, Value]):
    """Strawberry's DataLoader, whose futures outlive one waiter's cancellation.

    Fields asking for one key wait on one future (the loader's cache). graphql-core cancels
    the pending siblings of a field whose error nulls their parent (``gather_with_cancel``),
    and cancelling a task cancels the future it waits on: a field of another branch, which
    did not fail, would then get ``CancelledError``, which is not a field error and ends the
    whole request (a hypothesis run of the compiler tests hit it with a hostile key). Each
    waiter gets its own shield around the shared future instead."""

    def load(self, key: Key) -> Awaitable[Value]:
        return asyncio.shield(super().load(key))


@dataclass(slots=True)
class Entity:
    """A node as the graph returned it: its labels and properties, and, when a compiled read
    (``schema/selection.py``) fetched it, the nodes of the relationships the request selects
    below it (``linked``, by response key).

    Not frozen, as :class:`Neighbour`: a compiled read makes one of each per node a resolver
    asks for (hundreds per request), and a frozen dataclass sets each field through
    ``object.__setattr__``. Nothing changes them once made."""

    labels: tuple[str, ...]
    props: dict[str, Any]
    linked: Mapping[str, Linked] | None = None

    @classmethod
    def from_row(cls, row: Row) -> Entity:
        """From a row with ``labels`` and ``props`` columns."""
        return cls(tuple(row["labels"]), row["props"])

    @property
    def id(self) -> str:
        return str(self.props["id"])


@dataclass(slots=True)
class Neighbour:
    """The node at the other end of a relationship, with the relationship's properties."""

    entity: Entity
    rel: dict[str, Any]


def checked(entity: Entity | None, label: str, key: str) -> Entity:
    """``entity`` if it is a ``label`` node; else NOT_FOUND naming ``key`` as the client gave
    it (for the many lookups that load a node by key and must find one of one label)."""
    if entity is None or label not in entity.labels:
        raise not_found(label, key)
    return entity


def not_found(label: str, key: str) -> ApiError:
    """The NOT_FOUND error of a lookup of a ``label`` node by ``key``, worded as all are."""
    return ApiError(ErrorCode.NOT_FOUND, f"No {label} with key {key!r}.", key=key)


NeighbourKey = tuple[str, str, Direction]

#: Neighbour lookups with a statement of their own that names the relationship type in its
#: pattern. The generic statements filter ``type(r) = $type`` after following every edge of
#: the node, and the nodes these start from have many other edges: a town a CLAIMS edge per
#: claimed item, a bureau an EXERCISES edge per item (measured: 100 towns' parents 17.6 ms
#: generic on the national profile at scale 0.05).
TYPED_STATEMENTS: dict[tuple[str, Direction], str] = {
    ("PART_OF", "out"): "outgoing_part_of",
    ("SUBORDINATE_TO", "out"): "outgoing_subordinate_to",
    ("IN_REGION", "out"): "outgoing_in_region",
    ("HOLDS", "in"): "incoming_holds",
    ("EXERCISES", "in"): "incoming_exercises",
}


def _neighbour_statement(rel_type: str, direction: Direction, ids: list[str]) -> tuple[str, Row]:
    """The statement and parameters that fetch ``rel_type`` neighbours of ``ids``."""
    typed = TYPED_STATEMENTS.get((rel_type, direction))
    if typed is not None:
        return typed, {"ids": ids}
    generic = "outgoing_by_type" if direction == "out" else "incoming_by_type"
    return generic, {"ids": ids, "type": rel_type}


async def _entities(store: GraphStore, ids: list[str]) -> list[Entity | None]:
    rows = await store.read("entities_by_ids", {"ids": ids})
    found = {row["id"]: Entity.from_row(row) for row in rows}
    return [found.get(entity_id) for entity_id in ids]


async def _region_ids(store: GraphStore, codes: list[str]) -> list[str | None]:
    rows = await store.read("region_ids_by_code", {"codes": codes})
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(row["code"], row["id"])
    return [found.get(code) for code in codes]


async def _grouped(
    store: GraphStore,
    keys: Sequence[tuple[str, Group]],
    statement: Callable[[Group, list[str]], tuple[str, Row]],
    from_row: Callable[[Row], Found],
) -> list[list[Found]]:
    """What each ``(id, group)`` leads to: one statement per distinct group, all sent
    together; ``statement(group, ids)`` gives its name and parameters, ``from_row`` makes
    a row (which names its ``id``) into a result."""
    ids_by_group: dict[Group, list[str]] = defaultdict(list)
    for entity_id, group in keys:
        ids_by_group[group].append(entity_id)
    groups = list(ids_by_group.items())
    results = await asyncio.gather(
        *(store.read(*statement(group, sorted(set(ids)))) for group, ids in groups)
    )
    found: dict[tuple[str, Group], list[Found]] = defaultdict(list)
    for (group, _), rows in zip(groups, results, strict=True):
        for row in rows:
            found[(row["id"], group)].append(from_row(row))
    return [found.get(key, []) for key in keys]


async def _neighbours(store: GraphStore, keys: list[NeighbourKey]) -> list[list[Neighbour]]:
    # one statement per relationship type and direction
    return await _grouped(
        store,
        [(entity_id, (rel_type, direction)) for entity_id, rel_type, direction in keys],
        lambda group, ids: _neighbour_statement(*group, ids),
        lambda row: Neighbour(Entity.from_row(row), row["rel"]),
    )


class Loaders:
    """The DataLoaders of one request.

    Their batch functions are the store's (``partial``), not this object's methods: a loader
    holding a method of the object that holds the loader is a reference cycle, and everything
    the request loaded (its cache) would then wait for the cyclic garbage collector instead of
    being freed when the request ends; that collector's passes cost a body request with its
    subordinates' powers a tenth of its CPU (docs/performance.md)."""

    def __init__(self, store: GraphStore, *, batching: bool = True) -> None:
        """``batching=False`` sends one statement per key: the N+1 baseline of the
        benchmarks, never a setting for service."""
        batch_size = None if batching else 1
        self.entity: DataLoader[str, Entity | None] = SharedLoader(
            partial(_entities, store), max_batch_size=batch_size
        )
        self.neighbours: DataLoader[NeighbourKey, list[Neighbour]] = SharedLoader(
            partial(_neighbours, store), max_batch_size=batch_size
        )
        self.region_by_code: DataLoader[str, str | None] = SharedLoader(
            partial(_region_ids, store), max_batch_size=batch_size
        )

    async def labelled(self, label: str, key: str) -> Entity:
        """The ``label`` node of ``key``, or NOT_FOUND naming the key (:func:`checked`)."""
        return checked(await self.entity.load(key), label, key)

    async def out(self, entity_id: str, rel_type: str) -> list[Neighbour]:
        """Nodes that ``entity_id`` points at through ``rel_type``."""
        return await self.neighbours.load((entity_id, rel_type, "out"))

    async def into(self, entity_id: str, rel_type: str) -> list[Neighbour]:
        """Nodes that point at ``entity_id`` through ``rel_type``."""
        return await self.neighbours.load((entity_id, rel_type, "in"))
