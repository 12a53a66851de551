"""From a GraphQL selection to one compiled read: which properties and relationships of the
graph a request asks for below a node, read in one statement for every node that needs them.

A :class:`Plan` is what :func:`plan_for` makes of a selection on one of the graph's node
types: the :class:`~cypher.compiler.NodeShape` to compile (labels, relationship types and
properties, all from the tables below, which name only the vocabulary of
``cypher/vocabulary.py``) and, for each hop of the shape, the response key (field name or
alias) whose resolver will find the hop's nodes. Response keys stay here, in Python: the
statement knows its hops by position only, so nothing a client writes reaches its text.

The resolvers of the relationship fields (``schema/nodes.py``) take their nodes from the
compiled read when it has them (:class:`Linked`, keyed by response key and checked against
the field's name) and from the DataLoaders otherwise: fields that are not compiled
(:data:`UNCOMPILED`), objects built without a plan, and everything when compilation is off
(``GraphContext(compile_selections=False)``, the answer the compiler is tested against).

Two ways a plan is read:

* a lookup by key (``region(key:)``, ``body(key:)``, …) reads the node and everything below
  it in one statement (:meth:`SelectionLoader.load`);
* objects a list statement made (``regions``, ``search``, …) carry their plan as ``pending``;
  the first relationship resolver of any of them loads it, batched by plan with every sibling
  that asks in the same tick: one statement for the whole page, whatever its depth.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, Final, Protocol, TypeVar

import strawberry
from graphql import GraphQLObjectType, GraphQLSchema
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from cypher.compiler import Direction, Hop, NodeShape
from graph_store import GraphStore
from schema.loaders import Entity, Neighbour, SharedLoader

#: The most hops one compiled statement may hold (at every depth together). A selection with
#: more (possible within the query limits through fragments that spread each other) is not
#: compiled: its fields are resolved by the DataLoaders, as before the compiler.
MAX_HOPS: Final = 48

_FACT = {"synthetic": ("synthetic",), "provenance": ("sources", "quotes")}

#: Per node type: each scalar field and the properties its value is made from
#: (``from_props`` of ``schema/nodes.py``). ``id``, ``key`` and ``__typename`` need only
#: ``id``, which is always read.
SCALARS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "Region": {
        **_FACT,
        "name": ("name",),
        "level": ("level",),
        "code": ("code",),
        "division": ("division",),
        "aliases": ("aliases",),
    },
    "Body": {
        **_FACT,
        "name": ("name",),
        "kind": ("kind",),
        "domain": ("domain",),
        "rank": ("rank",),
        "staffQuota": ("staffQuota",),
        "leadershipPosts": ("leadershipPosts",),
        "signboards": ("signboards",),
        "aliases": ("aliases",),
        "verticallyManaged": ("verticallyManaged",),
        "validFrom": ("validFrom",),
        "validTo": ("validTo",),
        "note": ("note",),
        "isEnforcementTeam": ("kind",),
    },
    "PowerItem": {
        **_FACT,
        "seq": ("seq",),
        "name": ("name",),
        "powerType": ("powerType",),
        "powerTypeStated": ("powerType", "powerTypeText"),
        "powerTypeText": ("powerTypeText",),
        "legalBasis": ("legalBasis",),
        "code": ("code",),
        "parentName": ("parentName",),
        "scope": ("scope",),
        "responsibilities": ("responsibilities",),
        "accountability": ("accountability",),
    },
    "PowerList": {
        **_FACT,
        "title": ("title",),
        "kind": ("kind",),
        "issuer": ("issuer",),
        "docNumber": ("docNumber",),
        "date": ("date",),
        "itemCount": ("itemCount",),
        "countsByType": ("countTypes", "countValues"),
    },
    "Document": {
        **_FACT,
        "title": ("title",),
        "docNumber": ("docNumber",),
        "issuer": ("issuer",),
        "date": ("date",),
        "note": ("note",),
    },
    "ReformEvent": {
        **_FACT,
        "kind": ("kind",),
        "date": ("date",),
        "title": ("title",),
        "inputCount": ("inputCount",),
        "outputCount": ("outputCount",),
        "staffMoved": ("staffMoved",),
        "note": ("note",),
    },
    "Statistic": {
        **_FACT,
        "metric": ("metric",),
        "metricLabel": ("label",),
        "before": ("before",),
        "after": ("after",),
        "value": ("value",),
        "unit": ("unit",),
        "date": ("date",),
        "note": ("note",),
    },
    "Source": {
        "file": ("file",),
        "title": ("title",),
        "kind": ("kind",),
        "issuer": ("issuer",),
        "date": ("date",),
        "edition": ("edition",),
    },
}

#: Per node type: the properties always read, whatever is selected: ``id``, those
#: ``from_props`` cannot do without, and those the resolvers sort neighbours by.
REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "Region": ("id", "name", "level"),
    "Body": ("id", "name", "kind"),
    "PowerItem": ("id", "name", "seq"),
    "PowerList": ("id", "title"),
    "Document": ("id", "title"),
    "ReformEvent": ("id", "kind", "title", "date"),
    "Statistic": ("id", "metric"),
    "Source": ("id", "file", "kind"),
}


def whole_props(label: str) -> tuple[str, ...]:
    """Every property a ``label`` node object is made from: what a compiled read that makes
    whole objects (a merger report's, ``schema/impact.py``) projects, not a selection's."""
    every = {*REQUIRED[label], *(p for props in SCALARS[label].values() for p in props)}
    return tuple(sorted(every))


#: The fields a ``Claim`` (``PowerItem.claimedBy``) takes from its ``CLAIMS`` relationship.
CLAIM_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    **_FACT,
    "mode": ("mode",),
    "date": ("date",),
    "status": ("status",),
}


@dataclass(frozen=True)
class Relation:
    """A relationship field: ``rel_type`` in ``direction`` to nodes of ``target``; a
    ``connection`` selects its nodes under ``edges { node }``; ``claims``: its nodes are
    ``Claim`` objects, a ``CLAIMS`` relationship and its ``town``. The field answers its nodes
    in :func:`arrange`'s order; ``order``, when given, is a key over a node's properties."""

    rel_type: str
    direction: Direction
    target: str
    connection: bool = False
    claims: bool = False
    order: Callable[[Mapping[str, Any]], Any] | None = None


def in_list_order(props: Mapping[str, Any]) -> tuple[int, str]:
    """Power items as their list numbers them (an item without a number first)."""
    return (props.get("seq") or 0, props["name"])


def by_date(props: Mapping[str, Any]) -> str:
    """Reform events by date (an undated one first)."""
    return str(props.get("date") or "")


def by_key(props: Mapping[str, Any]) -> str:
    """Nodes by their dataset id."""
    return str(props["id"])


def by_name(props: Mapping[str, Any]) -> tuple[str, str]:
    """Nodes by name (or title), then dataset id: the order every relationship field starts
    from (engines return neighbours in no set order, and both engines must answer alike)."""
    return (props.get("name") or props.get("title") or "", str(props["id"]))


Arranged = TypeVar("Arranged")


def arrange(
    relation: Relation, found: list[Arranged], props_of: Callable[[Arranged], Mapping[str, Any]]
) -> list[Arranged]:
    """``found`` (nodes of ``relation``'s type, each with its properties by ``props_of``) in
    the order the relationship field answers them: by the relation's own ``order`` when it
    has one, and :func:`by_name` within it. Over properties, so that node objects
    (``schema/nodes.py``) and a compiled read's raw maps (:class:`RawNode`) are ordered by
    one function."""
    order = relation.order
    if order is None:
        return sorted(found, key=lambda node: by_name(props_of(node)))
    # one sort by (order, name): what a stable sort by order after one by name gave (no two
    # nodes share an id)
    return sorted(found, key=lambda node: (order(props_of(node)), by_name(props_of(node))))


#: Per node type: the relationship fields the compiler reads (``schema/nodes.py`` resolves
#: each through :func:`schema.nodes.neighbours`).
RELATIONS: Final[Mapping[str, Mapping[str, Relation]]] = {
    "Region": {
        "parent": Relation("PART_OF", "out", "Region"),
        "children": Relation("PART_OF", "in", "Region"),
        "bodies": Relation("IN_REGION", "in", "Body", connection=True),
        "statistics": Relation("ABOUT", "in", "Statistic", order=by_key),
    },
    "Body": {
        "region": Relation("IN_REGION", "out", "Region"),
        "superior": Relation("SUBORDINATE_TO", "out", "Body"),
        "subordinates": Relation("SUBORDINATE_TO", "in", "Body", connection=True),
        "holds": Relation("HOLDS", "out", "PowerItem", connection=True, order=in_list_order),
        "exercises": Relation(
            "EXERCISES", "out", "PowerItem", connection=True, order=in_list_order
        ),
        "endedIn": Relation("INPUT_OF", "out", "ReformEvent", order=by_date),
        "createdBy": Relation("RESULTED_IN", "in", "ReformEvent", order=by_date),
    },
    "PowerItem": {
        "list": Relation("LISTED_IN", "out", "PowerList"),
        "heldBy": Relation("HOLDS", "in", "Body", connection=True),
        "exercisedBy": Relation("EXERCISES", "in", "Body", connection=True),
        "claimedBy": Relation("CLAIMS", "in", "Region", connection=True, claims=True),
    },
    "PowerList": {
        "region": Relation("IN_REGION", "out", "Region"),
        "items": Relation("LISTED_IN", "in", "PowerItem", connection=True, order=in_list_order),
    },
    "Document": {"region": Relation("IN_REGION", "out", "Region")},
    "ReformEvent": {
        "inputs": Relation("INPUT_OF", "in", "Body"),
        "outputs": Relation("RESULTED_IN", "out", "Body"),
        "region": Relation("IN_REGION", "out", "Region"),
        "follows": Relation("FOLLOWS", "out", "ReformEvent"),
    },
    "Statistic": {"region": Relation("ABOUT", "out", "Region")},
    "Source": {},
}

#: Fields of node types left to the DataLoaders: walks of a variable length (a region's
#: ancestors; the power lists in force, which start from them). They need only the node's id.
UNCOMPILED: Final[Mapping[str, frozenset[str]]] = {
    "Region": frozenset({"ancestors", "powerLists"}),
}

#: Fields every node type answers from its id alone.
_ID_FIELDS: Final = frozenset({"id", "key", "__typename"})


@dataclass(frozen=True)
class Plan:
    """A compiled read of one node type: the shape to compile and, per hop in the shape's
    order, ``(response key, field name, plan of the nodes there)``."""

    shape: NodeShape
    fields: tuple[tuple[str, str, Plan], ...]
    #: Per response key: the hop's position in the shape (its items are ``c<position>`` of a
    #: node's map), its field name and its plan.
    hops: Mapping[str, tuple[int, str, Plan]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        hops = {key: (index, name, plan) for index, (key, name, plan) in enumerate(self.fields)}
        object.__setattr__(self, "hops", hops)


class _TooLargeError(Exception):
    """The selection holds more than :data:`MAX_HOPS` hops: it is not compiled."""


def _type_names(schema: GraphQLSchema, type_name: str) -> frozenset[str]:
    """The type and the interfaces it implements: the fragments' type conditions that
    apply to an object of it."""
    graphql_type = schema.get_type(type_name)
    interfaces = graphql_type.interfaces if isinstance(graphql_type, GraphQLObjectType) else []
    return frozenset({type_name, *(i.name for i in interfaces)})


def _fields(
    selections: Iterable[Selection], applies: frozenset[str] | None
) -> dict[str, tuple[str, list[Selection]]]:
    """The fields of ``selections`` by response key, with fragments that apply (a type
    condition in ``applies``; any, when ``applies`` is None) spread in, and the selections of
    fields merged under one key put together, as graphql-core merges them. Directives are
    not evaluated: a field left out by ``@skip`` is read and not answered, never the other
    way round."""
    found: dict[str, tuple[str, list[Selection]]] = {}
    stack = list(reversed(list(selections)))
    while stack:
        selection = stack.pop()
        if isinstance(selection, SelectedField):
            key = selection.alias or selection.name
            _, subselections = found.setdefault(key, (selection.name, []))
            subselections += selection.selections
        elif isinstance(selection, FragmentSpread | InlineFragment):
            condition = selection.type_condition
            if applies is None or condition is None or condition in applies:
                stack += reversed(selection.selections)
    return found


class _Planner:
    """Builds plans against one GraphQL schema, counting hops against :data:`MAX_HOPS`."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.hops = 0

    def plan(self, type_name: str, selections: Iterable[Selection]) -> Plan:
        props = set(REQUIRED[type_name])
        scalars = SCALARS[type_name]
        relations = RELATIONS[type_name]
        hops: list[Hop] = []
        fields: list[tuple[str, str, Plan]] = []
        applies = _type_names(self.schema, type_name)
        for key, (name, subselections) in _fields(selections, applies).items():
            if name in scalars:
                props.update(scalars[name])
            elif name in relations:
                relation = relations[name]
                self.hops += 1
                if self.hops > MAX_HOPS:
                    raise _TooLargeError
                child, rel_props = self._related(relation, subselections)
                hops.append(Hop(relation.rel_type, relation.direction, child.shape, rel_props))
                fields.append((key, name, child))
        shape = NodeShape(type_name, tuple(sorted(props)), tuple(hops))
        return Plan(shape, tuple(fields))

    def _related(
        self, relation: Relation, selections: list[Selection]
    ) -> tuple[Plan, tuple[str, ...]]:
        """The plan of the nodes at the far end of ``relation``, and the relationship
        properties to read."""
        if relation.connection:
            selections = _connection_nodes(selections)
        if not relation.claims:
            return self.plan(relation.target, selections), ()
        rel_props: set[str] = set()
        town: list[Selection] = []
        for name, subselections in _fields(selections, None).values():
            if name in CLAIM_FIELDS:
                rel_props.update(CLAIM_FIELDS[name])
            elif name == "town":
                town += subselections
        return self.plan(relation.target, town), tuple(sorted(rel_props))


def plan_for(schema: GraphQLSchema, type_name: str, selections: Iterable[Selection]) -> Plan | None:
    """The plan of a selection on node type ``type_name``, or None when it is not compiled
    (not a node type, or more than :data:`MAX_HOPS` hops)."""
    if type_name not in REQUIRED:
        return None
    try:
        return _Planner(schema).plan(type_name, selections)
    except _TooLargeError:
        return None


def _connection_nodes(selections: Iterable[Selection]) -> list[Selection]:
    """The selections on a connection's nodes (``edges { node { … } }``)."""
    return [
        node
        for name, edge_selections in _fields(selections, None).values()
        if name == "edges"
        for node_name, node_selections in _fields(edge_selections, None).values()
        if node_name == "node"
        for node in node_selections
    ]


def field_plan(info: strawberry.Info, type_name: str, *, connection: bool = False) -> Plan | None:
    """The plan of what the field being resolved selects on its ``type_name`` objects (on
    its nodes, for a ``connection``); None when compilation is off or the selection is not
    compiled."""
    if not info.context.compile_selections:
        return None
    [field] = info.selected_fields
    assert isinstance(field, SelectedField)  # a resolver's own field is never a fragment
    selections = _connection_nodes(field.selections) if connection else field.selections
    return plan_for(info.schema._schema, type_name, selections)


def pending_plan(info: strawberry.Info, type_name: str, *, connection: bool = False) -> Plan | None:
    """:func:`field_plan` for objects a list statement already read: None as well when the
    plan has no hop to read (their properties are all there)."""
    plan = field_plan(info, type_name, connection=connection)
    return plan if plan is not None and plan.fields else None


class _Planned(Protocol):
    """A node object that can carry a pending plan (``schema.nodes.GraphNode``)."""

    label: ClassVar[str]
    pending: Plan | None


T = TypeVar("T", bound=_Planned)


class PendingPlans:
    """The pending plans of a list of objects of several node types (search results): one
    plan per type, made when an object of that type first comes."""

    def __init__(self, info: strawberry.Info, *, connection: bool = False) -> None:
        self.info = info
        self.connection = connection
        self.plans: dict[str, Plan | None] = {}

    def pending(self, node: T) -> T:
        """``node`` with its type's plan as ``pending``."""
        label = type(node).label
        if label not in self.plans:
            self.plans[label] = pending_plan(self.info, label, connection=self.connection)
        node.pending = self.plans[label]
        return node


@dataclass(slots=True)
class Linked:
    """The nodes a compiled read found for one field (``field``: its name, which the
    resolver checks, since the key is a response key a client may alias): the items of the
    statement's answer (maps of ``p``, the node's properties, ``r``, the relationship's, and
    ``c0``, ``c1``, … the items of each hop below) and the ``plan`` that reads them.

    The executor completes the items straight from those maps (:meth:`raw_nodes`); a
    resolver gets them as :class:`Neighbour` entities, made when first asked for. A body's
    subordinates and their powers are a hundred-odd nodes a request, and most are never
    made into an entity or a node object."""

    field: str
    plan: Plan
    items: list[Mapping[str, Any]]
    made: list[Neighbour] | None = None

    @property
    def neighbours(self) -> list[Neighbour]:
        """The items as entities, with their relationship's properties."""
        if self.made is None:
            self.made = [
                Neighbour(entity_from(self.plan, item), _present(item.get("r")))
                for item in self.items
            ]
        return self.made

    def raw_nodes(self, relation: Relation) -> list[RawNode]:
        """The items as :class:`RawNode`, in ``relation``'s order."""
        plan = self.plan
        return arrange(relation, [RawNode(plan, item) for item in self.items], raw_props)


@dataclass(slots=True)
class RawNode:
    """A node of a compiled read as the statement answered it (``item``, see :class:`Linked`)
    with the plan that read it: what the executor (``schema/execution.py``) completes the
    fields of a compiled subtree from, without an entity or a node object."""

    plan: Plan
    item: Mapping[str, Any]

    def linked_raw(self, response_key: str, field_name: str) -> list[RawNode] | None:
        """The nodes of relationship field ``field_name`` answered at ``response_key``, in
        the field's order, or None where the read holds none for it."""
        hop = self.plan.hops.get(response_key)
        if hop is None or hop[1] != field_name:
            return None
        index, name, child = hop
        return raw_nodes_of(self.plan.shape.label, Linked(name, child, self.item[f"c{index}"]))


def raw_props(node: RawNode) -> Mapping[str, Any]:
    """A raw node's properties (null where the node lacks one)."""
    return node.item["p"]  # type: ignore[no-any-return]


def raw_nodes_of(label: str, linked: Linked | None) -> list[RawNode] | None:
    """The nodes of ``linked`` (a field of a ``label`` node) as :class:`RawNode`, in its
    relation's order; None where there is none or where the field's nodes are not plain
    nodes (a ``claimedBy`` connection's are ``Claim`` objects)."""
    if linked is None:
        return None
    relation = RELATIONS[label].get(linked.field)
    if relation is None or relation.claims:
        return None
    return linked.raw_nodes(relation)


def entity_from(plan: Plan, node: Mapping[str, Any]) -> Entity:
    """The :class:`Entity` a compiled row describes, with the nodes of each hop linked under
    its response key (made into entities only when a resolver asks, :class:`Linked`).
    Properties the node lacks come back null from a projection; they are left out, as
    ``properties(n)`` leaves them out."""
    linked = {
        key: Linked(name, child, node[f"c{index}"])
        for index, (key, name, child) in enumerate(plan.fields)
    }
    return Entity((plan.shape.label,), _present(node["p"]), linked)


def _present(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    """The properties a projection found (it gives null for those the element lacks)."""
    return {k: v for k, v in properties.items() if v is not None} if properties else {}


async def _compiled_reads(store: GraphStore, keys: list[tuple[Plan, str]]) -> list[Entity | None]:
    """The nodes ``keys`` name, each as its plan reads it: one statement per distinct plan."""
    ids_by_plan: dict[Plan, list[str]] = defaultdict(list)
    for plan, entity_id in keys:
        ids_by_plan[plan].append(entity_id)
    plans = list(ids_by_plan)
    results = await asyncio.gather(
        *(
            store.read(
                store.registry.compiled(plan.shape).name,
                {"ids": sorted(set(ids_by_plan[plan]))},
            )
            for plan in plans
        )
    )
    found: dict[tuple[Plan, str], Entity] = {}
    for plan, rows in zip(plans, results, strict=True):
        for row in rows:
            found[(plan, row["id"])] = entity_from(plan, row["node"])
    return [found.get(key) for key in keys]


class SelectionLoader:
    """Compiled reads of one request, batched: ``load(plan, id)`` calls made in the same
    tick become one statement per distinct plan, for all their ids. The batch function is
    the store's, not this object's (no reference cycle: ``schema.loaders.Loaders``): what a
    request read is freed when it ends."""

    def __init__(self, store: GraphStore) -> None:
        self._loader: DataLoader[tuple[Plan, str], Entity | None] = SharedLoader(
            partial(_compiled_reads, store)
        )

    async def load(self, plan: Plan, entity_id: str) -> Entity | None:
        """The node ``entity_id`` as ``plan`` reads it; None if no node of the plan's type
        has that id."""
        return await self._loader.load((plan, entity_id))

    async def load_many(self, plan: Plan, entity_ids: list[str]) -> list[Entity | None]:
        """:meth:`load` of each of ``entity_ids``: one statement for them all."""
        return await self._loader.load_many([(plan, entity_id) for entity_id in entity_ids])
