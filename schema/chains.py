"""Delegation chains: from the list that grants a power, through the body that held it, to
the town and the body that exercises it.

A chain is assembled from batched neighbour lookups (list, holders, delegations, exercisers),
following ``DELEGATES`` hop by hop up to :data:`MAX_CHAIN_HOPS`, with a visited set, so bad
data with a delegation cycle ends instead of hanging.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry import relay

from schema.errors import ApiError, ErrorCode
from schema.loaders import Entity, Loaders
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


@dataclass(frozen=True)
class _Path:
    """A chain under construction: its hops so far, the node it ends at, what it visited."""

    hops: tuple[ChainHop, ...]
    end: Entity
    visited: frozenset[str]

    @property
    def delegations(self) -> int:
        return sum(1 for h in self.hops if h.relation == "DELEGATES")


async def chains_for_item(
    loaders: Loaders, item: Entity, town_id: str | None
) -> list[DelegationChain]:
    """Every chain of ``item``, optionally only those reaching ``town_id``.

    Breadth first: each hop is one batched lookup for every open path at once, so the cost
    is a few statements per hop whatever the number of holders and receivers.
    """
    lists, holders, exercisers = await asyncio.gather(
        loaders.out(item.id, "LISTED_IN"),
        loaders.into(item.id, "HOLDS"),
        loaders.into(item.id, "EXERCISES"),
    )
    power_list = lists[0].entity if lists else None
    list_id = power_list.id if power_list else None
    base: tuple[ChainHop, ...] = ()
    paths: list[_Path] = []
    if power_list is not None:
        # The listing is the item record's own fact: its sources (or synthetic mark) are
        # the hop's, since the LISTED_IN relationship carries no properties of its own.
        listing = {k: item.props.get(k) for k in ("synthetic", "sources", "quotes")}
        base = (_hop("LISTED_IN", power_list, item, {**listing, **lists[0].rel}),)
        paths.append(_Path(base, power_list, frozenset({power_list.id})))
    for holder in sorted(holders, key=lambda n: n.entity.id):
        hop = _hop("HOLDS", holder.entity, item, holder.rel)
        paths.append(_Path((*base, hop), holder.entity, frozenset({holder.entity.id})))
    exerciser_regions = await loaders.neighbours.load_many(
        [(e.entity.id, "IN_REGION", "out") for e in exercisers]
    )
    finished: list[_Path] = []
    while paths:
        outgoing = await loaders.delegations.load_many(
            [(p.end.id, item.id, list_id) for p in paths]
        )
        next_paths: list[_Path] = []
        for path, delegations in zip(paths, outgoing, strict=True):
            onward = sorted(
                (d for d in delegations if d.entity.id not in path.visited),
                key=lambda d: (d.entity.id, str(d.rel.get("id"))),
            )
            if not onward or path.delegations >= MAX_CHAIN_HOPS:
                if path.delegations:  # a path with no delegation at all is not a chain
                    finished.append(path)
                continue
            next_paths += [
                _Path(
                    (*path.hops, _hop("DELEGATES", path.end, d.entity, d.rel)),
                    d.entity,
                    path.visited | {d.entity.id},
                )
                for d in onward
            ]
        paths = next_paths
    if town_id is not None:
        reached = await _places_reached(loaders, finished)
        finished = [p for p, places in zip(finished, reached, strict=True) if town_id in places]
    chains: list[DelegationChain] = []
    for path in finished:
        ends = [
            e
            for e, located in zip(exercisers, exerciser_regions, strict=True)
            if e.entity.id == path.end.id or any(r.entity.id == path.end.id for r in located)
        ]
        tails = [[_hop("EXERCISES", e.entity, item, e.rel)] for e in ends] or [[]]
        chains += [
            DelegationChain(
                item=PowerItem.from_props(item.props),
                hops=[*path.hops, *tail],
                complete=bool(tail),
            )
            for tail in tails
        ]
    return chains


async def _places_reached(loaders: Loaders, paths: list[_Path]) -> list[set[str]]:
    """For each path, its receivers and the regions of receiving bodies (a power delegated to
    a town's bureau reaches that town), in one batched lookup."""
    receivers = [
        [str(getattr(h.to_node, "entity_id", "")) for h in p.hops if h.relation == "DELEGATES"]
        for p in paths
    ]
    flat = sorted({r for rs in receivers for r in rs})
    located = await loaders.neighbours.load_many([(r, "IN_REGION", "out") for r in flat])
    regions = {r: {n.entity.id for n in ns} for r, ns in zip(flat, located, strict=True)}
    return [set(rs).union(*(regions[r] for r in rs)) for rs in receivers]


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
