"""Delegation chains: from the list that grants a power, through the body that held it, to
the town and the body that exercises it.

The chains of an item are walked in one statement (``cypher/delegation_chains.cypher``): one
variable-length match of ``DELEGATES`` up to ``schema.limits.MAX_CHAIN_HOPS``, never through a node
twice (so bad data with a delegation cycle ends), filtered by the town inside the walk, with
the nodes of the chains it keeps and who exercises the item at their ends. Python orders the
chains and makes them hops; the hops' ``from`` and ``to`` come from the request's entity
loader, primed with the nodes the statement returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import strawberry
from strawberry import relay

from domain import ChainRelation, ClaimMode
from schema.errors import ApiError, ErrorCode
from schema.loaders import Entity, Loaders
from schema.nodes import PowerItem, Provenance, mode_of, provenance_of, to_node


def _as_node(entity: Entity) -> relay.Node:
    node = to_node(entity)
    if node is None:  # a label the API has no type for: not a node a chain can name
        raise ApiError(ErrorCode.NOT_FOUND, f"No node with key {entity.id!r}.", key=entity.id)
    return node


@strawberry.type(description="One hop of a delegation chain: from → to, by a relationship.")
class ChainHop:
    relation: ChainRelation
    from_key: strawberry.Private[str]
    to_key: strawberry.Private[str]
    mode: ClaimMode | None
    date: str | None
    doc_number: str | None
    synthetic: bool
    provenance: list[Provenance]

    # The hop's ends, as the chain's statement read them: plain values, so answering
    # `from`/`to` costs no resolver, task or DataLoader round per hop.
    from_node: relay.Node = strawberry.field(name="from")
    to_node: relay.Node = strawberry.field(name="to")


@strawberry.type(description="An ordered path a power takes to a town and whoever exercises it.")
class DelegationChain:
    item: PowerItem
    hops: list[ChainHop]
    complete: bool = strawberry.field(
        description="True when the chain reaches the town and a body that exercises the item."
    )


class _Step(NamedTuple):
    """A hop of a chain, made a :class:`ChainHop` when the chain is answered."""

    relation: str
    source: Entity
    target: Entity
    rel: dict[str, Any]

    def hop(self) -> ChainHop:
        return ChainHop(
            relation=ChainRelation(self.relation),
            from_key=self.source.id,
            to_key=self.target.id,
            from_node=_as_node(self.source),
            to_node=_as_node(self.target),
            mode=mode_of(self.rel.get("mode")),
            date=self.rel.get("date"),
            doc_number=self.rel.get("docNumber"),
            synthetic=bool(self.rel.get("synthetic")),
            provenance=provenance_of(self.rel),
        )


class _Walk(NamedTuple):
    """One chain as the statement found it: where it starts, who received each delegation,
    each delegation's properties, and the bodies exercising the item where it ends."""

    start: Entity
    receivers: list[Entity]
    delegations: list[dict[str, Any]]
    exercisers: list[tuple[Entity, dict[str, Any]]]


@dataclass(frozen=True)
class _Item:
    """An item and its chains, from one row of ``delegation_chains``."""

    item: Entity
    power_list: Entity | None
    town_found: bool
    holdings: dict[str, dict[str, Any]]
    walks: list[_Walk]


def _entity(pair: list[Any]) -> Entity:
    labels, props = pair
    return Entity(tuple(labels), props)


async def _walk(
    info: strawberry.Info, item_keys: list[str], town_id: str | None
) -> dict[str, _Item]:
    """The chains of each item (to ``town_id`` only, if given), by item key, in one
    statement, with every node they name (the hops' ``from`` and ``to`` cost no further
    statement)."""
    rows = await info.context.store.read(
        "delegation_chains", {"items": item_keys, "town": town_id}
    )
    found: dict[str, _Item] = {}
    for row in rows:
        item = Entity(("Entity", "PowerItem"), row["item"])
        power_list = _entity(row["list"]) if row["list"] is not None else None
        walks = [
            _Walk(
                _entity(start),
                [_entity(r) for r in receivers],
                delegations,
                [(Entity(tuple(labels), props), rel) for labels, props, rel in exercisers],
            )
            for start, receivers, delegations, exercisers in row["chains"]
        ]
        found[item.id] = _Item(
            item, power_list, bool(row["townFound"]), dict(row["holdings"]), walks
        )
    return found


