"""What-if merger impact: what would change if bodies A, B, … merged into a target.

Read-only: it reads the bodies' powers, delegations, subordinates, regions and staff quotas
in one compiled statement and reports the consequences; nothing is written. The same report
serves a merger that already happened, built from a recorded event's inputs and outputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import strawberry

from cypher.compiler import Hop, NodeShape
from domain import LEVEL_ORDER, ClaimMode, ConflictCode
from schema.context import GraphContext
from schema.errors import ApiError, ErrorCode
from schema.loaders import Entity, Neighbour, checked
from schema.nodes import Body, PowerItem, Region, mode_of
from schema.selection import Plan, whole_props


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


@dataclass(frozen=True)
class _Merger:
    """What a merger report is built from: the bodies (then the target, if it exists) as
    loaded, and their neighbours, one list per body in the same order."""

    body_keys: list[str]
    target_key: str | None
    entities: list[Entity]  # the merging bodies, then the existing target
    held: list[list[Neighbour]]  # per merging body
    exercised: list[list[Neighbour]]
    delegations: list[list[Neighbour]]
    subordinates: list[list[Neighbour]]
    superiors: list[list[Neighbour]]  # per body of `keys`
    regions: list[list[Neighbour]]  # per body of `keys`

    @property
    def keys(self) -> list[str]:
        """The merging bodies' keys, then the existing target's."""
        return [*self.body_keys, *([self.target_key] if self.target_key else [])]

    @property
    def bodies(self) -> list[Entity]:
        return self.entities[: len(self.body_keys)]

    @property
    def target(self) -> Entity | None:
        return self.entities[-1] if self.target_key else None

    @property
    def region_entities(self) -> dict[str, Entity]:
        """The regions the bodies and the target sit in, by key, in the order met."""
        return {r.entity.id: r.entity for rs in self.regions for r in rs}

    @property
    def quotas(self) -> list[int | None]:
        """The staff quota of each body of :attr:`keys`, None where unknown."""
        return [e.props.get("staffQuota") for e in self.entities]


def _check_request(body_keys: list[str], target_key: str | None, target_name: str | None) -> None:
    """BAD_INPUT unless the bodies are distinct and there is one target, not among them."""
    if not body_keys or len(set(body_keys)) != len(body_keys):
        raise ApiError(ErrorCode.BAD_INPUT, "Give one or more distinct bodies to merge.")
    if (target_key is None) == (target_name is None):
        raise ApiError(ErrorCode.BAD_INPUT, "Give either an existing target or a new name.")
    if target_key in body_keys:
        raise ApiError(ErrorCode.BAD_INPUT, "The target cannot be one of the merging bodies.")


def _merger_plan() -> Plan:
    """The compiled read of the merging bodies and the target: each body's properties and
    its neighbours, one hop per :class:`_Merger` list (the target's held, exercised,
    delegated and subordinates come back too, and are not used)."""
    bodies = NodeShape("Body", whole_props("Body"))
    items = NodeShape("PowerItem", whole_props("PowerItem"))
    hops = (
        ("held", Hop("HOLDS", "out", items)),
        ("exercised", Hop("EXERCISES", "out", items)),
        (
            "delegations",
            Hop("DELEGATES", "out", NodeShape("Entity", ("id",)), ("id", "item", "list", "mode")),
        ),
        ("subordinates", Hop("SUBORDINATE_TO", "in", bodies)),
        ("superiors", Hop("SUBORDINATE_TO", "out", bodies)),
        ("regions", Hop("IN_REGION", "out", NodeShape("Region", whole_props("Region")))),
    )
    return Plan(
        NodeShape("Body", bodies.props, tuple(hop for _, hop in hops)),
        tuple((name, name, Plan(hop.node, ())) for name, hop in hops),
    )


#: What a merger report reads, in one statement for every body (``cypher/compiler.py``).
MERGER_PLAN: Final = _merger_plan()


async def _read_merger(
    context: GraphContext, body_keys: list[str], target_key: str | None
) -> _Merger:
    """The bodies and the target (NOT_FOUND for the first that is not a Body), and their
    neighbours, read in one statement: the compiled read of :data:`MERGER_PLAN`."""
    keys = [*body_keys, *([target_key] if target_key else [])]
    loaded = await context.selections.load_many(MERGER_PLAN, keys)
    entities = [checked(entity, "Body", key) for key, entity in zip(keys, loaded, strict=True)]

    def hop(name: str, of: list[Entity]) -> list[list[Neighbour]]:
        return [entity.linked[name].neighbours if entity.linked else [] for entity in of]

    bodies = entities[: len(body_keys)]
    return _Merger(
        body_keys,
        target_key,
        entities,
        held=hop("held", bodies),
        exercised=hop("exercised", bodies),
        delegations=hop("delegations", bodies),
        subordinates=hop("subordinates", bodies),
        superiors=hop("superiors", entities),
        regions=hop("regions", entities),
    )


def _powers(merger: _Merger) -> tuple[list[PowerItem], list[PowerOverlap]]:
    """The union of the powers the bodies hold or exercise, and those held by several."""
    holders: dict[str, list[str]] = {}
    items: dict[str, Entity] = {}
    owned_by_body = zip(merger.held, merger.exercised, strict=True)
    for body, (held, exercised) in zip(merger.body_keys, owned_by_body, strict=True):
        for neighbour in (*held, *exercised):
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
    return powers, overlaps


def _rerouted(merger: _Merger) -> list[ReroutedDelegation]:
    """The bodies' delegations, which the target would send from now on."""
    return [
        ReroutedDelegation(
            from_body=body,
            to=d.entity.id,
            item=d.rel.get("item"),
            power_list=d.rel.get("list"),
            mode=mode_of(d.rel.get("mode")),
        )
        for body, outgoing in zip(merger.body_keys, merger.delegations, strict=True)
        for d in sorted(outgoing, key=lambda d: (d.entity.id, str(d.rel.get("id"))))
    ]


