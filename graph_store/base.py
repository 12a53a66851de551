"""The engine-neutral graph-store interface, with timing and statement tracing built in.

Adapters implement the ``_``-prefixed hooks; callers use :meth:`GraphStore.read`,
:meth:`GraphStore.write` and :meth:`GraphStore.write_atomically`. Every statement is timed into
the Prometheus histogram and appended to the current :class:`StatementTrace`, if any, which is
how tests count Cypher round trips per request (the N+1 check) without touching the engine.

Writes to a graph are serialised across processes (the service, ``reformgraph load``, replicas
on one engine): every write ends by advancing the graph's write version
(``cypher/graph_meta_advance.cypher``), and a write planned against a version (an import, which
replays the recorded events it read at that version) is refused with
:class:`~graph_store.errors.WriteConflictError` if another write came in between, so no
acknowledged write is ever dropped. How each engine serialises: the adapters' docstrings and
``docs/operations.md``. Every call honours the request's deadline (:mod:`graph_store.deadline`).
"""

from __future__ import annotations

import abc
import contextvars
import itertools
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from prometheus_client import Histogram

from cypher.registry import CypherRegistry, Statement
from graph_store.deadline import within_deadline
from graph_store.errors import WriteConflictError
from graph_store.values import plain

Row = dict[str, Any]
Params = Mapping[str, Any]

#: The ``id`` of the graph's one ``GraphMeta`` node (its write version, what it was loaded
#: from), passed to the statements that read or write it as ``$meta``.
GRAPH_META_ID = "graph"

STATEMENT_SECONDS = Histogram(
    "reformgraph_cypher_statement_seconds",
    "Time spent running one named Cypher statement on the graph engine.",
    ["engine", "statement", "mode"],
)


@dataclass(frozen=True)
class GraphMeta:
    """The graph's own record: how many writes it acknowledged (``version``) and the
    ``slot=digest`` entries of the datasets applied at start-up (``loaded_from``)."""

    version: int
    loaded_from: tuple[str, ...]

    def digest_of(self, slot: str) -> str | None:
        """The digest recorded for ``slot`` (``dataset``, ``synthetic``), if any."""
        prefix = f"{slot}="
        return next(
            (entry.removeprefix(prefix) for entry in self.loaded_from if entry.startswith(prefix)),
            None,
        )