def _chains(found: _Item) -> list[DelegationChain]:
    """The chains of one item, in the order a breadth-first walk finds them: fewer
    delegations first; then from the list before the holders, holders by key; then by each
    hop's receiver and delegation id. One chain per body exercising the item at its end (by
    key), or one incomplete chain when none does."""
    item = found.item
    base: list[_Step] = []
    list_id = found.power_list.id if found.power_list is not None else None
    if found.power_list is not None:
        # The listing is the item record's own fact: its sources (or synthetic mark) are
        # the hop's, since the LISTED_IN relationship carries no properties of its own.
        listing = {k: item.props.get(k) for k in ("synthetic", "sources", "quotes")}
        base.append(_Step("LISTED_IN", found.power_list, item, listing))

    def order(walk: _Walk) -> tuple[Any, ...]:
        start = walk.start.id
        head = (0, "") if start == list_id else (1, start)
        pairs = zip(walk.receivers, walk.delegations, strict=True)
        return (len(walk.delegations), head, [(r.id, str(d.get("id"))) for r, d in pairs])

    power_item = PowerItem.from_props(item.props)
    chains: list[DelegationChain] = []
    for walk in sorted(found.walks, key=order):
        steps = list(base)
        if walk.start.id != list_id:
            steps.append(_Step("HOLDS", walk.start, item, found.holdings[walk.start.id]))
        previous = walk.start
        for receiver, delegation in zip(walk.receivers, walk.delegations, strict=True):
            steps.append(_Step("DELEGATES", previous, receiver, delegation))
            previous = receiver
        hops = [step.hop() for step in steps]
        tails = [
            [_Step("EXERCISES", body, item, rel).hop()]
            for body, rel in sorted(walk.exercisers, key=lambda e: e[0].id)
        ] or [[]]
        chains += [
            DelegationChain(item=power_item, hops=[*hops, *tail], complete=bool(tail))
            for tail in tails
        ]
    return chains


async def delegation_chains(
    info: strawberry.Info, item_key: str, town_key: str | None
) -> list[DelegationChain]:
    """Chains of one item, to one town or to all: one statement."""
    found = (await _walk(info, [item_key], town_key)).get(item_key)
    if found is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"No PowerItem with key {item_key!r}.", key=item_key)
    if town_key is not None and not found.town_found:
        raise ApiError(ErrorCode.NOT_FOUND, f"No Region with key {town_key!r}.", key=town_key)
    return _chains(found)


async def chains_through_body(info: strawberry.Info, body_key: str) -> list[DelegationChain]:
    """Every chain in which the body holds, passes on, receives or exercises a power."""
    loaders: Loaders = info.context.loaders
    await loaders.labelled("Body", body_key)
    # one batch for the four lookups, not a round trip each
    holds, exercises, sent, received = await loaders.neighbours.load_many(
        [
            (body_key, "HOLDS", "out"),
            (body_key, "EXERCISES", "out"),
            (body_key, "DELEGATES", "out"),
            (body_key, "DELEGATES", "in"),
        ]
    )
    item_keys = {n.entity.id for n in (*holds, *exercises)}
    item_keys |= {d.rel["item"] for d in (*sent, *received) if d.rel.get("item")}
    # every item's chains in one statement
    found = await _walk(info, sorted(item_keys), None)
    return [
        chain
        for key in sorted(found)
        for chain in _chains(found[key])
        if any(body_key in (h.from_key, h.to_key) for h in chain.hops)
    ]
