"""Delegation chains: from the list that grants a power, through the body that held it, to
the town and the body that exercises it.

A chain is assembled from batched lookups (list, holders, delegations, exercisers),
following ``DELEGATES`` hop by hop up to :data:`MAX_CHAIN_HOPS`, with a visited set, so bad
data with a delegation cycle ends instead of hanging. The walk moves on ids alone: a chain to
one town walks to every town the item reaches and keeps one, so the nodes at either end of a
hop are fetched (in one batch) only for the hops kept, and only when a query asks for them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, NamedTuple

import strawberry
from strawberry import relay

from domain import ChainRelation, ClaimMode
from schema.errors import ApiError, ErrorCode
from schema.limits import MAX_CHAIN_HOPS
from schema.loaders import Entity, Link, Loaders, checked
from schema.nodes import PowerItem, Provenance, mode_of, provenance_of, to_node


async def _node(info: strawberry.Info, key: str) -> relay.Node:
    entity = await info.context.loaders.entity.load(key)
    node = to_node(entity) if entity is not None else None
    if node is None:  # removed since the chain was walked, in the same request
        raise ApiError(ErrorCode.NOT_FOUND, f"No node with key {key!r}.", key=key)
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

    @strawberry.field(name="from")
    async def from_node(self, info: strawberry.Info) -> relay.Node:
        return await _node(info, self.from_key)

    @strawberry.field(name="to")
    async def to_node(self, info: strawberry.Info) -> relay.Node:
        return await _node(info, self.to_key)


@strawberry.type(description="An ordered path a power takes to a town and whoever exercises it.")
class DelegationChain:
    item: PowerItem
    hops: list[ChainHop]
    complete: bool = strawberry.field(
        description="True when the chain reaches the town and a body that exercises the item."
    )


class _Step(NamedTuple):
    """A hop as the walk found it, made a :class:`ChainHop` only if its chain is kept."""

    relation: str
    from_key: str
    to_key: str
    rel: dict[str, Any]

    def hop(self) -> ChainHop:
        return ChainHop(
            relation=ChainRelation(self.relation),
            from_key=self.from_key,
            to_key=self.to_key,
            mode=mode_of(self.rel.get("mode")),
            date=self.rel.get("date"),
            doc_number=self.rel.get("docNumber"),
            synthetic=bool(self.rel.get("synthetic")),
            provenance=provenance_of(self.rel),
        )


@dataclass(frozen=True)
class _Path:
    """A chain under construction: its steps so far, the delegations among them (each with
    the places it reached), the id it ends at, what it visited."""

    steps: tuple[_Step, ...]
    delegations: tuple[Link, ...]
    end: str
    visited: frozenset[str]

    def reaches(self, town_id: str) -> bool:
        """Whether a delegation of this path went to the town or to a body in it."""
        return any(town_id == d.target or town_id in d.places for d in self.delegations)


async def chains_for_item(
    loaders: Loaders, item: Entity, town_id: str | None
) -> list[DelegationChain]:
    """Every chain of ``item``, optionally only those reaching ``town_id``.

    Breadth first: each hop is one batched lookup for every open path at once, so the cost
    is a few statements per hop whatever the number of holders and receivers.
    """
    power_list, paths = await _starts(loaders, item)
    finished = await _delegated(loaders, item, power_list, paths)
    if town_id is not None:
        finished = [p for p in finished if p.reaches(town_id)]
    return await _exercised(loaders, item, finished)


async def _starts(loaders: Loaders, item: Entity) -> tuple[str | None, list[_Path]]:
    """The item's list, and the paths chains start on: from the list and from each holder
    (after the listing, when there is one)."""
    lists, holders = await asyncio.gather(
        loaders.out(item.id, "LISTED_IN"), loaders.holders.load(item.id)
    )
    power_list = lists[0].entity.id if lists else None
    base: tuple[_Step, ...] = ()
    paths: list[_Path] = []
    if power_list is not None:
        # The listing is the item record's own fact: its sources (or synthetic mark) are
        # the hop's, since the LISTED_IN relationship carries no properties of its own.
        listing = {k: item.props.get(k) for k in ("synthetic", "sources", "quotes")}
        base = (_Step("LISTED_IN", power_list, item.id, {**listing, **lists[0].rel}),)
        paths.append(_Path(base, (), power_list, frozenset({power_list})))
    for holder in sorted(holders, key=lambda h: h.target):
        step = _Step("HOLDS", holder.target, item.id, holder.rel)
        paths.append(_Path((*base, step), (), holder.target, frozenset({holder.target})))
    return power_list, paths


async def _delegated(
    loaders: Loaders, item: Entity, power_list: str | None, paths: list[_Path]
) -> list[_Path]:
    """``paths`` followed along the item's delegations, one hop for all of them at a time,
    until each ends (no onward delegation, a cycle, or :data:`MAX_CHAIN_HOPS`); the ended
    paths that took at least one delegation."""
    finished: list[_Path] = []
    while paths:
        outgoing = await loaders.delegations.load_many(
            [(p.end, item.id, power_list) for p in paths]
        )
        next_paths: list[_Path] = []
        for path, delegations in zip(paths, outgoing, strict=True):
            onward = sorted(
                (d for d in delegations if d.target not in path.visited),
                key=lambda d: (d.target, str(d.rel.get("id"))),
            )
            if not onward or len(path.delegations) >= MAX_CHAIN_HOPS:
                if path.delegations:  # a path with no delegation at all is not a chain
                    finished.append(path)
                continue
            next_paths += [
                _Path(
                    (*path.steps, _Step("DELEGATES", path.end, d.target, d.rel)),
                    (*path.delegations, d),
                    d.target,
                    path.visited | {d.target},
                )
                for d in onward
            ]
        paths = next_paths
    return finished


async def _exercised(
    loaders: Loaders, item: Entity, finished: list[_Path]
) -> list[DelegationChain]:
    """A chain per path and body exercising the item where it ends (that body, or the
    bodies in that region); an incomplete chain for a path where none does."""
    exercising = await loaders.exercisers.load_many([(p.end, item.id) for p in finished])
    power_item = PowerItem.from_props(item.props)
    chains: list[DelegationChain] = []
    for path, ends in zip(finished, exercising, strict=True):
        hops = [step.hop() for step in path.steps]
        tails = [
            [_Step("EXERCISES", e.target, item.id, e.rel).hop()]
            for e in sorted(ends, key=lambda e: e.target)
        ] or [[]]
        chains += [
            DelegationChain(item=power_item, hops=[*hops, *tail], complete=bool(tail))
            for tail in tails
        ]
    return chains


async def delegation_chains(
    info: strawberry.Info, item_key: str, town_key: str | None
) -> list[DelegationChain]:
    """Chains of one item, to one town or to all."""
    loaders: Loaders = info.context.loaders
    # both in one batch
    found_item, town = await loaders.entity.load_many([item_key, town_key or item_key])
    item = checked(found_item, "PowerItem", item_key)
    if town_key is not None:
        checked(town, "Region", town_key)
    return await chains_for_item(loaders, item, town_key)


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
    items = [e for e in await loaders.entity.load_many(sorted(item_keys)) if e is not None]
    # concurrently, so the DataLoaders batch each hop across all items
    per_item = await asyncio.gather(*(chains_for_item(loaders, i, None) for i in items))
    return [
        chain
        for chains in per_item
        for chain in chains
        if any(body_key in (h.from_key, h.to_key) for h in chain.hops)
    ]
