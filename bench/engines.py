"""The engines a benchmark runs on, each with its raw-client baseline.

``make bench`` always measures the local engine (FalkorDB from the wheel, started here) and
also Neo4j when ``NEO4J_URI`` is set. The benchmarks talk to a :class:`BenchEngine`: it opens
our store on a named graph, configures the service for it, and runs the *raw* baselines with
that engine's own client — the ``falkordb`` client for FalkorDB, the ``neo4j`` driver for
Neo4j — on the same Cypher text from the same registry, so that every figure reads as a ratio
against a baseline from the same run and the same engine.

FalkorDB keeps each graph under its own key, so a benchmark can hold two profiles at once.
A Neo4j (community) server has one database: every "graph" is that database, cleared first.
"""

from __future__ import annotations

import abc
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import neo4j
from falkordb import FalkorDB as SyncFalkorDB
from falkordb.asyncio import FalkorDB

from cypher.registry import CypherRegistry
from graph_store import GraphStore
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine
from graph_store.neo4j_store import BATCH_ROWS, SINGLE_TRANSACTION_ROWS, step_rows
from server.runtime import open_runtime
from server.settings import Settings

#: A statement name and its parameters, as a trace records them or a plan's steps give them.
Call = tuple[str, dict[str, Any]]

#: Plan operators that read every node of a label (or of the graph), every entry of an index
#: (Neo4j's ``NodeIndexScan``, not its seeks; FalkorDB's "Node By Index Scan" is a lookup) or
#: every relationship of a type, per engine.
SCAN_OPERATORS = (
    "All Node Scan",
    "Node By Label Scan",
    "AllNodesScan",
    "NodeByLabelScan",
    "NodeIndexScan",
    "RelationshipTypeScan",
)

#: Plan operators that start from an index: range and unique seeks (Neo4j; FalkorDB's
#: ``Node By Index Scan``) and the full-text procedures.
INDEX_OPERATORS = (
    "IndexSeek",
    "Node By Index Scan",
    "db.index.fulltext.queryNodes",
    "db.idx.fulltext.queryNodes",
)

#: The largest scale of the national profile the benchmarks load into Neo4j: the whole of it
#: since an import too large for one transaction is staged in batches (issue 18, point 2;
#: docs/operations.md). Scale 0.1 (786,746 relationships) was the cap while the import was
#: one transaction, which the whole profile cannot be within a 4 GiB heap.
NEO4J_NATIONAL_SCALE_CAP = 1.0


def scale_on(engine: str, profile: str, scale: float) -> float:
    """``scale``, except the national profile on Neo4j, which is capped
    (:data:`NEO4J_NATIONAL_SCALE_CAP`)."""
    if engine == "neo4j" and profile == "national":
        return min(scale, NEO4J_NATIONAL_SCALE_CAP)
    return scale


#: Long enough for the largest import batch and the league matrix on the full profile.
STATEMENT_TIMEOUT_MS = 1_800_000


def status_kb(pid: int, field: str) -> int:
    """A ``kB`` field (``VmRSS``, ``VmHWM``) of ``/proc/<pid>/status``; 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class BenchEngine(abc.ABC):
    """One engine under benchmark: our store, the service settings and the raw baselines."""

    name: str
    #: Whether several graphs can be loaded side by side (FalkorDB keys; not one Neo4j db).
    holds_several_graphs: bool

    def __init__(self) -> None:
        self.registry = CypherRegistry(self.name)

    def texts(self, calls: Sequence[Call]) -> list[tuple[str, dict[str, Any]]]:
        """The Cypher text of each call, from the same registry our store uses."""
        return [(self.registry.get(name).text, params) for name, params in calls]

    @asynccontextmanager
    async def open_store(
        self, graph: str, query_timeout_ms: int = 120_000
    ) -> AsyncIterator[GraphStore]:
        """Our store on ``graph``, with long timeouts (imports of the full profile), opened
        as the service opens it (server/runtime.py) but left as it is: each benchmark clears
        it and applies the schema itself, when it means to measure that."""
        settings = self.settings(
            graph,
            query_timeout_ms=query_timeout_ms,
            import_timeout_s=STATEMENT_TIMEOUT_MS / 1000,
        )
        async with open_runtime(settings, prepare=False) as runtime:
            yield runtime.store

    @abc.abstractmethod
    def settings(self, graph: str, **overrides: Any) -> Settings:
        """Service settings that point at ``graph`` on this engine and nowhere else (with a
        statement timeout of 120 s unless ``overrides`` say otherwise)."""

    @abc.abstractmethod
    async def clear(self, store: GraphStore) -> None:
        """Remove ``store``'s graph (a FalkorDB key; every node of the Neo4j database)."""

    @abc.abstractmethod
    async def raw_reads(self, graph: str, calls: Sequence[Call], repeats: int) -> list[float]:
        """Seconds to run ``calls`` in order with the raw client, once per repeat (after one
        untimed run, as the HTTP figures come after warm-up requests)."""

    @abc.abstractmethod
    def raw_writes(self, graph: str, steps: Iterable[Call], rows: int | None = None) -> float:
        """Seconds to write ``steps`` with the raw client: same text, same batches. ``steps``
        may be planned as they are taken (the national profile's rows are not held whole):
        only the statements and their commits are timed. ``rows``: how many rows they
        hold, if known (else they are taken whole to count them)."""

    @abc.abstractmethod
    async def explain(self, graph: str, calls: Sequence[Call]) -> dict[str, dict[str, Any]]:
        """The plan of each distinct statement, and whether it scans a whole label."""

    def engine_rss_mb(self) -> float | None:
        """Resident memory of the engine process, when it runs on this machine."""
        return None

    def engine_peak_rss_mb(self) -> float | None:
        """Peak resident memory of the engine process, when it runs on this machine."""
        return None


