"""FalkorDB adapter, through FalkorDB's own client (redis protocol, ``GRAPH.QUERY``).

FalkorDB runs each statement atomically but has no multi-statement transactions, so
:meth:`FalkorDBStore._write_atomically` copies the live graph to a staging key, writes there,
and swaps it in with redis ``RENAME``: readers see the old graph or the new one, never a half.
Its Bolt port is not used: it crashed and lost rollbacks when measured (``shared/COMPAT.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

from falkordb.asyncio import FalkorDB
from falkordb.helpers import stringify_param_value
from redis import exceptions as redis_errors
from redis.asyncio import BlockingConnectionPool

from cypher.registry import CypherRegistry, Statement
from graph_store.base import GraphStore, Row
from graph_store.errors import BackendUnavailableError, StatementFailedError
from graph_store.schema_spec import INDEXED_PROPERTIES, UNIQUE_ID_LABELS
from graph_store.values import plain

_UNAVAILABLE = (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError)


def encode(statement: Statement, params: dict[str, Any]) -> str:
    """The statement with its parameters in the ``CYPHER name=value`` header FalkorDB reads,
    encoded exactly as the client's own ``query`` does (its ``stringify_param_value``).

    Done apart from sending so that an import can encode its next batch in a worker thread
    while the engine runs the current one: the client spends about as long turning a
    5,000-row batch into text as the engine spends writing it.
    """
    header = "".join(f"`{name}`={stringify_param_value(value)} " for name, value in params.items())
    return f"CYPHER {header}{statement.text}" if header else statement.text


def _is_missing_graph(exc: redis_errors.ResponseError) -> bool:
    """FalkorDB's answer to a read of a graph key that does not exist yet (an empty graph)."""
    return "empty key" in str(exc).lower()


