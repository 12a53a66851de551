"""Delegation chains: from the list that grants a power, through the body that held it, to
the town and the body that exercises it.

A chain is assembled from batched neighbour lookups (list, holders, delegations, exercisers),
following ``DELEGATES`` hop by hop up to :data:`MAX_CHAIN_HOPS`, with a visited set, so bad
data with a delegation cycle ends instead of hanging.
"""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from strawberry import relay

from schema.errors import ApiError, ErrorCode
from schema.loaders import Entity, Loaders, Neighbour
from schema.nodes import PowerItem, Provenance, provenance_of, to_node

MAX_CHAIN_HOPS = 6


@strawberry.type(description="One hop of a delegation chain: from → to, by a relationship.")
class ChainHop:
    relation: str = strawberry.field(
        description="LISTED_IN (list → item), HOLDS (holder → item), DELEGATES (→ receiver), "
        "EXERCISES (body → item)."
    )
    from_node: relay.Node = strawberry.field(name="from")
    to_node: relay.Node = strawberry.field(name="to")
    mode: str | None
    date: str | None
    doc_number: str | None
    synthetic: bool
    provenance: list[Provenance]


@strawberry.type(description="An ordered path a power takes to a town and whoever exercises it.")
class DelegationChain:
    item: PowerItem
    hops: list[ChainHop]
    complete: bool = strawberry.field(
        description="True when the chain reaches the town and a body that exercises the item."
    )


def _hop(relation: str, source: Entity, target: Entity, rel: dict[str, Any]) -> ChainHop:
    from_node, to_node_ = to_node(source), to_node(target)
    assert from_node is not None
    assert to_node_ is not None
    return ChainHop(
        relation=relation,
        from_node=from_node,
        to_node=to_node_,
        mode=rel.get("mode"),
        date=rel.get("date"),
        doc_number=rel.get("docNumber"),
        synthetic=bool(rel.get("synthetic")),
        provenance=provenance_of(rel),
    )


def _carries(rel: dict[str, Any], item_id: str, list_id: str | None) -> bool:
    """A delegation carries the item if it names it, or names its whole list."""
    if rel.get("item"):
        return bool(rel["item"] == item_id)
    return list_id is not None and rel.get("list") == list_id


async def chains_for_item(
    loaders: Loaders, item: Entity, town_id: str | None
) -> list[DelegationChain]:
    """Every chain of ``item``, optionally only those reaching ``town_id``."""
    lists = await loaders.out(item.id, "LISTED_IN")
    power_list = lists[0].entity if lists else None
    list_id = power_list.id if power_list else None
    holders = sorted(await loaders.into(item.id, "HOLDS"), key=lambda n: n.entity.id)
    exercisers = sorted(await loaders.into(item.id, "EXERCISES"), key=lambda n: n.entity.id)
    starts: list[tuple[list[ChainHop], Entity]] = []
    base: list[ChainHop] = []
    if power_list is not None:
        base.append(_hop("LISTED_IN", power_list, item, lists[0].rel))
        starts.append((base, power_list))
    for holder in holders:
        starts.append(([*base, _hop("HOLDS", holder.entity, item, holder.rel)], holder.entity))
    chains: list[DelegationChain] = []
    for hops, origin in starts:
        await _follow(loaders, item, list_id, hops, origin, {origin.id}, exercisers, chains)
    if town_id is not None:
        chains = [c for c in chains if town_id in await _places_reached(loaders, c)]
    return chains


async def _places_reached(loaders: Loaders, chain: DelegationChain) -> set[str]:
    """The receivers of a chain's delegations, and the regions of receiving bodies: a power
    delegated to a town's bureau reaches that town."""
    receivers = [
        str(getattr(h.to_node, "entity_id", "")) for h in chain.hops if h.relation == "DELEGATES"
    ]
    located = await loaders.neighbours.load_many([(r, "IN_REGION", "out") for r in receivers])
    return set(receivers) | {n.entity.id for ns in located for n in ns}