def _plan_entry(text: str) -> dict[str, Any]:
    return {
        "plan": text,
        "scans_label": any(op in text for op in SCAN_OPERATORS),
        "uses_index": any(op in text for op in INDEX_OPERATORS),
    }


class FalkorDBEngine(BenchEngine):
    """The local engine, started by the benchmark (the configuration ``serve`` uses)."""

    name = "falkordb"
    holds_several_graphs = True

    def __init__(self, engine: LocalEngine) -> None:
        super().__init__()
        self.engine = engine

    def settings(self, graph: str, **overrides: Any) -> Settings:
        return Settings(
            **{
                "falkordb_host": self.engine.host,
                "falkordb_port": self.engine.port,
                "graph_name": graph,
                "dataset_dir": None,
                # NEO4J_URI in the environment must not redirect this service
                "neo4j_uri": None,
                "query_timeout_ms": 120_000,
                **overrides,
            }
        )

    async def clear(self, store: GraphStore) -> None:
        assert isinstance(store, FalkorDBStore)
        await store.execute_command("DEL", store.graph_name)

    async def raw_reads(self, graph: str, calls: Sequence[Call], repeats: int) -> list[float]:
        db = FalkorDB(host=self.engine.host, port=self.engine.port)
        g = db.select_graph(graph)
        texts = self.texts(calls)
        times = []
        try:
            for text, params in texts:  # warm-up: connect, and the engine's plan cache
                await g.ro_query(text, params)
            for _ in range(repeats):
                started = time.perf_counter()
                for text, params in texts:
                    await g.ro_query(text, params)
                times.append(time.perf_counter() - started)
        finally:
            await db.connection.aclose()
        return times

    def raw_writes(self, graph: str, steps: Iterable[Call], rows: int | None = None) -> float:
        db = SyncFalkorDB(
            host=self.engine.host,
            port=self.engine.port,
            socket_timeout=STATEMENT_TIMEOUT_MS / 1000,
        )
        g = db.select_graph(graph)
        elapsed = 0.0
        for name, params in steps:
            text = self.registry.get(name).text
            started = time.perf_counter()
            g.query(text, params, timeout=STATEMENT_TIMEOUT_MS)
            elapsed += time.perf_counter() - started
        db.connection.close()
        return elapsed

    async def explain(self, graph: str, calls: Sequence[Call]) -> dict[str, dict[str, Any]]:
        db = FalkorDB(host=self.engine.host, port=self.engine.port)
        g = db.select_graph(graph)
        plans: dict[str, dict[str, Any]] = {}
        try:
            for name, params in calls:
                if name not in plans:
                    plan = await g.explain(self.registry.get(name).text, params)
                    plans[name] = _plan_entry(str(plan))
        finally:
            await db.connection.aclose()
        return plans

    def _pid(self) -> int:
        assert self.engine.process is not None
        return self.engine.process.pid

    def engine_rss_mb(self) -> float | None:
        return round(status_kb(self._pid(), "VmRSS") / 1024, 1)

    def engine_peak_rss_mb(self) -> float | None:
        return round(status_kb(self._pid(), "VmHWM") / 1024, 1)


def neo4j_plan_text(plan: dict[str, Any] | None) -> str:
    """A Neo4j plan tree as indented operators (``NodeByLabelScan@neo4j`` → the name), each
    with its details and, for a PROFILE, the rows it produced and its database hits."""

    def lines(node: dict[str, Any], depth: int) -> Iterator[str]:
        operator = str(node.get("operatorType", "")).split("@")[0]
        args = node.get("args", {})
        line = "    " * depth + operator
        if args.get("Details"):
            line += f" {args['Details']}"
        if "Rows" in args:
            line += f" (rows {args['Rows']}, db hits {args.get('DbHits', 0)})"
        yield line
        for child in node.get("children", []):
            yield from lines(child, depth + 1)

    return "\n".join(lines(plan, 0)) if plan else ""


#: Nodes or relationships deleted per transaction when the bench clears Neo4j.
CLEAR_ROWS = 20_000


