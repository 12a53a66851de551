"""The graph's node types as GraphQL types, each a Relay ``Node`` built from graph properties.

Every type carries ``key`` (the dataset id), ``synthetic`` and ``provenance``, so a client can
always tell a documented fact (with its source file and quote) from a generated one.
Relationships are read with the object when the request's selection compiles
(:mod:`schema.selection`: one statement for a lookup and everything below it) and through the
request's DataLoaders (:mod:`schema.loaders`) otherwise; :func:`neighbours` chooses.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Final, Self, TypeVar

import strawberry
from strawberry import relay

import schema.vocabulary  # noqa: F401  (registers the vocabulary's enums with Strawberry)
from domain import (
    BodyKind,
    ClaimMode,
    EventKind,
    ListKind,
    PowerType,
    RegionDivision,
    RegionLevel,
    SourceKind,
)
from schema.connection import CountedConnection
from schema.loaders import Direction, Entity, Neighbour
from schema.provenance import Disagreement, disagreements_about, source_of_file
from schema.selection import (
    RELATIONS,
    Linked,
    Plan,
    RawNode,
    Relation,
    arrange,
    by_name,
    entity_from,
    raw_nodes_of,
)

N = TypeVar("N", bound="GraphNode")


@strawberry.type(description="Where a fact comes from: a source document and the exact quote.")
class Provenance:
    source: str = strawberry.field(description="File name of the source document.")
    quote: str = strawberry.field(description="The sentence the fact is taken from, verbatim.")

    @strawberry.field(description="The source document: title, issuer, date, kind, file.")
    async def document(self, info: strawberry.Info) -> Source | None:
        return await source_of_file(info, self.source)


#: Each mode by its stored value: a look-up, where calling the enum goes through its
#: metaclass (a league's claim matrix converts about 4,000 modes a request).
_MODES: Final = {mode.value: mode for mode in ClaimMode}


def mode_of(value: str | None) -> ClaimMode | None:
    """A stored mode (a claim's, a delegation's, a chain hop's) as the enum; None where the
    graph records none. ``KeyError`` for a value that is no mode."""
    return _MODES[value] if value is not None else None


def provenance_of(props: dict[str, Any]) -> list[Provenance]:
    """Pair the parallel ``sources``/``quotes`` lists stored on a node or relationship."""
    sources = props.get("sources")
    quotes = props.get("quotes")
    if not sources or not quotes:  # a synthetic fact: most of a large graph
        return []
    return [Provenance(source=s, quote=q) for s, q in zip(sources, quotes, strict=False)]


E = TypeVar("E", bound=enum.Enum)


@functools.cache
def _members(enum_type: type[E]) -> dict[Any, E]:
    return {member.value: member for member in enum_type}


def member(enum_type: type[E], value: Any) -> E:
    """``enum_type(value)``, looked up: ``Enum.__call__`` is slow, and a compiled read builds
    hundreds of nodes a request, each with an enum or two (an unknown value still raises the
    enum's own ``ValueError``)."""
    found = _members(enum_type).get(value)
    return enum_type(value) if found is None else found


@strawberry.interface(description="A fact-bearing object: documented with a quote, or synthetic.")
class Fact:
    synthetic: bool = strawberry.field(
        description="True when the generator made this up: never a documented fact."
    )
    provenance: list[Provenance] = strawberry.field(
        description="Source documents and exact quotes; empty for synthetic facts."
    )


@strawberry.type
class GraphNode(relay.Node):
    """Shared behaviour of node types: building from graph props and relay resolution."""

    label: ClassVar[str]
    entity_id: relay.NodeID[str]
    #: What a compiled read found below this node, by response key (``schema/selection.py``).
    linked: strawberry.Private[Mapping[str, Linked] | None] = dataclasses.field(
        default=None, kw_only=True
    )
    #: The compiled read to load, with every sibling, the first time a relationship of this
    #: node is resolved (set on the objects of a list statement).
    pending: strawberry.Private[Plan | None] = dataclasses.field(default=None, kw_only=True)

    @strawberry.field(description="The dataset id, e.g. `region:haibowan` or `body:…`.")
    def key(self) -> str:
        return self.entity_id

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        raise NotImplementedError

    @classmethod
    def from_entity(cls, entity: Entity, pending: Plan | None = None) -> Self:
        """The object of a graph node, with what a compiled read found below it, or the
        plan to read that with (``pending``)."""
        node = cls.from_props(entity.props)
        node.linked = entity.linked
        node.pending = pending
        return node

    def compiled_neighbours(self, response_key: str, field_name: str) -> list[Neighbour] | None:
        """What the compiled read that made this object found for field ``field_name``
        answered at ``response_key``; None where it read nothing for that field (not compiled,
        or a plan not loaded yet)."""
        found = self.linked.get(response_key) if self.linked else None
        return found.neighbours if found is not None and found.field == field_name else None

    def linked_raw(self, response_key: str, field_name: str) -> list[RawNode] | None:
        """The nodes of relationship field ``field_name``, answered at ``response_key``, in
        the order its resolver (:func:`related`) gives them, as the compiled read that made
        this object answered them (:class:`RawNode`); None where it holds none for the field.
        The executor (``schema/execution.py``) completes a compiled subtree from them,
        without a resolver call, an entity or a node object per field and node."""
        found = self.linked.get(response_key) if self.linked else None
        if found is None or found.field != field_name:
            return None
        return raw_nodes_of(self.label, found)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: strawberry.Info,
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Self | None]:
        entities = await info.context.loaders.entity.load_many(list(node_ids))
        return [
            cls.from_props(e.props) if e is not None and cls.label in e.labels else None
            for e in entities
        ]


async def neighbours(
    node: GraphNode, info: strawberry.Info, rel_type: str, direction: Direction
) -> list[Neighbour]:
    """The nodes at the other end of ``node``'s ``rel_type`` relationships in ``direction``,
    for the field being resolved: from the compiled read that fetched ``node`` (or that its
    ``pending`` plan loads now, batched with its siblings) when it holds this field, from the
    DataLoaders otherwise."""
    await _load_pending(node, info)
    found = node.compiled_neighbours(str(info.path.key), info.field_name)
    if found is not None:
        return found
    loaded: list[Neighbour] = await info.context.loaders.neighbours.load(
        (node.entity_id, rel_type, direction)
    )
    return loaded


async def _load_pending(node: GraphNode, info: strawberry.Info) -> None:
    """Load the compiled read ``node`` waits for, if any (batched with its siblings')."""
    if node.linked is None and node.pending is not None:
        entity = await info.context.selections.load(node.pending, node.entity_id)
        node.linked = entity.linked if entity is not None else {}


async def answered(node: GraphNode, info: strawberry.Info) -> list[Any]:
    """The nodes of the list or connection field being resolved on ``node``, for
    graphql-core to complete, in :func:`related`'s order: as the compiled read's
    :class:`~schema.selection.RawNode` where it holds the field (the executor completes them
    from the statement's maps, and makes a node object of one only where a field needs it,
    ``schema/execution.py``), else :func:`related`'s node objects. Only for resolvers whose
    answer goes straight to GraphQL: anything that reads the nodes in Python takes
    :func:`related`."""
    await _load_pending(node, info)
    found = node.linked.get(str(info.path.key)) if node.linked else None
    if found is not None and found.field == info.field_name:
        raw = raw_nodes_of(node.label, found)
        if raw is not None:
            return raw
    return await related(node, info)


def _fact_fields(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "entity_id": props["id"],
        "synthetic": bool(props.get("synthetic")),
        "provenance": provenance_of(props),
    }


def node_type_of(entity: Entity) -> type[GraphNode] | None:
    """The GraphQL type of a graph node, by its most specific label."""
    for label in entity.labels:
        node_type = NODE_TYPES.get(label)
        if node_type is not None and label != "Entity":
            return node_type
    return None


def node_object(raw: RawNode) -> GraphNode:
    """The node object of a compiled read's raw node, with what the read found below it."""
    return NODE_TYPES[raw.plan.shape.label].from_entity(entity_from(raw.plan, raw.item))


def to_node(entity: Entity) -> GraphNode | None:
    """The GraphQL object for a graph node, by its most specific label."""
    node_type = node_type_of(entity)
    return node_type.from_entity(entity) if node_type is not None else None


async def related(
    node: GraphNode, info: strawberry.Info, field_name: str | None = None
) -> list[Any]:
    """The nodes of the relationship field being resolved on ``node`` (or of ``field_name``,
    for a resolver that walks another field's relationship): its relationship type,
    direction, node type and order are those :data:`schema.selection.RELATIONS` gives the
    compiler, so a compiled read and this resolver cannot disagree on them."""
    relation = RELATIONS[node.label][field_name or info.field_name]
    return arranged(relation, await neighbours(node, info, relation.rel_type, relation.direction))


def arranged(relation: Relation, found: list[Neighbour]) -> list[Any]:
    """The objects of ``relation``'s node type among ``found``, in the relation's order
    (:func:`schema.selection.arrange`)."""
    node_type = NODE_TYPES[relation.target]
    entities = [n.entity for n in found if node_type.label in n.entity.labels]
    return [node_type.from_entity(e) for e in arrange(relation, entities, _props)]


def _props(entity: Entity) -> dict[str, Any]:
    return entity.props


def _first(nodes: list[Any], node_type: type[N]) -> N | None:
    """The node of a field that holds at most one (the first by name, were there several)."""
    node = nodes[0] if nodes else None
    assert node is None or isinstance(node, node_type)
    return node


def _nodes_of(neighbours: list[Neighbour], node_type: type[GraphNode]) -> list[Any]:
    """The neighbours of one type, by name then id (:func:`schema.selection.by_name`)."""
    matching = [n.entity for n in neighbours if node_type.label in n.entity.labels]
    matching.sort(key=lambda e: by_name(e.props))
    return [node_type.from_entity(e) for e in matching]


@strawberry.type(description="A region of the administrative hierarchy.")
class Region(GraphNode, Fact):
    label: ClassVar[str] = "Region"
    name: str
    level: RegionLevel
    code: str | None = strawberry.field(
        description="Official statistical division code (统计用区划代码): 6 digits down to "
        "county level (`150302`), 9 for township-level units (`150302101`); null for regions "
        "without one (synthetic). Accepted wherever a region key is."
    )
    division: RegionDivision | None = strawberry.field(
        description="The kind of unit, from the code (and the name where the code leaves it "
        "open); null for regions without a code."
    )
    aliases: list[str]

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        division = props.get("division")
        return cls(
            **_fact_fields(props),
            name=props["name"],
            level=member(RegionLevel, props["level"]),
            code=props.get("code"),
            division=member(RegionDivision, division) if division else None,
            aliases=list(props.get("aliases") or []),
        )

    @strawberry.field(description="The region this one is part of; null for the root.")
    async def parent(self, info: strawberry.Info) -> Region | None:
        return _first(await related(self, info), Region)

    @strawberry.field(description="All regions above this one, nearest first.")
    async def ancestors(self, info: strawberry.Info) -> list[Region]:
        chain: list[Region] = []
        current = _first(await related(self, info, "parent"), Region)
        while current is not None and len(chain) < len(RegionLevel):
            chain.append(current)
            current = _first(await related(current, info, "parent"), Region)
        return chain

    @strawberry.field(
        description="Regions directly under this one, by name (bounded by geography, so a "
        "plain list)."
    )
    async def children(self, info: strawberry.Info) -> list[Region]:
        return await answered(self, info)

    @relay.connection(CountedConnection["Body"], description="Bodies located in this region.")
    async def bodies(self, info: strawberry.Info) -> list[Body]:
        return await answered(self, info)

    @strawberry.field(description="Statistics about this region (before/after figures, counts).")
    async def statistics(self, info: strawberry.Info) -> list[Statistic]:
        return await answered(self, info)

    @strawberry.field(
        description="Power lists in force here: issued for this region or for one above it, "
        "nearest first (the lists a claim matrix of this region can be drawn against)."
    )
    async def power_lists(self, info: strawberry.Info) -> list[PowerList]:
        regions = [self, *await self.ancestors(info)]
        # one DataLoader batch for the whole chain, not a round trip per level
        issued = await info.context.loaders.neighbours.load_many(
            [(region.entity_id, "IN_REGION", "in") for region in regions]
        )
        return [power_list for found in issued for power_list in _nodes_of(found, PowerList)]


@strawberry.type(description="A party or government body, institution, unit or team.")
class Body(GraphNode, Fact):
    label: ClassVar[str] = "Body"
    name: str
    kind: BodyKind
    domain: str | None = strawberry.field(description="Enforcement domain of a team.")
    rank: str | None
    staff_quota: int | None = strawberry.field(description="Staff quota (编制), where stated.")
    leadership_posts: int | None
    signboards: list[str] = strawberry.field(description="Other names it carries (挂牌).")
    aliases: list[str]
    vertically_managed: bool = strawberry.field(description="Run by a higher level (垂管).")
    valid_from: str | None
    valid_to: str | None
    note: str | None
    is_enforcement_team: bool

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        return cls(
            **_fact_fields(props),
            name=props["name"],
            kind=member(BodyKind, props["kind"]),
            domain=props.get("domain"),
            rank=props.get("rank"),
            staff_quota=props.get("staffQuota"),
            leadership_posts=props.get("leadershipPosts"),
            signboards=list(props.get("signboards") or []),
            aliases=list(props.get("aliases") or []),
            vertically_managed=bool(props.get("verticallyManaged")),
            valid_from=props.get("validFrom"),
            valid_to=props.get("validTo"),
            note=props.get("note"),
            is_enforcement_team=props.get("kind") == "ENFORCEMENT_TEAM",
        )

    @strawberry.field(description="The region the body belongs to.")
    async def region(self, info: strawberry.Info) -> Region | None:
        return _first(await related(self, info), Region)

    @strawberry.field(description="The body this one answers to, if recorded.")
    async def superior(self, info: strawberry.Info) -> Body | None:
        return _first(await related(self, info), Body)

    @relay.connection(CountedConnection["Body"], description="Bodies directly under this one.")
    async def subordinates(self, info: strawberry.Info) -> list[Body]:
        return await answered(self, info)

    @relay.connection(
        CountedConnection["PowerItem"], description="Power items this body originally held."
    )
    async def holds(self, info: strawberry.Info) -> list[PowerItem]:
        return await answered(self, info)

    @relay.connection(
        CountedConnection["PowerItem"], description="Power items this body exercises now."
    )
    async def exercises(self, info: strawberry.Info) -> list[PowerItem]:
        return await answered(self, info)

    @strawberry.field(description="Reform events this body went into (merged, abolished, …).")
    async def ended_in(self, info: strawberry.Info) -> list[ReformEvent]:
        return await answered(self, info)

    @strawberry.field(description="Reform events that produced this body.")
    async def created_by(self, info: strawberry.Info) -> list[ReformEvent]:
        return await answered(self, info)


@strawberry.type(description="A power item (行政权力事项) in a power list.")
class PowerItem(GraphNode, Fact):
    label: ClassVar[str] = "PowerItem"
    seq: int | None
    name: str
    power_type: PowerType | None = strawberry.field(
        description="Null when the list states no type (`powerTypeStated: false`) or one that "
        "is none of these (`powerTypeText` says it)."
    )
    power_type_stated: bool = strawberry.field(
        description="False when the list gives this item no type (no 权力类型 column or an "
        "empty cell): then `powerType` is null because the source is silent, not because the "
        "type is unknown to the service."
    )
    power_type_text: str | None = strawberry.field(
        description="The type as the list writes it (its 权力类型 cell, e.g. 行政檢查), if any."
    )
    legal_basis: str | None
    code: str | None = strawberry.field(description="The item's code (项目编码), if given.")
    parent_name: str | None = strawberry.field(
        description="For a sub-item (子项) of a power-and-responsibility list: the item "
        "(项目名称) it belongs to."
    )
    scope: str | None = strawberry.field(description="The delegation's scope (赋权范围).")
    responsibilities: str | None = strawberry.field(
        description="Duties that go with the power (责任事项)."
    )
    accountability: str | None = strawberry.field(
        description="When someone is held to account (追责情形)."
    )

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        power_type = props.get("powerType")
        text = props.get("powerTypeText")
        return cls(
            **_fact_fields(props),
            seq=props.get("seq"),
            name=props["name"],
            power_type=member(PowerType, power_type) if power_type is not None else None,
            power_type_stated=power_type is not None or bool(text),
            power_type_text=text,
            legal_basis=props.get("legalBasis"),
            code=props.get("code"),
            parent_name=props.get("parentName"),
            scope=props.get("scope"),
            responsibilities=props.get("responsibilities"),
            accountability=props.get("accountability"),
        )

    @strawberry.field(name="list", description="The list the item belongs to.")
    async def in_list(self, info: strawberry.Info) -> PowerList | None:
        return _first(await related(self, info), PowerList)

    @relay.connection(
        CountedConnection[Body], description="Bodies that held the power before it was delegated."
    )
    async def held_by(self, info: strawberry.Info) -> list[Body]:
        return await answered(self, info)

    @relay.connection(CountedConnection[Body], description="Bodies that exercise the power now.")
    async def exercised_by(self, info: strawberry.Info) -> list[Body]:
        return await answered(self, info)

    @relay.connection(
        # A claim is a relationship, not a Node; Strawberry pages any type, only the stub's
        # bound says otherwise.
        CountedConnection["Claim"],  # type: ignore[type-var]
        description="Towns and subdistricts that claimed this item, by name.",
    )
    async def claimed_by(self, info: strawberry.Info) -> list[Claim]:
        claims = [
            Claim(
                town=Region.from_entity(n.entity),
                mode=mode_of(n.rel.get("mode")),
                date=n.rel.get("date"),
                status=n.rel.get("status"),
                synthetic=bool(n.rel.get("synthetic")),
                provenance=provenance_of(n.rel),
            )
            for n in await neighbours(self, info, "CLAIMS", "in")
            if "Region" in n.entity.labels
        ]
        # by key among towns of one name: engines return the claims in no set order
        return sorted(claims, key=lambda c: (c.town.name, c.town.entity_id))


@strawberry.type(description="A town's claim of one item: mode 确认/交办 (CONFIRM/ASSIGN).")
class Claim(Fact):
    town: Region
    mode: ClaimMode | None
    date: str | None
    status: str | None


@strawberry.type(description="How many items of a list are of one power type.")
class TypeCount:
    power_type: PowerType
    count: int


@strawberry.type(description="A list of power items: delegated, statutory or power-and-duty.")
class PowerList(GraphNode, Fact):
    label: ClassVar[str] = "PowerList"
    title: str
    kind: ListKind
    issuer: str | None
    doc_number: str | None
    date: str | None
    item_count: int | None = strawberry.field(
        description="Items in the list as the source states it (may exceed the named items)."
    )
    counts_by_type: list[TypeCount]

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        types = props.get("countTypes") or []
        values = props.get("countValues") or []
        return cls(
            **_fact_fields(props),
            title=props["title"],
            kind=ListKind(props.get("kind") or "DELEGATED"),
            issuer=props.get("issuer"),
            doc_number=props.get("docNumber"),
            date=props.get("date"),
            item_count=props.get("itemCount"),
            counts_by_type=[
                TypeCount(power_type=PowerType(t), count=c)
                for t, c in zip(types, values, strict=False)
            ],
        )

    @strawberry.field(description="Where sources disagree about this list.")
    async def disagreements(self, info: strawberry.Info) -> list[Disagreement]:
        return await disagreements_about(info, self.entity_id)

    @strawberry.field(description="The region the list was issued for (its scope).")
    async def region(self, info: strawberry.Info) -> Region | None:
        return _first(await related(self, info), Region)

    @relay.connection(
        CountedConnection[PowerItem], description="The named items of the list, in order."
    )
    async def items(self, info: strawberry.Info) -> list[PowerItem]:
        return await answered(self, info)


@strawberry.type(
    description="A policy document (文件) a source cites, with its document number (文号) or "
    "date as the source gives them; the document itself is not in the corpus."
)
class Document(GraphNode, Fact):
    label: ClassVar[str] = "Document"
    title: str
    doc_number: str | None = strawberry.field(description="As printed: 内党办发〔2019〕22号.")
    issuer: str | None
    date: str | None
    note: str | None

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        return cls(
            **_fact_fields(props),
            title=props["title"],
            doc_number=props.get("docNumber"),
            issuer=props.get("issuer"),
            date=props.get("date"),
            note=props.get("note"),
        )

    @strawberry.field(description="The region it was issued for.")
    async def region(self, info: strawberry.Info) -> Region | None:
        return _first(await related(self, info), Region)


@strawberry.type(description="A reform event: merge, split, establish, transfer up or down, …")
class ReformEvent(GraphNode, Fact):
    label: ClassVar[str] = "ReformEvent"
    kind: EventKind
    date: str | None
    title: str
    input_count: int | None = strawberry.field(
        description="Bodies that went in, as the source counts them (may be unnamed)."
    )
    output_count: int | None
    staff_moved: int | None
    note: str | None

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        return cls(
            **_fact_fields(props),
            kind=member(EventKind, props["kind"]),
            date=props.get("date"),
            title=props.get("title", ""),
            input_count=props.get("inputCount"),
            output_count=props.get("outputCount"),
            staff_moved=props.get("staffMoved"),
            note=props.get("note"),
        )

    @strawberry.field(description="Named bodies that went into the event.")
    async def inputs(self, info: strawberry.Info) -> list[Body]:
        return await answered(self, info)

    @strawberry.field(description="Named bodies the event produced.")
    async def outputs(self, info: strawberry.Info) -> list[Body]:
        return await answered(self, info)

    @strawberry.field(description="Where the event took place.")
    async def region(self, info: strawberry.Info) -> Region | None:
        return _first(await related(self, info), Region)

    @strawberry.field(
        description="Earlier events whose outputs went into this one (where the bodies in "
        "between are only counted, not named)."
    )
    async def follows(self, info: strawberry.Info) -> list[ReformEvent]:
        return await answered(self, info)


@strawberry.type(description="A figure the sources give: before/after, or a single value.")
class Statistic(GraphNode, Fact):
    label: ClassVar[str] = "Statistic"
    metric: str
    metric_label: str
    before: float | None
    after: float | None
    value: float | None
    unit: str
    date: str | None
    note: str | None

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        return cls(
            **_fact_fields(props),
            metric=props["metric"],
            metric_label=props.get("label", ""),
            before=props.get("before"),
            after=props.get("after"),
            value=props.get("value"),
            unit=props.get("unit", ""),
            date=props.get("date"),
            note=props.get("note"),
        )

    @strawberry.field(description="The region the figure is about.")
    async def region(self, info: strawberry.Info) -> Region | None:
        return _first(await related(self, info), Region)

    @strawberry.field(
        description="Where sources disagree about this figure or its metric (the note's "
        '"see disagreements"): each source\'s own words.'
    )
    async def disagreements(self, info: strawberry.Info) -> list[Disagreement]:
        return await disagreements_about(info, self.entity_id, self.metric)


@strawberry.type(description="One of the source documents.")
class Source(GraphNode):
    label: ClassVar[str] = "Source"
    file: str
    title: str
    kind: SourceKind
    issuer: str | None
    date: str | None
    edition: str | None = strawberry.field(
        description="Edition of a register (the NBS codes' year), null for documents."
    )

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Self:
        return cls(
            entity_id=props["id"],
            file=props["file"],
            title=props.get("title", ""),
            kind=SourceKind(props["kind"]),
            issuer=props.get("issuer"),
            date=props.get("date"),
            edition=props.get("edition"),
        )


NODE_TYPES: dict[str, type[GraphNode]] = {
    t.label: t
    for t in (Region, Body, PowerItem, PowerList, Document, ReformEvent, Statistic, Source)
}


def _read(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda props: props.get(name)


def _member_of(enum_type: type[E], name: str) -> Callable[[Mapping[str, Any]], E]:
    return lambda props: member(enum_type, props[name])


def _synthetic(props: Mapping[str, Any]) -> bool:
    return bool(props.get("synthetic"))


#: Per node type, the fields whose value the executor reads straight from a compiled read's
#: map of properties (``schema/execution.py``, :class:`~schema.selection.RawNode`), each
#: giving what ``from_props`` gives the object's attribute (``tests/test_raw_fields.py``
#: holds every one to that over the documented dataset). The fields most selected beside
#: relationships; a selection of any other field is completed through node objects.
RAW_FIELDS: Mapping[str, Mapping[str, Callable[[Mapping[str, Any]], Any]]] = {
    "Region": {
        "key": _read("id"),
        "name": _read("name"),
        "level": _member_of(RegionLevel, "level"),
        "code": _read("code"),
        "synthetic": _synthetic,
    },
    "Body": {
        "key": _read("id"),
        "name": _read("name"),
        "kind": _member_of(BodyKind, "kind"),
        "synthetic": _synthetic,
    },
    "PowerItem": {
        "key": _read("id"),
        "name": _read("name"),
        "seq": _read("seq"),
        "code": _read("code"),
        "synthetic": _synthetic,
    },
    "PowerList": {"key": _read("id"), "title": _read("title"), "synthetic": _synthetic},
    "Document": {"key": _read("id"), "title": _read("title"), "synthetic": _synthetic},
    "ReformEvent": {
        "key": _read("id"),
        "title": lambda props: props.get("title") or "",
        "date": _read("date"),
        "synthetic": _synthetic,
    },
    "Statistic": {"key": _read("id"), "synthetic": _synthetic},
    "Source": {"key": _read("id"), "file": _read("file")},
}
