"""Merger lineage: a body's predecessors and successors through reform events.

A reform event links the bodies that went in (``INPUT_OF``) to those it produced
(``RESULTED_IN``); where the bodies between two events are only counted (海勃湾区's 20 and 7
teams), the later event ``FOLLOWS`` the earlier one. Walking those links backwards gives
predecessors, forwards successors, each event at the fewest events it is away, up to a cap.
The walk is one statement, ``cypher/lineage_of_body.cypher``, for both directions.
"""

from __future__ import annotations

from typing import Any

import strawberry

from schema.errors import ApiError, ErrorCode
from schema.limits import MAX_LINEAGE_DEPTH
from schema.loaders import not_found
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


def _steps(found: list[list[Any]]) -> list[LineageStep]:
    """The statement's ``[depth, properties]`` pairs as steps: nearest first, then by date
    and key (the engines return them in no set order)."""
    ordered = sorted(found, key=lambda step: (step[0], step[1].get("date") or "", step[1]["id"]))
    return [
        LineageStep(depth=depth, event=ReformEvent.from_props(props)) for depth, props in ordered
    ]


async def lineage(info: strawberry.Info, body_key: str, depth: int) -> Lineage:
    """The lineage of ``body_key`` up to ``depth`` events each way."""
    if not 1 <= depth <= MAX_LINEAGE_DEPTH:
        raise ApiError(
            ErrorCode.LIMIT_EXCEEDED if depth > MAX_LINEAGE_DEPTH else ErrorCode.BAD_INPUT,
            f"depth must be between 1 and {MAX_LINEAGE_DEPTH}.",
            limit="lineage_depth",
        )
    rows = await info.context.store.read("lineage_of_body", {"body": body_key, "depth": depth})
    if not rows:
        raise not_found("Body", body_key)
    [row] = rows
    return Lineage(
        body=Body.from_props(row["body"]),
        predecessors=_steps(row["predecessors"]),
        successors=_steps(row["successors"]),
    )
