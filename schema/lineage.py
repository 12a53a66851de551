"""Merger lineage: a body's predecessors and successors through reform events.

A reform event links the bodies that went in (``INPUT_OF``) to those it produced
(``RESULTED_IN``). Walking those links backwards gives predecessors, forwards successors, to
any depth up to a cap; a visited set makes cycles in bad data harmless. Each step is one
batched neighbour lookup for the whole frontier, so the cost is one statement per hop.
"""

from __future__ import annotations

import strawberry

from schema.errors import ApiError, ErrorCode
from schema.loaders import Loaders
from schema.nodes import Body, ReformEvent

#: Events followed at most in each direction.
MAX_LINEAGE_DEPTH = 10


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
    into_event, out_of_event = (
        ("RESULTED_IN", "INPUT_OF") if backwards else ("INPUT_OF", "RESULTED_IN")
    )
    steps: list[LineageStep] = []
    seen_events: set[str] = set()
    seen_bodies = {start}
    frontier = [start]
    for level in range(1, depth + 1):
        if not frontier:
            break
        # body -> events (one batched lookup for the whole frontier)
        event_lists = await loaders.neighbours.load_many(
            [(b, into_event, "in" if backwards else "out") for b in frontier]
        )
        events = [
            n.entity
            for ns in event_lists
            for n in ns
            if "ReformEvent" in n.entity.labels and n.entity.id not in seen_events
        ]
        unique = {e.id: e for e in events}
        seen_events |= unique.keys()
        steps += [
            LineageStep(depth=level, event=ReformEvent.from_props(e.props))
            for e in sorted(unique.values(), key=lambda e: (e.props.get("date") or "", e.id))
        ]
        # events -> the bodies on their other side
        body_lists = await loaders.neighbours.load_many(
            [(e, out_of_event, "in" if backwards else "out") for e in unique]
        )
        frontier = sorted(
            {n.entity.id for ns in body_lists for n in ns if "Body" in n.entity.labels}
            - seen_bodies
        )
        seen_bodies |= set(frontier)
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
    entity = await loaders.entity.load(body_key)
    if entity is None or "Body" not in entity.labels:
        raise ApiError(ErrorCode.NOT_FOUND, f"No Body with key {body_key!r}.", key=body_key)
    return Lineage(
        body=Body.from_props(entity.props),
        predecessors=await _walk(loaders, body_key, backwards=True, depth=depth),
        successors=await _walk(loaders, body_key, backwards=False, depth=depth),
    )
