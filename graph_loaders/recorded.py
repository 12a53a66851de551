"""Writes recorded through the API, kept with what they did so that every import replays them.

An import writes each record as its dataset states it: it replaces a body's properties and
re-links its subordinates, holdings and delegations. A merger recorded afterwards through
``applyMerger`` closed bodies and moved those relationships to its target, so re-importing the
dataset would partly undo it. Hence the rule (``docs/operations.md``): the reform event a
recorded write creates carries ``recorded``, a JSON document of its kind and parameters
(:class:`RecordedMerger`), and ``recordedSeq``, the graph write version that recorded it; every
import ends by replaying the recorded writes, in that order, with the very statements that
first applied them (:meth:`RecordedMerger.steps`). They match what they move by id and are
idempotent, so a replay over a graph that already has them changes nothing.

The import reads the recorded writes at the graph's current version and is applied only if no
write came in since (:meth:`graph_store.GraphStore.write_atomically` with ``expected_version``),
so the set it replays is complete.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from graph_store import GraphStore
from graph_store.base import GRAPH_META_ID
from graph_store.search_terms import with_search_grams

Step = tuple[str, dict[str, Any]]


class RecordedMerger(BaseModel):
    """A merger recorded through ``applyMerger``: bodies into a target, on a date.

    ``event`` and ``new_body`` are the properties the event (and the new target, when it was
    created) were written with, without their search grams, which are derived.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal[1] = 1
    kind: Literal["MERGER"] = "MERGER"
    event_key: str
    target_key: str
    bodies: list[str]
    date: str
    region: str | None = None
    event: dict[str, Any]
    new_body: dict[str, Any] | None = None

    def steps(self, seq: int | None = None) -> list[Step]:
        """The statements that apply the merger; all match by id and are idempotent.

        ``seq`` is the write version that first recorded it (a replay keeps it); the first
        time, ``stamp_recorded_event`` gives the event its number.
        """
        event = {**self.event, "recorded": self.model_dump_json()}
        if seq is not None:
            event["recordedSeq"] = seq
        steps: list[Step] = []
        if self.new_body is not None:
            body = with_search_grams(dict(self.new_body))
            steps.append(("upsert_bodies", {"rows": [{"id": self.target_key, "props": body}]}))
        event_row = {"id": self.event_key, "props": with_search_grams(event)}
        steps.append(("upsert_reform_events", {"rows": [event_row]}))
        if self.region:
            located = [self.event_key] + ([self.target_key] if self.new_body is not None else [])
            rows = [{"from": key, "to": self.region, "props": {}} for key in located]
            steps.append(("link_in_region", {"rows": rows}))
        inputs = [{"from": body, "to": self.event_key, "props": {}} for body in self.bodies]
        steps += [
            ("link_input_of", {"rows": inputs}),
            (
                "link_resulted_in",
                {"rows": [{"from": self.event_key, "to": self.target_key, "props": {}}]},
            ),
            *[
                (f"repoint_{kind}", {"sources": self.bodies, "target": self.target_key})
                for kind in ("holds", "exercises", "delegates", "subordinates")
            ],
            ("close_bodies", {"ids": self.bodies, "date": self.date}),
            ("stamp_recorded_event", {"id": self.event_key, "meta": GRAPH_META_ID}),
        ]
        return steps


class UnreplayableRecordError(Exception):
    """A recorded write this version cannot read (a newer format or kind): an import would
    undo it, so it is refused instead."""


async def replay_steps(store: GraphStore) -> list[Step]:
    """The steps that replay every recorded write of the graph, in the order recorded."""
    steps: list[Step] = []
    for row in await store.read("recorded_writes"):
        try:
            record = RecordedMerger.model_validate_json(row["recorded"])
        except ValidationError as exc:
            raise UnreplayableRecordError(
                f"reform event {row['id']!r} was recorded in a form this version cannot "
                f"replay, so an import would undo it; nothing was imported ({exc.errors()[0]})"
            ) from exc
        steps += record.steps(row["seq"])
    return steps
