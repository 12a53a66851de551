"""Merger lineage: a body's predecessors and successors through reform events.

A reform event links the bodies that went in (``INPUT_OF``) to those it produced
(``RESULTED_IN``); where the bodies between two events are only counted (海勃湾区's 20 and 7
teams), the later event ``FOLLOWS`` the earlier one. Walking those links backwards gives
predecessors, forwards successors, to any depth up to a cap; a visited set makes cycles in bad
data harmless. Each hop is a batched lookup for the whole frontier: a few statements per hop.
"""

from __future__ import annotations

import strawberry

from schema.errors import ApiError, ErrorCode
from schema.limits import MAX_LINEAGE_DEPTH
from schema.loaders import Direction, Loaders
from schema.nodes import Body, ReformEvent


@strawberry.type(description="A reform event on a body's lineage, `depth` events away.")
class LineageStep:
    depth: int
    event: ReformEvent


@strawberry.type(description="What a body came from and what it became.")
class Lineage:
    body: Body
    predecessors: list[LineageStep] = strawberry.field(
        description="Events that led to the body, nearest first; each event's `inputs` are "
        "the predecessors (and `inputCount` says how many, named or not)."
    )
    successors: list[LineageStep] = strawberry.field(
        description="Events the body went into, nearest first; their `outputs` are the successors."
    )


async def _walk(loaders: Loaders, start: str, backwards: bool, depth: int) -> list[LineageStep]:
    """Events ``depth`` hops around ``start``: through named bodies (an event's inputs and
    outputs) and through ``FOLLOWS`` where the bodies between two events are not named."""
    direction: Direction = "in" if backwards else "out"
    into_event, out_of_event = (
        ("RESULTED_IN", "INPUT_OF") if backwards else ("INPUT_OF", "RESULTED_IN")
    )
    follows_direction: Direction = "out" if backwards else "in"
    steps: list[LineageStep] = []
    seen_events: set[str] = set()
    seen_bodies = {start}
    bodies: list[str] = [start]
    events: list[str] = []
    for level in range(1, depth + 1):
        if not bodies and not events:
            break
        found = await loaders.neighbours.load_many(
            [(b, into_event, direction) for b in bodies]
            + [(e, "FOLLOWS", follows_direction) for e in events]
        )
        unique = {
            n.entity.id: n.entity
            for ns in found
            for n in ns
            if "ReformEvent" in n.entity.labels and n.entity.id not in seen_events
        }
        seen_events |= unique.keys()
        steps += [
            LineageStep(depth=level, event=ReformEvent.from_props(e.props))
            for e in sorted(unique.values(), key=lambda e: (e.props.get("date") or "", e.id))
        ]
        events = sorted(unique)
        # the bodies on the far side of the new events: the next hop's starting points
        body_lists = await loaders.neighbours.load_many(
            [(e, out_of_event, direction) for e in events]
        )
        bodies = sorted(
            {n.entity.id for ns in body_lists for n in ns if "Body" in n.entity.labels}
            - seen_bodies
        )
        seen_bodies |= set(bodies)
    return steps


async def lineage(info: strawberry.Info, body_key: str, depth: int) -> Lineage:
    """The lineage of ``body_key`` up to ``depth`` events each way."""
    if not 1 <= depth <= MAX_LINEAGE_DEPTH:
        raise ApiError(
            ErrorCode.LIMIT_EXCEEDED if depth > MAX_LINEAGE_DEPTH else ErrorCode.BAD_INPUT,
            f"depth must be between 1 and {MAX_LINEAGE_DEPTH}.",
            limit="lineage_depth",
        )
    loaders: Loaders = info.context.loaders
    entity = await loaders.labelled("Body", body_key)
    return Lineage(
        body=Body.from_props(entity.props),
        predecessors=await _walk(loaders, body_key, backwards=True, depth=depth),
        successors=await _walk(loaders, body_key, backwards=False, depth=depth),
    )