@dataclass
class StatementTrace:
    """The statements run while the trace was active, in order, with their parameters (so a
    benchmark can replay exactly the same Cypher through the raw client)."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


_current_trace: contextvars.ContextVar[StatementTrace | None] = contextvars.ContextVar(
    "reformgraph_statement_trace", default=None
)


@contextmanager
def trace_statements() -> Iterator[StatementTrace]:
    """Record every statement run in this context (a request, a test)."""
    trace = StatementTrace()
    token = _current_trace.set(trace)
    try:
        yield trace
    finally:
        _current_trace.reset(token)


def current_trace() -> StatementTrace | None:
    """The active trace, if a caller opened one."""
    return _current_trace.get()


class EngineTypeError(AssertionError):
    """A ``maps_only`` statement gave a value that is not a plain map, list or property value
    (a node, a relationship, a temporal value): its annotation is wrong."""


def _check_plain(statement: Statement, rows: list[Row]) -> None:
    """Raise :class:`EngineTypeError` unless ``rows`` are what :func:`plain` makes of them."""
    if plain(rows) != rows:
        raise EngineTypeError(
            f"{statement.name} is annotated maps-only ({statement.path.name}) but returned "
            "an engine value"
        )


class GraphStore(abc.ABC):
    """A graph engine behind named statements; returns plain dicts, lists and scalars."""

    engine: str
    #: Whether each row of a ``maps_only`` statement (taken as the driver gave it) is checked
    #: for engine types: on in the test suite (``tests/conftest.py``), so that every such
    #: statement is checked on both engines; off in service, where it would cost what the
    #: annotation saves.
    check_maps_only: ClassVar[bool] = False

    def __init__(self, registry: CypherRegistry) -> None:
        if registry.engine != self.engine:
            raise ValueError(f"registry is for {registry.engine}, store is {self.engine}")
        self.registry = registry
        self.schema_applied = False

    async def read(self, name: str, params: Params | None = None) -> list[Row]:
        """Run the named statement in a read transaction and return its rows as dicts."""
        statement = self.registry.get(name)
        values = dict(params or {})
        with self._timed(statement, "read", values):
            async with within_deadline(self.engine):
                rows = await self._read(statement, values)
        if statement.maps_only and self.check_maps_only:
            _check_plain(statement, rows)
        return rows

    async def write(self, name: str, params: Params | None = None) -> list[Row]:
        """Run the named statement in a write transaction and return its rows as dicts; the
        write is serialised with every other write to the graph and advances its version."""
        statement = self.registry.get(name)
        values = dict(params or {})
        with self._timed(statement, "write", values):
            async with within_deadline(self.engine):
                return await self._write(statement, values)

    async def write_atomically(
        self, steps: Iterable[tuple[str, Params]], *, expected_version: int | None = None
    ) -> int:
        """Run several write statements so that either all of them apply or none does, and
        return the graph's write version after them.

        ``steps`` may be a generator: an adapter that can (FalkorDB) takes the next step while
        the engine writes the current one, so an import plans and writes at the same time. If
        taking a step raises, nothing is applied either.

        Without ``expected_version`` the steps apply to the graph as it is when they run (a
        merger: its statements match what they move), waiting a bounded time for other writes
        (:class:`~graph_store.errors.WriteBusyError` past it). With it, the steps were planned
        against that version (:meth:`meta`): if any write was acknowledged since, nothing is
        applied and :class:`~graph_store.errors.WriteConflictError` is raised. An import too
        large for one transaction goes through :meth:`import_atomically` instead.
        """
        started = time.perf_counter()
        async with within_deadline(self.engine):
            version = await self._write_atomically(
                self._resolved(steps, current_trace()), expected_version
            )
        STATEMENT_SECONDS.labels(self.engine, "<atomic>", "write").observe(
            time.perf_counter() - started
        )
        return version

    async def import_atomically(
        self,
        bulk: Iterable[tuple[str, Params]],
        final: Iterable[tuple[str, Params]],
        *,
        expected_version: int,
    ) -> int:
        """Apply an import planned against ``expected_version``: its ``bulk`` steps (a dataset's
        records, millions of rows on the national profile), then its ``final`` steps (the
        replay of recorded writes and the record of what was loaded, a few statements), as
        :meth:`write_atomically` does, so that readers see the graph before the import or
        after it, never a part; returns the graph's write version after it.

        The split lets an adapter write a bulk too large for one transaction apart from the
        graph readers see and make it visible at once (Neo4j's staged generation, see
        :mod:`graph_store.neo4j_store`): every bulk step must then have a staging twin, and
        the final steps run in the transaction that makes it visible. By default the two run
        one after the other in one :meth:`write_atomically`.
        """
        started = time.perf_counter()
        trace = current_trace()
        async with within_deadline(self.engine):
            version = await self._import_atomically(
                self._resolved(bulk, trace), self._resolved(final, trace), expected_version
            )
        STATEMENT_SECONDS.labels(self.engine, "<import>", "write").observe(
            time.perf_counter() - started
        )
        return version

    async def _import_atomically(
        self,
        bulk: Iterator[tuple[Statement, dict[str, Any]]],
        final: Iterator[tuple[Statement, dict[str, Any]]],
        expected_version: int,
    ) -> int:
        return await self._write_atomically(itertools.chain(bulk, final), expected_version)

    async def meta(self) -> GraphMeta:
        """What the graph records about itself: its write version and what it was loaded
        from (``cypher/graph_meta.cypher``)."""
        rows = await self.read("graph_meta", {"meta": GRAPH_META_ID})
        if not rows:  # a FalkorDB graph key that does not exist yet
            return GraphMeta(0, ())
        return GraphMeta(int(rows[0]["version"]), tuple(rows[0]["loadedFrom"]))

    async def clean_up_interrupted_writes(self) -> int:
        """Remove what writes interrupted by a crash or a kill left in the engine; returns how
        many things were removed. Run at start-up. Nothing to do unless an adapter stages."""
        return 0

    def _resolved(
        self, steps: Iterable[tuple[str, Params]], trace: StatementTrace | None
    ) -> Iterator[tuple[Statement, dict[str, Any]]]:
        """Each step's statement, lazily, recorded in ``trace`` (taken from the caller's
        context: an adapter may consume the steps in a worker thread)."""
        for name, params in steps:
            statement, values = self.registry.get(name), dict(params)
            if trace is not None:
                trace.calls.append((name, values))
            yield statement, values

    async def apply_schema(self) -> None:
        """Create the unique constraints and indexes of :mod:`graph_store.schema_spec`."""
        await self._apply_schema()
        self.schema_applied = True

    @contextmanager
    def _timed(self, statement: Statement, mode: str, params: dict[str, Any]) -> Iterator[None]:
        trace = current_trace()
        if trace is not None:
            trace.calls.append((statement.name, params))
        started = time.perf_counter()
        try:
            yield
        finally:
            STATEMENT_SECONDS.labels(self.engine, statement.name, mode).observe(
                time.perf_counter() - started
            )

    @abc.abstractmethod
    async def _read(self, statement: Statement, params: dict[str, Any]) -> list[Row]: ...

    @abc.abstractmethod
    async def _write(self, statement: Statement, params: dict[str, Any]) -> list[Row]: ...

    @abc.abstractmethod
    async def _write_atomically(
        self, steps: Iterator[tuple[Statement, dict[str, Any]]], expected_version: int | None
    ) -> int: ...

    def _advance(self, expected_version: int | None) -> tuple[Statement, dict[str, Any]]:
        """The statement that ends every write: it advances the graph's write version (unless
        ``expected_version`` is given and no longer current)."""
        return self.registry.get("graph_meta_advance"), {
            "meta": GRAPH_META_ID,
            "expected": expected_version,
        }

    @staticmethod
    def _check_advanced(rows: list[Row], expected_version: int | None) -> int:
        """The new version from ``graph_meta_advance``'s row; raises
        :class:`WriteConflictError` if the version had moved past ``expected_version``."""
        [row] = rows
        found = int(row["previous"])
        if expected_version is not None and found != expected_version:
            raise WriteConflictError(
                f"{found - expected_version} write(s) were acknowledged on the graph after this "
                f"write was planned (version {expected_version}, now {found}); nothing was "
                "written",
                expected=expected_version,
                found=found,
            )
        return int(row["version"])

    @abc.abstractmethod
    async def _apply_schema(self) -> None: ...

    @abc.abstractmethod
    async def ping(self) -> None:
        """Return if the engine answers; raise :class:`BackendUnavailableError` otherwise."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release connections."""
