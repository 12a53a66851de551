"""The selection compiler: one read statement for a node and the relationships a request
selects below it, generated from the graph's closed vocabulary.

A :class:`NodeShape` says which label to start from, which properties to return and which
relationships to follow (each a :class:`Hop` to another shape); ``schema/selection.py`` builds
one from a GraphQL selection. :func:`compile_read` turns it into Cypher text. Only three kinds
of text reach a statement:

* the fixed keywords and punctuation written below;
* labels, relationship types and property names, each passed through
  :func:`cypher.vocabulary.checked` (a name not in ``cypher/vocabulary.py`` raises);
* variable and map-key names made here from counters (``n1``, ``r1``, ``v1``, ``c0``).

Values are never written into the text: the statement takes ``$ids`` (the start nodes) and
nothing else. So a request can choose which statement runs, from a set bounded by the schema
and the query limits, but never what any part of it says.

Shape of the Cypher (measured, ``cypher/COMPAT.md``): one ``CALL`` subquery per relationship,
nested as the selection nests, each ``MATCH``-ing its relationship and returning
``collect({...})`` of map projections, which is one row even when nothing matched. FalkorDB
4.16 answers nested pattern comprehensions wrongly (null, no error) and projects a null node
from ``OPTIONAL MATCH`` as a map of nulls, so neither is used; it does not parse Neo4j's
scoped ``CALL (x) { … }``, which Neo4j 5 asks for instead of ``CALL { WITH x … }`` (a
deprecation notification per statement otherwise): the two engines get the two spellings.

Each row is ``id`` (one of ``$ids`` that exists with the label) and ``node``: a map with
``p`` (the projected properties) and, per hop in order, ``c0``, ``c1``, … each a list of maps
``{p: …, r: …, c0: …}`` (``r``: the relationship's projected properties, when asked for).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import Final, Literal

from cypher.vocabulary import (
    NODE_PROPERTIES,
    RELATIONSHIP_PROPERTIES,
    checked,
    node_property,
    relationship_property,
)

Direction = Literal["out", "in"]
#: The engines a statement is written for (the registry's as well).
ENGINES: Final = ("neo4j", "falkordb")


@dataclass(frozen=True)
class Hop:
    """Follow relationships of ``rel_type`` (leaving the node when ``direction`` is "out",
    arriving when "in") to nodes of ``node.label``; return ``rel_props`` of each relationship
    and ``node`` of each node at the other end, one entry per relationship."""

    rel_type: str
    direction: Direction
    node: NodeShape
    rel_props: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeShape:
    """A node of ``label``: the properties to return and the hops to follow from it."""

    label: str
    props: tuple[str, ...]
    hops: tuple[Hop, ...] = field(default=())

    def hop_count(self) -> int:
        """How many hops the shape holds, at every depth (a statement's size grows with it)."""
        return sum(1 + hop.node.hop_count() for hop in self.hops)


def _projection(variable: str, label: str, props: tuple[str, ...]) -> str:
    keys = ", ".join(f".{node_property(label, p)}" for p in props)
    return f"{variable} {{{keys}}}"


def _rel_map(variable: str, rel_type: str, props: tuple[str, ...]) -> str:
    pairs = ", ".join(f"{relationship_property(rel_type, p)}: {variable}.{p}" for p in props)
    return f"{{{pairs}}}"


class _Writer:
    """Writes one statement; fresh variable names from a counter."""

    def __init__(self, engine: str) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}")
        self.engine = engine
        self.numbers = count(1)
        self.lines: list[str] = []

    def node_map(self, variable: str, shape: NodeShape, depth: int) -> str:
        """Write the subqueries of ``shape``'s hops from ``variable``; return the map that
        describes the node (``{p: …, c0: …}``)."""
        entries = [f"p: {_projection(variable, shape.label, shape.props)}"]
        for index, hop in enumerate(shape.hops):
            entries.append(f"c{index}: {self.hop(variable, hop, depth)}")
        return "{" + ", ".join(entries) + "}"

    def hop(self, source: str, hop: Hop, depth: int) -> str:
        """Write the ``CALL`` subquery that collects ``hop`` from ``source``; return the
        variable that holds its list."""
        number = next(self.numbers)
        node, rel, collected = f"n{number}", f"r{number}", f"v{number}"
        label = checked(hop.node.label, NODE_PROPERTIES)
        rel_type = checked(hop.rel_type, RELATIONSHIP_PROPERTIES)
        arrow = f"-[{rel}:{rel_type}]->" if hop.direction == "out" else f"<-[{rel}:{rel_type}]-"
        indent = "  " * depth
        inner = "  " * (depth + 1)
        if self.engine == "neo4j":
            self.lines.append(f"{indent}CALL ({source}) {{")
        else:
            self.lines.append(f"{indent}CALL {{")
            self.lines.append(f"{inner}WITH {source}")
        self.lines.append(f"{inner}MATCH ({source}){arrow}({node}:{label})")
        described = self.node_map(node, hop.node, depth + 1)
        if hop.rel_props:
            described = described[:-1] + f", r: {_rel_map(rel, rel_type, hop.rel_props)}}}"
        self.lines.append(f"{inner}RETURN collect({described}) AS {collected}")
        self.lines.append(f"{indent}}}")
        return collected


def compile_read(shape: NodeShape, engine: str) -> str:
    """The Cypher text that reads ``shape`` from each node whose id is in ``$ids``."""
    writer = _Writer(engine)
    label = checked(shape.label, NODE_PROPERTIES)
    writer.lines += ["UNWIND $ids AS id", f"MATCH (n0:{label} {{id: id}})"]
    described = writer.node_map("n0", shape, 0)
    writer.lines.append(f"RETURN id, {described} AS node")
    return "\n".join(writer.lines)
