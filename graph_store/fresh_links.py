"""Which rows of a batched Neo4j import may be CREATEd rather than MERGEd, and their shape.

A batched import (:meth:`graph_store.neo4j_store.Neo4jStore._write_generation`) writes a
staged generation that starts as a copy of the live graph. Its ``staged_link_*`` twins MERGE
each relationship, as the live statements do: a lock and a look for an existing relationship
per row, then ``SET r = row.props`` behind an ``Eager``. For the five relationship sections
of an import (holdings, exercises, delegations, claims, claim summaries: 7.7 of the national
profile's 8.0 million relationships) there is nothing to find when the graph has no
relationship of that type yet (a first load, ``staging_link_counts``) and the row is the
first with its key (the fields the MERGE pattern matches on): such a row's relationship can
only be new. Those rows go through the ``fresh_link_*`` twins, which CREATE it; a repeated
row still goes through the MERGE twin, after it, so the last row wins as in one transaction.

Only the section being written keeps its keys (as hashes: a collision only sends a row the
MERGE way), so memory is that of one section's keys, not of the import; a section that
comes back after another statement was written is MERGEd from then on.
"""

from __future__ import annotations

from typing import Any

from graph_store.base import Row

#: The import statements that have a ``fresh_`` twin, and the fields of a row that identify
#: its relationship (what the MERGE of the statement matches: its two ends, and a
#: delegation's id, since two delegations between the same ends stay apart).
FRESH_KEYS: dict[str, tuple[str, ...]] = {
    "link_holds": ("from", "to"),
    "link_exercises": ("from", "to"),
    "link_delegates": ("from", "to", "id"),
    "link_claims": ("from", "to"),
    "link_claimed_count": ("from", "to"),
}


def relationship_type(statement: str) -> str:
    """The relationship type an import statement writes (``link_claimed_count``:
    ``CLAIMED_COUNT``), as ``staging_link_counts`` names its columns."""
    return statement.removeprefix("link_").upper()


class FreshRows:
    """Splits the rows of each step of one batched import into those to CREATE and those to
    MERGE, given the statements whose relationship type the graph does not have yet."""

    def __init__(self, fresh: set[str]) -> None:
        self._open = {name for name in fresh if name in FRESH_KEYS}
        self._current: str | None = None
        self._seen: set[int] = set()

    def split(self, statement: str, rows: list[Row] | None) -> tuple[list[Row], list[Row] | None]:
        """(rows to CREATE, rows to MERGE) of one step, in the order the import gave them; the
        second is ``rows`` itself when none may be created (``None`` for a step without rows)."""
        if statement != self._current:  # a section ended: never fresh again, keys dropped
            if self._current is not None:
                self._open.discard(self._current)
            self._current, self._seen = statement, set()
        if rows is None or statement not in self._open:
            return [], rows
        fields = FRESH_KEYS[statement]
        new: list[Row] = []
        repeated: list[Row] = []
        for row in rows:
            key = hash(tuple(row.get(field) for field in fields))
            if key in self._seen:
                repeated.append(row)
            else:
                self._seen.add(key)
                new.append(row)
        return new, repeated


def grouped(rows: list[Row]) -> tuple[list[str], list[dict[str, Any]]]:
    """``rows`` of ``{from, to, props}`` as a ``fresh_link_*`` statement takes them: the end
    nodes' ids, each once, and the rows grouped by start node, each end given by its position
    in that list, so the statement looks each node up once rather than twice per row."""
    ends: list[str] = []
    position: dict[str, int] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        end = row["to"]
        at = position.get(end)
        if at is None:
            at = position[end] = len(ends)
            ends.append(end)
        groups.setdefault(row["from"], []).append({"to": at, "props": row["props"]})
    return ends, [{"from": start, "links": links} for start, links in groups.items()]