async def _follow(
    loaders: Loaders,
    item: Entity,
    list_id: str | None,
    hops: list[ChainHop],
    node: Entity,
    visited: set[str],
    exercisers: list[Neighbour],
    out: list[DelegationChain],
) -> None:
    onward = sorted(
        (
            n
            for n in await loaders.out(node.id, "DELEGATES")
            if _carries(n.rel, item.id, list_id) and n.entity.id not in visited
        ),
        key=lambda n: (n.entity.id, str(n.rel.get("id"))),
    )
    delegated = [h for h in hops if h.relation == "DELEGATES"]
    if not onward or len(delegated) >= MAX_CHAIN_HOPS:
        if not delegated:
            return  # no delegation at all: not a chain
        ends = await _exercisers_at(loaders, node, exercisers)
        tails = [[_hop("EXERCISES", e.entity, item, e.rel)] for e in ends] or [[]]
        out += [
            DelegationChain(
                item=PowerItem.from_props(item.props), hops=[*hops, *tail], complete=bool(tail)
            )
            for tail in tails
        ]
        return
    for step in onward:
        hop = _hop("DELEGATES", node, step.entity, step.rel)
        await _follow(
            loaders,
            item,
            list_id,
            [*hops, hop],
            step.entity,
            visited | {step.entity.id},
            exercisers,
            out,
        )


async def _exercisers_at(
    loaders: Loaders, receiver: Entity, exercisers: list[Neighbour]
) -> list[Neighbour]:
    """Exercisers of the item that are the receiver itself or sit in the receiving region."""
    regions = await loaders.neighbours.load_many(
        [(e.entity.id, "IN_REGION", "out") for e in exercisers]
    )
    return [
        exerciser
        for exerciser, located in zip(exercisers, regions, strict=True)
        if exerciser.entity.id == receiver.id or any(r.entity.id == receiver.id for r in located)
    ]


async def delegation_chains(
    info: strawberry.Info, item_key: str, town_key: str | None
) -> list[DelegationChain]:
    """Chains of one item, to one town or to all."""
    loaders: Loaders = info.context.loaders
    item = await loaders.entity.load(item_key)
    if item is None or "PowerItem" not in item.labels:
        raise ApiError(ErrorCode.NOT_FOUND, f"No PowerItem with key {item_key!r}.", key=item_key)
    if town_key is not None:
        town = await loaders.entity.load(town_key)
        if town is None or "Region" not in town.labels:
            raise ApiError(ErrorCode.NOT_FOUND, f"No Region with key {town_key!r}.", key=town_key)
    return await chains_for_item(loaders, item, town_key)


async def chains_through_body(info: strawberry.Info, body_key: str) -> list[DelegationChain]:
    """Every chain in which the body holds, passes on, receives or exercises a power."""
    loaders: Loaders = info.context.loaders
    body = await loaders.entity.load(body_key)
    if body is None or "Body" not in body.labels:
        raise ApiError(ErrorCode.NOT_FOUND, f"No Body with key {body_key!r}.", key=body_key)
    item_keys = {n.entity.id for n in await loaders.out(body_key, "HOLDS")}
    item_keys |= {n.entity.id for n in await loaders.out(body_key, "EXERCISES")}
    for delegation in (
        *await loaders.out(body_key, "DELEGATES"),
        *await loaders.into(body_key, "DELEGATES"),
    ):
        if delegation.rel.get("item"):
            item_keys.add(delegation.rel["item"])
    items = [e for e in await loaders.entity.load_many(sorted(item_keys)) if e is not None]
    # concurrently, so the DataLoaders batch each hop across all items
    per_item = await asyncio.gather(*(chains_for_item(loaders, i, None) for i in items))
    return [
        chain
        for chains in per_item
        for chain in chains
        if any(
            body_key
            in (getattr(h.from_node, "entity_id", None), getattr(h.to_node, "entity_id", None))
            for h in chain.hops
        )
    ]
