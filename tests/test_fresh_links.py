"""Which rows of a batched Neo4j import are CREATEd and which MERGEd, and the grouped shape the
``fresh_link_*`` statements take (``graph_store/fresh_links.py``). Pure functions of the rows;
the statements themselves run on the real server in ``tests/test_neo4j_generations.py``."""

from __future__ import annotations

from typing import Any

from cypher.registry import CypherRegistry
from graph_store.fresh_links import FRESH_KEYS, FreshRows, grouped, relationship_type
from tests.cypher_contracts import parameters


def _row(start: str, end: str, **props: Any) -> dict[str, Any]:
    return {"from": start, "to": end, "props": props}


def test_a_repeated_row_is_merged_after_the_first_is_created_even_in_a_later_step() -> None:
    fresh = FreshRows({"link_claims"})
    first = [_row("t1", "i1", mode="A"), _row("t1", "i2", mode="A"), _row("t1", "i1", mode="B")]
    assert fresh.split("link_claims", first) == (first[:2], [first[2]])
    later = [_row("t2", "i1", mode="A"), _row("t1", "i2", mode="C")]
    assert fresh.split("link_claims", later) == ([later[0]], [later[1]])


def test_a_delegation_is_repeated_only_with_the_same_id() -> None:
    fresh = FreshRows({"link_delegates"})
    rows = [
        {"id": "d1", **_row("b1", "t1")},
        {"id": "d2", **_row("b1", "t1")},  # two delegations between the same ends
        {"id": "d1", **_row("b1", "t1")},
    ]
    assert fresh.split("link_delegates", rows) == (rows[:2], [rows[2]])


def test_types_the_graph_has_and_steps_without_rows_are_merged_as_they_are() -> None:
    fresh = FreshRows({"link_claims"})
    holds = [_row("b1", "i1")]
    assert fresh.split("link_holds", holds) == ([], holds)
    assert fresh.split("unlink_owned", None) == ([], None)
    assert fresh.split("link_in_region", holds) == ([], holds)  # no fresh twin at all


def test_a_section_that_comes_back_after_another_statement_is_merged() -> None:
    """Only the section being written keeps its keys: once another statement ran, a row of
    the earlier section could repeat one whose key was dropped, so it is MERGEd."""
    fresh = FreshRows({"link_claims", "link_holds"})
    claims = [_row("t1", "i1")]
    assert fresh.split("link_claims", claims) == (claims, [])
    holds = [_row("b1", "i1")]
    assert fresh.split("link_holds", holds) == (holds, [])
    again = [_row("t9", "i9")]
    assert fresh.split("link_claims", again) == ([], again)


def test_rows_are_grouped_by_start_node_with_each_end_once() -> None:
    rows = [
        _row("t1", "i1", mode="A"),
        _row("t2", "i1", mode="B"),
        _row("t1", "i2", mode="C"),
    ]
    assert grouped(rows) == (
        ["i1", "i2"],
        [
            {
                "from": "t1",
                "links": [{"to": 0, "props": {"mode": "A"}}, {"to": 1, "props": {"mode": "C"}}],
            },
            {"from": "t2", "links": [{"to": 0, "props": {"mode": "B"}}]},
        ],
    )


def test_each_fresh_twin_creates_the_type_of_its_statement_from_the_grouped_rows() -> None:
    """The statements the adapter runs as ``fresh_<name>``: one per entry of FRESH_KEYS, each
    CREATEs the relationship type the count statement names for it, and reads the grouped
    rows; the count statement has a column for each."""
    registry = CypherRegistry("neo4j")
    counts = registry.get("staging_link_counts").text
    for name in FRESH_KEYS:
        text = registry.get(f"fresh_{name}").text
        kind = relationship_type(name)
        assert f"CREATE (a)-[r:{kind}]->(b)" in text
        assert parameters(text) == {"ends", "groups", "generation"}
        assert f"AS {kind}" in counts
        assert f"MERGE (a)-[r:{kind}" in registry.get(f"staged_{name}").text
    assert set(FRESH_KEYS) == {
        name.removeprefix("fresh_") for name in registry.names() if name.startswith("fresh_")
    }
