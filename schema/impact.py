"""What-if merger impact: what would change if bodies A, B, … merged into a target.

Read-only: it reads the bodies' powers, delegations, subordinates, regions and staff quotas
through the batched loaders and reports the consequences; nothing is written. The same report
serves a merger that already happened, built from a recorded event's inputs and outputs.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import strawberry

from domain import LEVEL_ORDER, ClaimMode, ConflictCode
from schema.errors import ApiError, ErrorCode
from schema.loaders import Direction, Entity, Loaders, Neighbour
from schema.nodes import Body, PowerItem, Region, mode_of


@strawberry.type(description="A power item and which of the merging bodies hold it.")
class PowerOverlap:
    item: PowerItem
    held_by: list[str] = strawberry.field(description="Keys of the merging bodies holding it.")


@strawberry.type(description="A delegation that the merger would re-route to the target.")
class ReroutedDelegation:
    from_body: str
    to: str = strawberry.field(description="Key of the receiver (town, subdistrict or body).")
    item: str | None
    power_list: str | None = strawberry.field(name="list")
    mode: ClaimMode | None


@strawberry.type(description="A body whose superior would change.")
class SuperiorChange:
    body: Body
    old_superior: str
    new_superior: str | None = strawberry.field(
        description="Key of the target; null when the target is new."
    )


@strawberry.type(description="Something that makes the merger doubtful or impossible.")
class Conflict:
    code: ConflictCode
    message: str
    bodies: list[str]


@strawberry.type(description="The consequences of merging bodies into a target.")
class MergerImpact:
    bodies: list[Body]
    target: Body | None = strawberry.field(description="The existing target; null when new.")
    target_name: str
    powers: list[PowerItem] = strawberry.field(description="Union of the powers held.")
    overlaps: list[PowerOverlap] = strawberry.field(
        description="Powers held by more than one of the merging bodies."
    )
    rerouted_delegations: list[ReroutedDelegation]
    superior_changes: list[SuperiorChange]
    regions_touched: list[Region]
    staff_quota_before: list[int | None] = strawberry.field(
        description="Staff quota of each merging body (then the target), null where unknown."
    )
    staff_quota_after: int | None = strawberry.field(
        description="Sum of the known quotas; null when none is known."
    )
    conflicts: list[Conflict]
    recorded_event: str | None = strawberry.field(
        description="Key of the reform event this report was built from, for a past merger."
    )


async def merger_impact(
    loaders: Loaders,
    body_keys: list[str],
    target_key: str | None,
    target_name: str | None,
    recorded_event: str | None = None,
) -> MergerImpact:
    """The impact report of merging ``body_keys`` into an existing or a new target."""
    if not body_keys or len(set(body_keys)) != len(body_keys):
        raise ApiError(ErrorCode.BAD_INPUT, "Give one or more distinct bodies to merge.")
    if (target_key is None) == (target_name is None):
        raise ApiError(ErrorCode.BAD_INPUT, "Give either an existing target or a new name.")
    if target_key in body_keys:
        raise ApiError(ErrorCode.BAD_INPUT, "The target cannot be one of the merging bodies.")
    keys = [*body_keys, *([target_key] if target_key else [])]
    entities = await loaders.entity.load_many(keys)
    for key, entity in zip(keys, entities, strict=True):
        if entity is None or "Body" not in entity.labels:
            raise ApiError(ErrorCode.NOT_FOUND, f"No Body with key {key!r}.", key=key)
    bodies: list[Entity] = [e for e in entities[: len(body_keys)] if e is not None]
    target = entities[-1] if target_key else None

    async def batch(rel: str, direction: Direction, ids: list[str]) -> list[list[Neighbour]]:
        return await loaders.neighbours.load_many([(i, rel, direction) for i in ids])

    held, exercised, delegations, subordinates, superiors, regions = await asyncio.gather(
        batch("HOLDS", "out", body_keys),
        batch("EXERCISES", "out", body_keys),
        batch("DELEGATES", "out", body_keys),
        batch("SUBORDINATE_TO", "in", body_keys),
        batch("SUBORDINATE_TO", "out", keys),
        batch("IN_REGION", "out", keys),
    )

    holders: dict[str, list[str]] = {}
    items: dict[str, Entity] = {}
    for body, owned in zip(body_keys, [*zip(held, exercised, strict=True)], strict=True):
        for neighbour in (*owned[0], *owned[1]):
            items[neighbour.entity.id] = neighbour.entity
            if body not in holders.setdefault(neighbour.entity.id, []):
                holders[neighbour.entity.id].append(body)
    powers = sorted(
        (PowerItem.from_props(e.props) for e in items.values()),
        key=lambda p: (p.seq or 0, p.name),
    )
    overlaps = [
        PowerOverlap(item=PowerItem.from_props(items[k].props), held_by=v)
        for k, v in sorted(holders.items())
        if len(v) > 1
    ]
    rerouted = [
        ReroutedDelegation(
            from_body=body,
            to=d.entity.id,
            item=d.rel.get("item"),
            power_list=d.rel.get("list"),
            mode=mode_of(d.rel.get("mode")),
        )
        for body, outgoing in zip(body_keys, delegations, strict=True)
        for d in sorted(outgoing, key=lambda d: (d.entity.id, str(d.rel.get("id"))))
    ]
    superior_changes = [
        SuperiorChange(
            body=Body.from_props(s.entity.props), old_superior=body, new_superior=target_key
        )
        for body, subs in zip(body_keys, subordinates, strict=True)
        for s in sorted(subs, key=lambda s: s.entity.id)
        if s.entity.id not in keys
    ]
    region_entities = {r.entity.id: r.entity for rs in regions for r in rs}
    quotas: list[int | None] = [e.props.get("staffQuota") for e in bodies]
    if target is not None:
        quotas.append(target.props.get("staffQuota"))
    known = [q for q in quotas if q is not None]

    conflicts: list[Conflict] = []
    if len(region_entities) > 1:
        conflicts.append(
            Conflict(
                code=ConflictCode.DIFFERENT_REGIONS,
                message="The bodies sit in different regions: "
                + ", ".join(r.props["name"] for r in region_entities.values()),
                bodies=keys,
            )
        )
    levels = Counter(r.props.get("level") for r in region_entities.values())
    if len(levels) > 1:
        conflicts.append(
            Conflict(
                code=ConflictCode.DIFFERENT_LEVELS,
                message="The bodies belong to different administrative levels: "
                + ", ".join(sorted(str(level) for level in levels)),
                bodies=keys,
            )
        )
    vertical = [
        e.id for e in (*bodies, *([target] if target else [])) if e.props.get("verticallyManaged")
    ]
    if vertical:
        conflicts.append(
            Conflict(
                code=ConflictCode.VERTICALLY_MANAGED,
                message="Vertically managed units (垂管) are run by a higher level and cannot be "
                "merged by this one.",
                bodies=vertical,
            )
        )
    if target_key is not None:
        target_superiors = {s.entity.id for s in superiors[-1]}
        own = sorted(target_superiors & set(body_keys))
        if own:
            conflicts.append(
                Conflict(
                    code=ConflictCode.OWN_SUPERIOR,
                    message="The target answers to a body it would absorb: it would become its "
                    "own superior.",
                    bodies=[target_key, *own],
                )
            )
    missing = [k for k, q in zip(keys, quotas, strict=True) if q is None]
    if missing:
        conflicts.append(
            Conflict(
                code=ConflictCode.UNKNOWN_STAFF_QUOTA,
                message="No staff quota is recorded for some bodies; totals leave them out.",
                bodies=missing,
            )
        )
    return MergerImpact(
        bodies=[Body.from_props(e.props) for e in bodies],
        target=Body.from_props(target.props) if target else None,
        target_name=target.props["name"] if target else str(target_name),
        powers=powers,
        overlaps=overlaps,
        rerouted_delegations=rerouted,
        superior_changes=superior_changes,
        regions_touched=sorted(
            (Region.from_props(r.props) for r in region_entities.values()),
            key=lambda r: (LEVEL_ORDER[r.level], r.name),
        ),
        staff_quota_before=quotas,
        staff_quota_after=sum(known) if known else None,
        conflicts=conflicts,
        recorded_event=recorded_event,
    )


async def recorded_merger_impact(loaders: Loaders, event_key: str) -> MergerImpact:
    """The impact report of a merger that happened, from its recorded inputs and outputs."""
    event = await loaders.entity.load(event_key)
    if event is None or "ReformEvent" not in event.labels:
        raise ApiError(
            ErrorCode.NOT_FOUND, f"No ReformEvent with key {event_key!r}.", key=event_key
        )
    # by key: engines return neighbours in no set order, and both must give the same report
    inputs = sorted(n.entity.id for n in await loaders.into(event_key, "INPUT_OF"))
    outputs = [n.entity.id for n in await loaders.out(event_key, "RESULTED_IN")]
    if not inputs or len(outputs) != 1:
        raise ApiError(
            ErrorCode.BAD_INPUT,
            f"Event {event_key!r} does not record named inputs and exactly one named output "
            f"({len(inputs)} inputs, {len(outputs)} outputs), so no report can be built.",
        )
    return await merger_impact(loaders, inputs, outputs[0], None, recorded_event=event_key)
