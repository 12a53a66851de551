"""Lineage and what-if impact, each one statement: the lineage walk against a reference walk
over the dataset's own records, and the statements each analysis sends.

The lineage statement (``cypher/lineage_of_body.cypher``) walks events in one variable-length
match and keeps each event at the fewest events it is from the body. The reference below
walks the validated records breadth first, as the resolver did before it was one statement:
for every body an event names, in the documented data, a synthetic sample and the answers
fixture (loops, an event known only by counts), each way and at depths 1, 2 and the cap,
both must list the same events at the same depths in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from domain import BodyKind
from graph_loaders.dataset import ReformEvent
from graph_loaders.importer import import_dataset
from graph_loaders.pipeline import dataset_files, load, validate
from graph_loaders.synthetic import generate
from graph_store import GraphStore, trace_statements
from schema.limits import MAX_LINEAGE_DEPTH
from tests.datasets import DATA_DIR, FIXTURES
from tests.test_answers import LINEAGE, ask

pytestmark = pytest.mark.anyio

CORPUS = DATA_DIR / "corpus"
DOCUMENTED = validate(dataset_files(DATA_DIR), CORPUS).dataset
#: A synthetic sample with an event that follows another (seed 3 gives one at this scale).
SYNTHETIC = generate("inner-mongolia", seed=3, scale=0.02)
ANSWERS = validate([FIXTURES / "answers.yaml"], CORPUS).dataset
EVENTS: list[ReformEvent] = [
    *DOCUMENTED.reform_events,
    *SYNTHETIC.reform_events,
    *ANSWERS.reform_events,
]


@pytest.fixture(scope="module")
async def graph(module_store: GraphStore) -> GraphStore:
    await load(module_store, dataset_files(DATA_DIR), CORPUS)
    await import_dataset(module_store, SYNTHETIC)
    await load(module_store, [FIXTURES / "answers.yaml"], CORPUS)
    return module_store


def reference_walk(
    events: Sequence[ReformEvent], body: str, backwards: bool, depth: int
) -> list[tuple[int, str]]:
    """The events around ``body`` within ``depth`` events, breadth first over the records:
    from a body into the events it came out of (``backwards``) or went into, from an event to
    the bodies on its far side and to the events it follows (or that follow it); each event
    at the level it is first met, listed by level, date (undated first) and key."""
    entered: dict[str, list[str]] = {}  # body -> events the walk enters from it
    left_to: dict[str, list[str]] = {}  # event -> bodies the walk leaves it for
    onward: dict[str, list[str]] = {}  # event -> events it leads to without named bodies
    for event in events:
        near, far = (event.outputs, event.inputs) if backwards else (event.inputs, event.outputs)
        for b in near or []:
            entered.setdefault(b, []).append(event.id)
        left_to[event.id] = list(far or [])
        for earlier in event.follows or []:
            src, dst = (event.id, earlier) if backwards else (earlier, event.id)
            onward.setdefault(src, []).append(dst)
    level_of: dict[str, int] = {}
    bodies, new_events, seen_bodies = {body}, set[str](), {body}
    for level in range(1, depth + 1):
        reached = {e for b in bodies for e in entered.get(b, [])}
        reached |= {e for ev in new_events for e in onward.get(ev, [])}
        new_events = reached - level_of.keys()
        level_of |= dict.fromkeys(new_events, level)
        bodies = {b for e in new_events for b in left_to[e]} - seen_bodies
        seen_bodies |= bodies
    dates = {e.id: str(e.date or "") for e in events}
    return sorted(((d, e) for e, d in level_of.items()), key=lambda s: (s[0], dates[s[1]], s[1]))


def _walked(lineage: dict[str, Any], way: str) -> list[tuple[int, str]]:
    return [(step["depth"], step["event"]["key"]) for step in lineage[way]]


async def test_lineage_is_the_breadth_first_walk_of_the_records(graph: GraphStore) -> None:
    bodies = sorted({b for e in EVENTS for b in (*(e.inputs or []), *(e.outputs or []))})
    assert len(bodies) > 30
    assert any(e.follows for e in SYNTHETIC.reform_events)
    walked_far = 0
    for body in bodies:
        for depth in (1, 2, MAX_LINEAGE_DEPTH):
            found = (await ask(graph, LINEAGE, body=body, depth=depth))["lineage"]
            before = reference_walk(EVENTS, body, backwards=True, depth=depth)
            after = reference_walk(EVENTS, body, backwards=False, depth=depth)
            assert (_walked(found, "predecessors"), _walked(found, "successors")) == (
                before,
                after,
            ), (body, depth)
            walked_far += any(d >= 3 for d, _ in before + after)
    assert walked_far  # some walks pass two events or more, through counted bodies or loops


async def test_lineage_is_one_statement(graph: GraphStore) -> None:
    with trace_statements() as trace:
        await ask(graph, LINEAGE, body="a:new", depth=MAX_LINEAGE_DEPTH)
    assert trace.names == ["lineage_of_body"]


IMPACT = """
query($bodies: [String!]!, $target: String) {
  mergerImpact(bodies: $bodies, target: $target, newName: null) {
    bodies { key name } target { key } powers { key name } overlaps { heldBy }
    reroutedDelegations { to mode } superiorChanges { body { key } } regionsTouched { name }
    staffQuotaAfter conflicts { code }
  }
}"""


async def test_merger_impact_is_one_statement(graph: GraphStore) -> None:
    county = next(e.region for e in SYNTHETIC.reform_events)
    departments = [
        b.id
        for b in SYNTHETIC.bodies
        if b.region == county and b.kind == BodyKind.GOVERNMENT_DEPARTMENT
    ]
    with trace_statements() as trace:
        report = (await ask(graph, IMPACT, bodies=departments[:2], target=departments[2]))[
            "mergerImpact"
        ]
    [name] = trace.names
    assert name.startswith("compiled_body_")
    assert [b["key"] for b in report["bodies"]] == departments[:2]
    assert report["target"] == {"key": departments[2]}


def test_the_walk_reaches_as_far_as_the_cap_allows() -> None:
    """The variable-length bound is written into the statement (neither engine takes it as a
    parameter): the cap's events and the bodies between them, so a raised cap fails here."""
    text = (Path(__file__).parent.parent / "cypher" / "lineage_of_body.cypher").read_text()
    bound = f"*1..{2 * MAX_LINEAGE_DEPTH - 1}]"
    assert text.count(bound) == 2
