"""Neo4j 5 adapter, through the official ``neo4j`` driver and its managed transactions.

Reads run in ``execute_read`` (routed to followers on a cluster, with the driver's retries),
writes in ``execute_write``; an atomic batch is one write transaction, so Neo4j's own rollback
gives the all-or-nothing import.

Every write transaction ends with ``graph_meta_advance``, which write-locks the one
``GraphMeta`` node and advances the graph's version: Neo4j then serialises the commits of
concurrent writers (the service, ``reformgraph load``, replicas) on that node, and a
transaction planned against a version (an import) rolls back with
:class:`~graph_store.errors.WriteConflictError` if another write committed first. The lock is
taken last, after the transaction's data writes, in every writer, so writers always lock in the
same order (data, then the version). Whatever writes Neo4j in batches of transactions later
(generations of a national import) ends the same way: its final transaction passes the version
it started from.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction, unit_of_work
from neo4j import exceptions as neo4j_errors

from cypher.registry import CypherRegistry, Statement
from graph_store.base import GraphStore, Row
from graph_store.deadline import remaining_s, statement_timeout_s
from graph_store.errors import (
    BackendUnavailableError,
    DeadlineExceededError,
    StatementFailedError,
    WriteBusyError,
)
from graph_store.schema_spec import INDEXED_PROPERTIES, UNIQUE_ID_LABELS
from graph_store.values import plain

log = logging.getLogger(__name__)

_UNAVAILABLE = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.AuthError,
    OSError,
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Notifications the statements raise by design, filtered at the server so they do not flood
#: the log with a warning per request: all are classified UNRECOGNIZED — a label or property
#: key not in the graph yet (``01N50``/``01N52``: an empty graph, an optional property such as
#: a claim's ``status``) and a null skipped by an aggregation (``01G11``: ``count`` over an
#: OPTIONAL MATCH). Performance, deprecation and other classes are still reported.
_QUIET = [neo4j.NotificationDisabledClassification.UNRECOGNIZED]

#: A transaction over ``dbms.memory.transaction.total.max``. Neo4j calls it transient, so the
#: driver would re-run the whole transaction with growing pauses (14 minutes for an import
#: seen here); the same transaction can only fail the same way.
_OUT_OF_TRANSACTION_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


class _NotRetriedError(Exception):
    """Raised inside a transaction function to stop the driver retrying a transient error."""

    def __init__(self, error: neo4j_errors.Neo4jError) -> None:
        super().__init__(error.message or str(error))
        self.error = error


Work = Callable[[AsyncManagedTransaction], Awaitable[tuple[list[Row], int | None]]]


def ddl(statement: Statement, **identifiers: str) -> str:
    """Fill the label/property slots of a DDL template, which Cypher cannot parameterise.

    Only identifiers from :mod:`graph_store.schema_spec` reach here; they are still checked
    against a strict pattern so that no other text can ever be spliced into a statement.
    """
    for value in identifiers.values():
        if not _IDENTIFIER.match(value):
            raise ValueError(f"not a Cypher identifier: {value!r}")
    return statement.text.format(**identifiers)


def _statement_error(name: str, exc: neo4j_errors.Neo4jError, access: str) -> Exception:
    """What a Neo4j error means to the caller: past its time (the transaction's timeout,
    which is the request's time left), a write still held off by another writer's locks after
    the driver's retries, or a failed statement."""
    code = exc.code or ""
    message = exc.message or str(exc)
    # a transaction past its timeout while it waits for a lock (another writer's) is stopped
    # with LockClientStopped rather than TransactionTimedOut. A request's write (a merger held
    # off by a load) is BUSY, as on FalkorDB; outside a request (a load) it is the import's
    # timeout, which the load's message names
    lock_wait = "LockClientStopped" in code
    in_request = remaining_s() is not None
    if lock_wait and in_request and access == neo4j.WRITE_ACCESS:
        return WriteBusyError(f"{name}: another write held the graph past the deadline")
    if "TransactionTimedOut" in code or lock_wait:
        return DeadlineExceededError(f"{name}: Neo4j stopped the transaction at its timeout")
    transient = isinstance(exc, neo4j_errors.TransientError) and "Transaction" in code
    if transient and access == neo4j.WRITE_ACCESS:
        return WriteBusyError(f"{name}: another write held the graph ({code})")
    return StatementFailedError(name, message)


#: How much sooner than the request's deadline a transaction's own timeout ends. Neo4j looks
#: for transactions past their timeout every ``db.transaction.monitor.check.interval`` (2 s by
#: default), so a transaction waiting on another writer's lock was stopped up to 2 s late (and
#: later on a busy machine): the red team's merger during a load answered BACKEND_UNAVAILABLE
#: at the deadline instead of Neo4j's own refusal before it.
TIMEOUT_GRACE_S = 3.0


class Neo4jStore(GraphStore):
    """A Neo4j database reached through a ``neo4j://`` or ``bolt://`` URI."""

    engine = "neo4j"

    def __init__(
        self,
        registry: CypherRegistry,
        uri: str,
        user: str,
        password: str,
        database: str | None = None,
        *,
        query_timeout_ms: int = 10_000,
        connect_timeout_s: float = 2.0,
        import_timeout_ms: int = 600_000,
    ) -> None:
        super().__init__(registry)
        self.database = database
        self.query_timeout_s = query_timeout_ms / 1000
        self.import_timeout_s = import_timeout_ms / 1000
        self._driver = AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connect_timeout_s,
            connection_acquisition_timeout=connect_timeout_s + self.query_timeout_s,
            max_transaction_retry_time=self.query_timeout_s,
            notifications_disabled_classifications=_QUIET,
        )

    async def connect(self, attempts: int = 30, delay_s: float = 2.0) -> None:
        """Wait for Neo4j to answer, retrying a bounded number of times, then fail clearly."""
        last: Exception | None = None
        for attempt in range(1, attempts + 1):
            try:
                await self._driver.verify_connectivity()
                return
            except _UNAVAILABLE as exc:
                last = exc
                # one line each: the driver's message spans several
                reason = " ".join(str(exc).split())
                log.info("Neo4j not ready (attempt %d/%d): %s", attempt, attempts, reason)
                await asyncio.sleep(delay_s)
        raise BackendUnavailableError(
            f"Neo4j did not answer after {attempts} attempts: {last}"
        ) from last

    def _work(
        self,
        statements: list[tuple[Statement, dict[str, Any]]],
        timeout_s: float,
        advance: tuple[int | None] | None,
    ) -> Work:
        """One transaction function: the statements in order; returns the rows of the last
        and, for a write (``advance`` holds the expected version, or None), the version it
        advanced the graph to, checked at the end so that a conflict rolls it all back."""

        @unit_of_work(timeout=timeout_s)
        async def work(tx: AsyncManagedTransaction) -> tuple[list[Row], int | None]:
            rows: list[Row] = []
            try:
                for statement, params in statements:
                    result = await tx.run(statement.text, params)
                    rows = [plain(record) for record in await result.data()]
                if advance is None:
                    return rows, None
                statement, params = self._advance(advance[0])
                result = await tx.run(statement.text, params)
                advanced = [plain(record) for record in await result.data()]
            except neo4j_errors.TransientError as exc:
                if exc.code == _OUT_OF_TRANSACTION_MEMORY:
                    raise _NotRetriedError(exc) from exc
                raise
            return rows, self._check_advanced(advanced, advance[0])

        return work

    async def _session_run(
        self,
        statements: list[tuple[Statement, dict[str, Any]]],
        access: str,
        timeout_s: float | None = None,
        advance: tuple[int | None] | None = None,
    ) -> tuple[list[Row], int | None]:
        engine_timeout_s = statement_timeout_s(timeout_s or self.query_timeout_s, TIMEOUT_GRACE_S)
        work = self._work(statements, engine_timeout_s, advance)
        name = statements[0][0].name if len(statements) == 1 else "<atomic>"
        try:
            async with self._driver.session(
                database=self.database, default_access_mode=access
            ) as session:
                if access == neo4j.READ_ACCESS:
                    return await session.execute_read(work)
                return await session.execute_write(work)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"Neo4j unreachable: {exc}") from exc
        except _NotRetriedError as exc:
            raise StatementFailedError(
                name, f"{exc} (the transaction needs more memory than the server allows)"
            ) from exc.error
        except neo4j_errors.Neo4jError as exc:
            raise _statement_error(name, exc, access) from exc
        except neo4j_errors.DriverError as exc:
            raise BackendUnavailableError(f"Neo4j driver error: {exc}") from exc

    async def _read(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        rows, _ = await self._session_run([(statement, params)], neo4j.READ_ACCESS)
        return rows

    async def _write(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        rows, _ = await self._session_run(
            [(statement, params)], neo4j.WRITE_ACCESS, advance=(None,)
        )
        return rows

    async def _write_atomically(
        self, steps: Iterator[tuple[Statement, dict[str, Any]]], expected_version: int | None
    ) -> int:
        # Taken whole first: the driver may run a transaction function again on a transient
        # error, and a generator cannot be replayed. One transaction, with the import's
        # longer timeout (or the request's time left).
        _, version = await self._session_run(
            list(steps), neo4j.WRITE_ACCESS, self.import_timeout_s, advance=(expected_version,)
        )
        assert version is not None
        return version

    async def _apply_schema(self) -> None:
        unique = self.registry.get("ddl_unique_id")
        index = self.registry.get("ddl_index")
        statements = (
            [
                ddl(unique, name=f"{label.lower()}_id_unique", label=label, property="id")
                for label in UNIQUE_ID_LABELS
            ]
            + [
                ddl(index, name=f"{label.lower()}_{prop}_index", label=label, property=prop)
                for label, prop in INDEXED_PROPERTIES
            ]
            + [self.registry.get("ddl_search_index").text]
        )
        for text in statements:  # DDL cannot share a transaction with other statements
            try:
                await self._driver.execute_query(text, database_=self.database)
            except _UNAVAILABLE as exc:
                raise BackendUnavailableError(f"Neo4j unreachable: {exc}") from exc

    async def ping(self) -> None:
        try:
            await asyncio.wait_for(self._driver.verify_connectivity(), timeout=2)
        except (TimeoutError, *_UNAVAILABLE, neo4j_errors.DriverError) as exc:
            raise BackendUnavailableError(f"Neo4j unreachable: {exc}") from exc

    async def close(self) -> None:
        await self._driver.close()
