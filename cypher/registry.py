"""Load Cypher statements by name, choosing an engine-specific twin only where one exists.

A statement ``name`` lives in ``cypher/name.cypher``. Where the two engines cannot share a
statement, ``name.neo4j.cypher`` and ``name.falkordb.cypher`` hold the twins, each recorded
with its reason in ``cypher/COMPAT.md``. A statement with a file for one engine only (Neo4j's
constraint DDL, which FalkorDB does not have) exists for that engine alone. The first comment
lines of a file (``// …``) say what it returns; they are kept as its description. Among them,
the line ``// :maps`` (an annotation, as sqlc's ``-- name: … :one``) says that the statement's
rows hold only maps, lists and property values (:attr:`Statement.maps_only`).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final

from cypher.compiler import ENGINES, NodeShape, compile_read

CYPHER_DIR: Final = Path(__file__).resolve().parent

#: How many compiled statements are remembered (per process, both engines together). A
#: statement's text depends only on the shape of a selection, which the schema and the query
#: limits bound; past this many, the least recently used is compiled again when next asked.
COMPILED_KEPT: Final = 1024


class UnknownStatementError(KeyError):
    """Raised when code asks for a statement that has no file (a typo, or a missing twin)."""


@dataclass(frozen=True)
class Statement:
    """One named Cypher statement as it will run on one engine."""

    name: str
    text: str
    description: str
    path: Path
    #: Its rows hold only maps, lists and property values (a compiled read's map
    #: projections, a file annotated :data:`MAPS_ONLY`): no node, relationship, path or
    #: temporal value for the store to convert, so the store takes the rows as the driver
    #: gives them (``graph_store/values.py``). The test suite checks every such row
    #: (``GraphStore.check_maps_only``).
    maps_only: bool = False


_COMPILER: Final = CYPHER_DIR / "compiler.py"

#: The header line of a statement whose rows are maps, lists and property values only: those
#: the service reads most (answers of hundreds of maps), which the store then takes as the
#: driver decoded them instead of walking every value for engine types.
MAPS_ONLY: Final = "// :maps"


def _header(text: str) -> tuple[str, bool]:
    """A file's description (its first comment lines) and whether it is annotated
    :data:`MAPS_ONLY`."""
    lines = []
    maps_only = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            break
        if stripped == MAPS_ONLY:
            maps_only = True
            continue
        lines.append(stripped.removeprefix("//").strip())
    return " ".join(lines), maps_only


class CypherRegistry:
    """The statements for one engine, read once from a directory of ``.cypher`` files, and
    the statements the selection compiler generated (``cypher/compiler.py``)."""

    #: Compiled statements by engine and shape, and by engine and name, shared by every
    #: registry of the process: a benchmark's registry finds by name what the service's
    #: compiled, to replay it with a raw client.
    _compiled: ClassVar[OrderedDict[tuple[str, NodeShape], Statement]] = OrderedDict()
    _compiled_names: ClassVar[dict[tuple[str, str], Statement]] = {}

    def __init__(self, engine: str, directory: Path = CYPHER_DIR) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")
        self.engine = engine
        self._statements: dict[str, Statement] = {}
        shared: dict[str, Path] = {}
        twins: dict[str, dict[str, Path]] = {}
        for path in sorted(directory.glob("*.cypher")):
            parts = path.name.removesuffix(".cypher").split(".")
            if len(parts) == 1:
                shared[parts[0]] = path
            elif len(parts) == 2 and parts[1] in ENGINES:
                twins.setdefault(parts[0], {})[parts[1]] = path
            else:
                raise ValueError(f"{path.name}: expected name.cypher or name.<engine>.cypher")
        for name in shared.keys() | twins.keys():
            chosen = twins.get(name, {}).get(engine) or shared.get(name)
            if chosen is None:
                continue  # an engine-only statement (schema DDL), see cypher/COMPAT.md
            text = chosen.read_text(encoding="utf-8").strip()
            description, maps_only = _header(text)
            self._statements[name] = Statement(name, text, description, chosen, maps_only)

    def get(self, name: str) -> Statement:
        """Return the statement called ``name`` for this registry's engine: a file's, or one
        the compiler generated (while it is remembered)."""
        statement = self._statements.get(name) or self._compiled_names.get((self.engine, name))
        if statement is None:
            raise UnknownStatementError(name)
        return statement

    def compiled(self, shape: NodeShape) -> Statement:
        """The read statement for ``shape`` on this registry's engine (compiled once, then
        remembered), named ``compiled_<label>_<digest of its text>``."""
        key = (self.engine, shape)
        statement = self._compiled.get(key)
        if statement is not None:
            self._compiled.move_to_end(key)
            return statement
        text = compile_read(shape, self.engine)
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        name = f"compiled_{shape.label.lower()}_{digest}"
        statement = Statement(
            name, text, "compiled from a GraphQL selection", _COMPILER, maps_only=True
        )
        self._compiled[key] = statement
        self._compiled_names[(self.engine, name)] = statement
        while len(self._compiled) > COMPILED_KEPT:
            (engine, _), old = self._compiled.popitem(last=False)
            self._compiled_names.pop((engine, old.name), None)
        return statement

    def names(self) -> list[str]:
        """All statement names, sorted."""
        return sorted(self._statements)