def _take_rows(
    steps: Iterator[tuple[str, dict[str, Any]]], limit: int
) -> list[tuple[str, dict[str, Any]]]:
    """The next steps of ``steps`` up to ``limit`` rows (at least one step)."""
    batch: list[tuple[str, dict[str, Any]]] = []
    rows = 0
    for text, params in steps:
        batch.append((text, params))
        rows += step_rows(params)
        if rows >= limit:
            break
    return batch


class Neo4jEngine(BenchEngine):
    """A Neo4j 5 server at ``NEO4J_URI`` (its database is cleared: use a scratch one)."""

    name = "neo4j"
    holds_several_graphs = False

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        if not settings.neo4j_uri:
            raise ValueError("Neo4jEngine needs NEO4J_URI")
        self.uri = settings.neo4j_uri
        self.user = settings.neo4j_user
        self.password = settings.neo4j_password.get_secret_value()
        self.database = settings.neo4j_database

    def settings(self, graph: str, **overrides: Any) -> Settings:
        return Settings(
            **{
                "neo4j_uri": self.uri,
                "neo4j_user": self.user,
                "neo4j_password": self.password,
                "neo4j_database": self.database,
                "dataset_dir": None,
                "query_timeout_ms": 120_000,
                **overrides,
            }
        )

    async def clear(self, store: GraphStore) -> None:
        # in transactions of CLEAR_ROWS: the national profile is too large to delete in one
        while (await store.write("graph_clear_some", {"limit": CLEAR_ROWS}))[0]["deleted"]:
            pass

    def _driver(self) -> neo4j.AsyncDriver:
        # the notifications our store filters (cypher/COMPAT.md) are filtered here too, so
        # that the baseline does not pay for logging a warning per statement
        return neo4j.AsyncGraphDatabase.driver(
            self.uri,
            auth=(self.user, self.password),
            notifications_disabled_classifications=[
                neo4j.NotificationDisabledClassification.UNRECOGNIZED
            ],
        )

    async def raw_reads(self, graph: str, calls: Sequence[Call], repeats: int) -> list[float]:
        texts = self.texts(calls)
        times = []
        async with self._driver() as driver:
            async with driver.session(database=self.database) as session:
                for text, params in texts:  # warm-up: connect, and the engine's plan cache
                    await (await session.run(text, params)).data()
            for _ in range(repeats):
                started = time.perf_counter()
                async with driver.session(
                    database=self.database, default_access_mode=neo4j.READ_ACCESS
                ) as session:
                    for text, params in texts:
                        await (await session.run(text, params)).data()
                times.append(time.perf_counter() - started)
        return times

    def raw_writes(self, graph: str, steps: Iterable[Call], rows: int | None = None) -> float:
        """The live statements, straight into the graph readers see: one explicit transaction
        as our import of up to ``SINGLE_TRANSACTION_ROWS`` rows is; past that, as many
        transactions of about ``BATCH_ROWS`` rows as our staged import writes, but without
        its staging (and so without its all-or-nothing)."""
        if rows is None:
            steps = list(steps)
            rows = sum(step_rows(params) for _, params in steps)
        per_transaction = rows if rows <= SINGLE_TRANSACTION_ROWS else BATCH_ROWS
        pending = ((self.registry.get(name).text, params) for name, params in steps)
        elapsed = 0.0
        with (
            neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver,
            driver.session(database=self.database) as session,
        ):
            while batch := _take_rows(pending, per_transaction):
                started = time.perf_counter()
                with session.begin_transaction(timeout=STATEMENT_TIMEOUT_MS / 1000) as tx:
                    for text, params in batch:
                        tx.run(text, params).consume()
                    tx.commit()
                elapsed += time.perf_counter() - started
        return elapsed

    async def explain(self, graph: str, calls: Sequence[Call]) -> dict[str, dict[str, Any]]:
        """PROFILE of each distinct statement (run, in a read transaction, with the
        parameters the request gave it): operators with rows and database hits, so the page
        shows where an index is used and that no label is scanned."""
        plans: dict[str, dict[str, Any]] = {}
        async with (
            self._driver() as driver,
            driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session,
        ):
            for name, params in calls:
                if name in plans:
                    continue
                text = "PROFILE " + self.registry.get(name).text
                summary = await (await session.run(text, params)).consume()
                plans[name] = _plan_entry(neo4j_plan_text(summary.profile))
        return plans


def neo4j_settings() -> Settings | None:
    """Settings naming a Neo4j server when ``NEO4J_URI`` is set in the environment, else None."""
    if not os.environ.get("NEO4J_URI") and not os.environ.get("REFORMGRAPH_NEO4J_URI"):
        return None
    settings = Settings()
    return settings if settings.neo4j_uri else None


@contextmanager
def local_engine() -> Iterator[FalkorDBEngine]:
    """A fresh local engine in a temporary folder, stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="reformgraph-bench-") as folder:
        engine = LocalEngine(Path(folder), start_timeout_s=60)
        engine.start()
        try:
            yield FalkorDBEngine(engine)
        finally:
            engine.stop(timeout_s=60)