class FalkorDBStore(GraphStore):
    """A graph held under one redis key of a FalkorDB server."""

    engine = "falkordb"

    def __init__(
        self,
        registry: CypherRegistry,
        host: str,
        port: int,
        graph: str = "reformgraph",
        *,
        query_timeout_ms: int = 10_000,
        connect_timeout_s: float = 2.0,
        import_timeout_ms: int = 600_000,
        max_connections: int = 32,
    ) -> None:
        super().__init__(registry)
        self.graph_name = graph
        self.query_timeout_ms = query_timeout_ms
        self.import_timeout_ms = import_timeout_ms
        self.host, self.port = host, port
        self.max_connections = max_connections
        self._connect_timeout_s = connect_timeout_s
        self._db: Any = None
        self._import_lock = asyncio.Lock()

    async def _database(self) -> Any:
        """The client, created on first use: its constructor probes the server synchronously
        (cluster detection), so it runs in a thread and is retried after an outage."""
        if self._db is None:
            # A blocking pool: past `max_connections` callers wait their turn instead of
            # failing with "Too many connections" under a burst of concurrent statements.
            pool = BlockingConnectionPool(
                host=self.host,
                port=self.port,
                max_connections=self.max_connections,
                timeout=self.query_timeout_ms / 1000,
                socket_connect_timeout=self._connect_timeout_s,
                socket_timeout=self.import_timeout_ms / 1000 + 5,
                decode_responses=True,
            )
            try:
                self._db = await asyncio.to_thread(FalkorDB, connection_pool=pool)
            except _UNAVAILABLE as exc:
                raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc
        return self._db

    async def _live_graph(self) -> Any:
        return (await self._database()).select_graph(self.graph_name)

    async def execute_command(self, *args: Any) -> Any:
        """A raw redis command (used for key management such as ``DEL`` of a test graph)."""
        db = await self._database()
        try:
            return await db.connection.execute_command(*args)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc

    async def _run(
        self,
        graph: Any,
        statement: Statement,
        params: dict[str, Any] | None,
        *,
        read_only: bool,
        timeout_ms: int | None = None,
        text: str | None = None,
    ) -> list[Row]:
        """Run ``statement`` with ``params``, or its already :func:`encode`-d ``text``."""
        timeout = timeout_ms or self.query_timeout_ms
        query = text if text is not None else statement.text
        try:
            if read_only:
                result = await graph.ro_query(query, params, timeout=timeout)
            else:
                result = await graph.query(query, params, timeout=timeout)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc
        except redis_errors.ResponseError as exc:
            if read_only and _is_missing_graph(exc):
                return []
            raise StatementFailedError(statement.name, str(exc)) from exc
        columns = [column[1] for column in result.header]
        return [
            {column: plain(value) for column, value in zip(columns, row, strict=True)}
            for row in result.result_set
        ]

    async def _read(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        return await self._run(await self._live_graph(), statement, params, read_only=True)

    async def _write(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        return await self._run(await self._live_graph(), statement, params, read_only=False)

    async def _write_atomically(self, steps: Iterator[tuple[Statement, dict[str, Any]]]) -> None:
        staging_name = f"{self.graph_name}:staging:{uuid.uuid4().hex}"
        db = await self._database()
        async with self._import_lock:
            try:
                existing = await db.list_graphs()
                staging = db.select_graph(staging_name)
                if self.graph_name in existing:
                    await db.select_graph(self.graph_name).copy(staging_name)
                else:
                    await self._apply_schema_to(staging)
                await self._write_steps(staging, steps)
                await db.connection.execute_command("RENAME", staging_name, self.graph_name)
            except _UNAVAILABLE as exc:
                raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc
            finally:
                await self._drop_if_present(staging_name)

    async def _write_steps(
        self, graph: Any, steps: Iterator[tuple[Statement, dict[str, Any]]]
    ) -> None:
        """Run ``steps`` in order, taking and encoding step n+1 in a worker thread while the
        engine runs step n.

        The engine is another process, so on two cores the Python side of an import (planning
        a batch when ``steps`` is a generator, then encoding it) overlaps with the engine's
        writing instead of taking turns with it; the steps still run one at a time, in order.
        """

        def take() -> tuple[Statement, str] | None:
            step = next(steps, None)
            return None if step is None else (step[0], encode(*step))

        upcoming = asyncio.ensure_future(asyncio.to_thread(take))
        try:
            while (step := await upcoming) is not None:
                upcoming = asyncio.ensure_future(asyncio.to_thread(take))
                statement, text = step
                await self._run(
                    graph,
                    statement,
                    None,
                    read_only=False,
                    timeout_ms=self.import_timeout_ms,
                    text=text,
                )
        finally:  # a thread cannot be cancelled: let a step being taken finish first
            await asyncio.gather(upcoming, return_exceptions=True)

    async def _drop_if_present(self, name: str) -> None:
        # If the server is gone, nothing of the staging graph can be visible anyway.
        with contextlib.suppress(BackendUnavailableError):
            await self.execute_command("DEL", name)

    async def _apply_schema(self) -> None:
        await self._apply_schema_to(await self._live_graph())

    async def _apply_schema_to(self, graph: Any) -> None:
        try:
            try:
                index_rows = (await graph.list_indices()).result_set
                constraints = await graph.list_constraints()
            except redis_errors.ResponseError as exc:
                if not _is_missing_graph(exc):
                    raise
                index_rows, constraints = [], []
            indexed = {(row[0], prop) for row in index_rows for prop in row[1]}
            constrained = {
                (c["label"], tuple(c["properties"])) for c in constraints if c["type"] == "UNIQUE"
            }
            for label in UNIQUE_ID_LABELS:
                if (label, "id") not in indexed:
                    await graph.create_node_range_index(label, "id")
                if (label, ("id",)) not in constrained:
                    await graph.create_node_unique_constraint(label, "id")
            for label, prop in INDEXED_PROPERTIES:
                if (label, prop) not in indexed:
                    await graph.create_node_range_index(label, prop)
            full_text = {
                (row[0], prop)
                for row in index_rows
                for prop, kinds in row[2].items()
                if "FULLTEXT" in kinds
            }
            if ("Entity", "searchGrams") not in full_text:
                statement = self.registry.get("ddl_search_index")  # fixed text, no values
                await graph.query(statement.text)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc

    async def ping(self) -> None:
        try:
            await asyncio.wait_for(self.execute_command("PING"), timeout=2)
        except TimeoutError as exc:
            raise BackendUnavailableError("FalkorDB did not answer PING within 2 s") from exc

    async def close(self) -> None:
        if self._db is not None:
            await self._db.connection.aclose()
            self._db = None