def _superior_changes(merger: _Merger) -> list[SuperiorChange]:
    """The bodies that answer to a merging body, and would answer to the target instead."""
    keys = merger.keys
    return [
        SuperiorChange(
            body=Body.from_props(s.entity.props),
            old_superior=body,
            new_superior=merger.target_key,
        )
        for body, subs in zip(merger.body_keys, merger.subordinates, strict=True)
        for s in sorted(subs, key=lambda s: s.entity.id)
        if s.entity.id not in keys
    ]


# The conflict rules, each a function of the merger: a Conflict when it applies, else None.


def _different_regions(merger: _Merger) -> Conflict | None:
    regions = merger.region_entities
    if len(regions) <= 1:
        return None
    return Conflict(
        code=ConflictCode.DIFFERENT_REGIONS,
        message="The bodies sit in different regions: "
        + ", ".join(r.props["name"] for r in regions.values()),
        bodies=merger.keys,
    )


def _different_levels(merger: _Merger) -> Conflict | None:
    levels = Counter(r.props.get("level") for r in merger.region_entities.values())
    if len(levels) <= 1:
        return None
    return Conflict(
        code=ConflictCode.DIFFERENT_LEVELS,
        message="The bodies belong to different administrative levels: "
        + ", ".join(sorted(str(level) for level in levels)),
        bodies=merger.keys,
    )


def _vertically_managed(merger: _Merger) -> Conflict | None:
    vertical = [e.id for e in merger.entities if e.props.get("verticallyManaged")]
    if not vertical:
        return None
    return Conflict(
        code=ConflictCode.VERTICALLY_MANAGED,
        message="Vertically managed units (垂管) are run by a higher level and cannot be "
        "merged by this one.",
        bodies=vertical,
    )


def _own_superior(merger: _Merger) -> Conflict | None:
    if merger.target_key is None:
        return None
    target_superiors = {s.entity.id for s in merger.superiors[-1]}
    own = sorted(target_superiors & set(merger.body_keys))
    if not own:
        return None
    return Conflict(
        code=ConflictCode.OWN_SUPERIOR,
        message="The target answers to a body it would absorb: it would become its own superior.",
        bodies=[merger.target_key, *own],
    )


def _unknown_staff_quota(merger: _Merger) -> Conflict | None:
    missing = [k for k, q in zip(merger.keys, merger.quotas, strict=True) if q is None]
    if not missing:
        return None
    return Conflict(
        code=ConflictCode.UNKNOWN_STAFF_QUOTA,
        message="No staff quota is recorded for some bodies; totals leave them out.",
        bodies=missing,
    )


#: The conflict rules, in the order a report lists their conflicts.
CONFLICT_RULES: tuple[Callable[[_Merger], Conflict | None], ...] = (
    _different_regions,
    _different_levels,
    _vertically_managed,
    _own_superior,
    _unknown_staff_quota,
)


async def merger_impact(
    context: GraphContext,
    body_keys: list[str],
    target_key: str | None,
    target_name: str | None,
    recorded_event: str | None = None,
) -> MergerImpact:
    """The impact report of merging ``body_keys`` into an existing or a new target."""
    _check_request(body_keys, target_key, target_name)
    merger = await _read_merger(context, body_keys, target_key)
    powers, overlaps = _powers(merger)
    target = merger.target
    quotas = merger.quotas
    known = [q for q in quotas if q is not None]
    return MergerImpact(
        bodies=[Body.from_props(e.props) for e in merger.bodies],
        target=Body.from_props(target.props) if target else None,
        target_name=target.props["name"] if target else str(target_name),
        powers=powers,
        overlaps=overlaps,
        rerouted_delegations=_rerouted(merger),
        superior_changes=_superior_changes(merger),
        regions_touched=sorted(
            (Region.from_props(r.props) for r in merger.region_entities.values()),
            key=lambda r: (LEVEL_ORDER[r.level], r.name),
        ),
        staff_quota_before=quotas,
        staff_quota_after=sum(known) if known else None,
        conflicts=[c for rule in CONFLICT_RULES if (c := rule(merger)) is not None],
        recorded_event=recorded_event,
    )


async def recorded_merger_impact(context: GraphContext, event_key: str) -> MergerImpact:
    """The impact report of a merger that happened, from its recorded inputs and outputs."""
    loaders = context.loaders
    await loaders.labelled("ReformEvent", event_key)
    # by key: engines return neighbours in no set order, and both must give the same report
    inputs = sorted(n.entity.id for n in await loaders.into(event_key, "INPUT_OF"))
    outputs = [n.entity.id for n in await loaders.out(event_key, "RESULTED_IN")]
    if not inputs or len(outputs) != 1:
        raise ApiError(
            ErrorCode.BAD_INPUT,
            f"Event {event_key!r} does not record named inputs and exactly one named output "
            f"({len(inputs)} inputs, {len(outputs)} outputs), so no report can be built.",
        )
    return await merger_impact(context, inputs, outputs[0], None, recorded_event=event_key)
