"""Neo4j 5 adapter, through the official ``neo4j`` driver.

A read is one auto-commit transaction in a session opened for READ access (``session.run``):
one round trip (``RUN`` and ``PULL`` pipelined), where a managed transaction costs ``BEGIN``,
``RUN``/``PULL`` and ``COMMIT`` (measured in ``docs/performance.md``: 1.8 against 3.8 ms for a
two-node lookup). It is still a read transaction: the server runs it read-only (a write in it
fails with ``Neo.ClientError.Statement.AccessMode``) and a cluster routes it to a reader. The
driver does not retry an auto-commit transaction, so a transient failure (a leader switch, a
lock timeout) is run again once as a managed ``execute_read``, with the driver's retries.
Writes run in ``execute_write``; an atomic batch is one write transaction, so Neo4j's own
rollback gives the all-or-nothing import.

Every write transaction begins with ``graph_meta_lock``, which write-locks the one
``GraphMeta`` node until the commit, and ends with ``graph_meta_advance``, which advances the
graph's version there: Neo4j then runs concurrent writers (the service, ``reformgraph load``,
replicas) one after the other, and a transaction planned against a version (an import) rolls
back with :class:`~graph_store.errors.WriteConflictError` if another write committed first.
The lock is taken first, before the transaction reads anything, in every writer, so writers
always lock in the same order (the version, then data) and none can have matched a record
that another writer's commit replaced while it waited for the record's lock: Neo4j reads
committed data without locks and does not match again after waiting, and a staged import's
promotion (below) replaces every record with its promoted copy.

**An import too large for one transaction** (more than ``single_transaction_rows`` rows: the
national profile's 8 million relationships need far more transaction memory than a 4 GiB heap
has) is written as a **staged generation** (:meth:`Neo4jStore._write_generation`,
``docs/operations.md``): a complete copy of the live graph plus the import, built in batches
of transactions on nodes labelled only ``Staged`` (the ``staged_*`` twins of the import's
statements), which no reader's statement matches — readers match ``Entity``, ``Region``,
``Body``… and follow relationships from such nodes, and no relationship joins a staged node to
a live one. One transaction then *promotes* it: the live nodes become ``Retired`` (no label a
reader matches), the staged ones get their labels, the recorded writes are replayed and the
version advanced; the retired generation is deleted in batches afterwards. Readers see the
graph before or after, never a part; a failure before the promotion leaves the live graph
untouched and its staged nodes are deleted (or, if the process died, by the next import or
start-up: :meth:`Neo4jStore.clean_up_interrupted_writes`).

Each transaction of a batched import ends with ``staging_claim`` on the ``GraphMeta`` node
(its write lock, as above): it goes on only while the version is still the one the import was
planned against and the node still names its generation as the one being staged, so a write
acknowledged meanwhile stops it at its next batch (:class:`WriteConflictError`, planned
again). A process that stages keeps a transaction open whose metadata names its generation
(``staging_alive``, ``SHOW TRANSACTIONS``): another import waits while it is alive and takes
over, deleting its leftovers, once it is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction, AsyncResult, Query, unit_of_work
from neo4j import exceptions as neo4j_errors

from cypher.registry import CypherRegistry, Statement, UnknownStatementError
from graph_store.base import GRAPH_META_ID, GraphStore, Row
from graph_store.deadline import remaining_s, statement_timeout_s
from graph_store.errors import (
    BackendUnavailableError,
    DeadlineExceededError,
    StatementFailedError,
    WriteBusyError,
    WriteConflictError,
)
from graph_store.fresh_links import FRESH_KEYS, FreshRows, grouped, relationship_type
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


#: Rows an import may write in one transaction (its bulk steps' ``rows``/``ids``); a larger one
#: is staged in batches. The national profile at scale 0.1 (0.8 million rows) already failed in
#: one transaction at a 1.4 GiB transaction-memory limit; an upload of a county's list or
#: claims table is a few thousand rows.
SINGLE_TRANSACTION_ROWS = 50_000

#: Rows (or relationships copied or deleted) per transaction of a batched import.
BATCH_ROWS = 20_000

#: The transaction metadata key that names the generation a process is staging.
_STAGING_KEY = "reformgraph_staging"

#: How often an import that waits for another one's staging to end looks again.
_CLAIM_POLL_S = 1.0

Step = tuple[Statement, dict[str, Any]]


def step_rows(params: dict[str, Any]) -> int:
    """The rows a step writes (its ``rows`` or ``ids``), at least one."""
    values = params.get("rows", params.get("ids"))
    return max(1, len(values)) if isinstance(values, list) else 1


def _weighed_chunks(rows: Sequence[Row], limit: int) -> Iterator[list[Row]]:
    """``rows`` in consecutive chunks whose ``degree`` + 1 add up to at most ``limit`` (a row
    heavier than that alone): batches of about the same number of relationships."""
    chunk: list[Row] = []
    weight = 0
    for row in rows:
        heavy = int(row.get("degree") or 0) + 1
        if chunk and weight + heavy > limit:
            yield chunk
            chunk, weight = [], 0
        chunk.append(row)
        weight += heavy
    if chunk:
        yield chunk


@contextlib.contextmanager
def _phase(done: str) -> Iterator[None]:
    """Log how long a phase of a batched import took (``done`` says what it did)."""
    started = time.perf_counter()
    yield
    log.info("batched import: %s in %.1f s", done, time.perf_counter() - started)


class _ClaimLostError(WriteConflictError):
    """Another import claimed the staging between this one's look and its claim, or after."""


class _NotRetriedError(Exception):
    """Raised inside a transaction function to stop the driver retrying a transient error."""

    def __init__(self, error: neo4j_errors.Neo4jError) -> None:
        super().__init__(error.message or str(error))
        self.error = error


class _RetryManagedError(Exception):
    """An auto-commit read failed in a way a managed transaction would retry."""


Work = Callable[[AsyncManagedTransaction], Awaitable[tuple[list[Row], int | None]]]

#: What a write transaction runs after its statements, last (it locks ``GraphMeta``): returns
#: the graph's version, or raises to roll the transaction back.
Finish = Callable[[AsyncManagedTransaction], Awaitable[int | None]]


async def _rows(
    tx: AsyncManagedTransaction, statement: Statement, params: dict[str, Any]
) -> list[Row]:
    return await _plain_rows(await tx.run(statement.text, params), statement)


async def _plain_rows(result: AsyncResult, statement: Statement) -> list[Row]:
    """A result's records as plain rows. The values are taken as the driver decoded them:
    ``Result.data()`` would walk every value once more (ABC checks per value) only to make
    of nodes what :func:`plain` makes of them anyway; and a statement whose rows are maps of
    properties by construction (``maps_only``) is not walked at all."""
    keys = result.keys()
    if statement.maps_only:
        return [dict(zip(keys, record, strict=True)) async for record in result]
    return [
        {key: plain(value) for key, value in zip(keys, record, strict=True)}
        async for record in result
    ]


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
        single_transaction_rows: int = SINGLE_TRANSACTION_ROWS,
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        super().__init__(registry)
        self.database = database
        self.single_transaction_rows = single_transaction_rows
        self.batch_rows = batch_rows
        self._staging_index_ready = False
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

    def _work(self, statements: list[Step], timeout_s: float, finish: Finish | None) -> Work:
        """One transaction function: the statements in order, then ``finish`` (for a write: the
        statement that locks ``GraphMeta`` and checks the version, so that a conflict rolls it
        all back); returns the rows of the last statement and what ``finish`` returned."""

        lock = self.registry.get("graph_meta_lock")

        @unit_of_work(timeout=timeout_s)
        async def work(tx: AsyncManagedTransaction) -> tuple[list[Row], int | None]:
            rows: list[Row] = []
            try:
                if finish is not None:  # a write: the GraphMeta lock first (module docstring)
                    await _rows(tx, lock, {"meta": GRAPH_META_ID})
                for statement, params in statements:
                    rows = await _rows(tx, statement, params)
                version = None if finish is None else await finish(tx)
            except neo4j_errors.TransientError as exc:
                if exc.code == _OUT_OF_TRANSACTION_MEMORY:
                    raise _NotRetriedError(exc) from exc
                raise
            return rows, version

        return work

    def _advancing(self, expected_version: int | None) -> Finish:
        """Finish a write by advancing the graph's version (``graph_meta_advance``)."""

        async def finish(tx: AsyncManagedTransaction) -> int:
            statement, params = self._advance(expected_version)
            return self._check_advanced(await _rows(tx, statement, params), expected_version)

        return finish

    async def _session_run(
        self,
        statements: list[Step],
        access: str,
        timeout_s: float | None = None,
        finish: Finish | None = None,
    ) -> tuple[list[Row], int | None]:
        engine_timeout_s = statement_timeout_s(timeout_s or self.query_timeout_s, TIMEOUT_GRACE_S)
        work = self._work(statements, engine_timeout_s, finish)
        name = statements[0][0].name if len(statements) == 1 else "<atomic>"
        with self._errors(name, access):
            async with self._driver.session(
                database=self.database, default_access_mode=access
            ) as session:
                if access == neo4j.READ_ACCESS:
                    return await session.execute_read(work)
                return await session.execute_write(work)

    @contextlib.contextmanager
    def _errors(self, name: str, access: str) -> Iterator[None]:
        """What a driver error means to the caller (:func:`_statement_error`)."""
        try:
            yield
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
        timeout = statement_timeout_s(self.query_timeout_s, TIMEOUT_GRACE_S)
        try:
            with self._errors(statement.name, neo4j.READ_ACCESS):
                try:
                    async with self._driver.session(
                        database=self.database, default_access_mode=neo4j.READ_ACCESS
                    ) as session:
                        result = await session.run(Query(statement.text, timeout=timeout), params)
                        return await _plain_rows(result, statement)
                except neo4j_errors.TransientError as exc:
                    if exc.code == _OUT_OF_TRANSACTION_MEMORY:
                        raise _NotRetriedError(exc) from exc
                    if "TransactionTimedOut" in (exc.code or ""):
                        raise
                    raise _RetryManagedError from exc
                except neo4j_errors.SessionExpired as exc:
                    raise _RetryManagedError from exc
                except asyncio.CancelledError:
                    # the request's deadline stopped the wait: the transaction's own timeout
                    # (shorter) has passed too, and Neo4j stops it when its monitor looks (every
                    # 2 s). Past its deadline, not an engine that does not answer.
                    left = remaining_s()
                    if left is None or left > 0:
                        raise  # cancelled for another reason: a client gone, a shutdown
                    raise DeadlineExceededError(
                        f"{statement.name}: past the request's deadline; Neo4j stops the "
                        "transaction at its timeout"
                    ) from None
        except _RetryManagedError:
            rows, _ = await self._session_run([(statement, params)], neo4j.READ_ACCESS)
            return rows

    async def _write(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        rows, _ = await self._session_run(
            [(statement, params)], neo4j.WRITE_ACCESS, finish=self._advancing(None)
        )
        return rows

    async def _write_atomically(
        self, steps: Iterator[tuple[Statement, dict[str, Any]]], expected_version: int | None
    ) -> int:
        # Taken whole first: the driver may run a transaction function again on a transient
        # error, and a generator cannot be replayed. One transaction, with the import's
        # longer timeout (or the request's time left).
        _, version = await self._session_run(
            list(steps),
            neo4j.WRITE_ACCESS,
            self.import_timeout_s,
            self._advancing(expected_version),
        )
        assert version is not None
        return version

    # -- imports too large for one transaction: a staged generation ---------------------------

    async def _import_atomically(
        self, bulk: Iterator[Step], final: Iterator[Step], expected_version: int
    ) -> int:
        """One transaction if the bulk has at most ``single_transaction_rows`` rows (taken
        before anything is written), a staged generation otherwise."""
        head: list[Step] = []
        rows = 0
        for step in bulk:
            head.append(step)
            rows += step_rows(step[1])
            if rows > self.single_transaction_rows:
                return await self._write_generation(
                    itertools.chain(head, bulk), final, expected_version
                )
        return await self._write_atomically(itertools.chain(head, final), expected_version)

    async def _write_generation(
        self, steps: Iterator[Step], final: Iterator[Step], expected_version: int
    ) -> int:
        """Stage a new generation of the whole graph (a copy of the live one, then ``steps``
        through their ``staged_*`` twins) in batches of transactions, then promote it with
        ``final`` in one transaction; delete the generation it replaced afterwards."""
        generation = uuid.uuid4().hex
        await self._ensure_staging_index()
        async with self._staging_token(generation):
            await self._claim(generation, expected_version)
            try:
                with _phase("leftovers deleted"):
                    await self._delete_leftovers(keep=generation)
                fresh = await self._fresh_sections()
                with _phase("live graph copied"):
                    await self._copy_live(generation, expected_version)
                with _phase("import staged"):
                    await self._stage(steps, generation, expected_version, FreshRows(fresh))
                with _phase("generation promoted"):
                    version = await self._promote(generation, final, expected_version)
            except BaseException as exc:
                if not isinstance(exc, asyncio.CancelledError):
                    await self._drop_generation(generation)
                raise
        try:
            with _phase("replaced generation deleted"):
                await self._delete_leftovers()
        except Exception as exc:  # promoted already: the next start or import deletes them
            log.warning("the generation an import replaced was not all deleted: %s", exc)
        return version

    async def _internal(
        self, name: str, params: dict[str, Any], access: str = neo4j.WRITE_ACCESS
    ) -> list[Row]:
        """A statement of the staging machinery on its own, with the import's timeout."""
        rows, _ = await self._session_run(
            [(self.registry.get(name), params)], access, self.import_timeout_s
        )
        return rows

    async def _ensure_staging_index(self) -> None:
        """Create the staging index (``Staged(generation, id)``) and wait until it is online."""
        if self._staging_index_ready:
            return
        for name in ("ddl_staging_index", "ddl_staging_index_online"):
            await self._schema_command(self.registry.get(name).text)
        self._staging_index_ready = True

    @contextlib.asynccontextmanager
    async def _staging_token(self, generation: str) -> AsyncIterator[None]:
        """Keep a transaction open whose metadata names ``generation`` for as long as the
        block runs: other processes see the import alive (``staging_alive``) until it ends or
        its process dies."""
        try:
            session = self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            )
            tx = await session.begin_transaction(metadata={_STAGING_KEY: generation})
            statement = self.registry.get("staging_alive")
            await (await tx.run(statement.text)).consume()
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"Neo4j unreachable: {exc}") from exc
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await tx.close()
            with contextlib.suppress(Exception):
                await session.close()

    def _claiming(self, generation: str, expected_version: int, seen: str | None) -> Finish:
        """Finish a staging transaction: ``staging_claim``, which goes on only while the
        version is ``expected_version`` and the claim is still ``seen``."""

        async def finish(tx: AsyncManagedTransaction) -> int:
            params = {
                "meta": GRAPH_META_ID,
                "generation": generation,
                "expected": expected_version,
                "seen": seen,
            }
            [row] = await _rows(tx, self.registry.get("staging_claim"), params)
            found = int(row["version"])
            if found != expected_version:
                raise WriteConflictError(
                    f"{found - expected_version} write(s) were acknowledged on the graph after "
                    f"this import was planned (version {expected_version}, now {found}); "
                    "nothing was imported",
                    expected=expected_version,
                    found=found,
                )
            if row["holder"] != seen:
                raise _ClaimLostError(
                    "another import began staging the graph while this one ran; nothing was "
                    "imported"
                )
            return found

        return finish

    async def _staging_transaction(
        self, statements: list[Step], generation: str, expected_version: int
    ) -> list[Row]:
        """One transaction of the staging, which goes on only while this import still holds
        its claim and no write came in; returns the rows of its last statement."""
        rows, _ = await self._session_run(
            statements,
            neo4j.WRITE_ACCESS,
            self.import_timeout_s,
            self._claiming(generation, expected_version, generation),
        )
        return rows

    async def _claim(self, generation: str, expected_version: int) -> None:
        """Claim the staging for ``generation``, waiting (up to the import's timeout) while
        another live process stages; a dead one's claim is taken over."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.import_timeout_s
        while True:
            [state] = await self._internal(
                "staging_state", {"meta": GRAPH_META_ID}, neo4j.READ_ACCESS
            )
            holder = state["holder"]
            if holder is not None:
                [alive] = await self._internal("staging_alive", {}, neo4j.READ_ACCESS)
                if holder in alive["alive"]:
                    if loop.time() >= until:
                        raise WriteBusyError(
                            "another import has been staging the graph for longer than the "
                            "import timeout; nothing was imported"
                        )
                    await asyncio.sleep(_CLAIM_POLL_S)
                    continue
            try:
                await self._session_run(
                    [],
                    neo4j.WRITE_ACCESS,
                    self.import_timeout_s,
                    self._claiming(generation, expected_version, holder),
                )
                return
            except _ClaimLostError:
                continue

    async def _copy_live(self, generation: str, expected_version: int) -> None:
        """Copy every live node, then every relationship between them, into the generation."""
        nodes = await self._internal("staging_live_nodes", {}, neo4j.READ_ACCESS)
        for start in range(0, len(nodes), self.batch_rows):
            ids = [row["id"] for row in nodes[start : start + self.batch_rows]]
            await self._staging_transaction(
                [(self.registry.get("staging_copy_nodes"), {"ids": ids, "generation": generation})],
                generation,
                expected_version,
            )
        linked = [row for row in nodes if row["degree"]]
        for chunk in _weighed_chunks(linked, self.batch_rows):
            params = {"ids": [row["id"] for row in chunk], "generation": generation}
            [copied] = await self._staging_transaction(
                [(self.registry.get("staging_copy_links"), params)], generation, expected_version
            )
            expected = sum(int(row["degree"]) for row in chunk)
            if int(copied["copied"]) != expected:
                raise StatementFailedError(
                    "staging_copy_links",
                    f"copied {copied['copied']} of {expected} relationships (a relationship "
                    "type it has no branch for?); nothing was imported",
                )

    async def _fresh_sections(self) -> set[str]:
        """The import statements whose relationships may be CREATEd in this generation: those
        of a type the graph has none of (``staging_link_counts``, :mod:`graph_store.fresh_links`).
        Read once the import holds its claim: a write that adds one later advances the version,
        which stops the import at its next batch."""
        [counts] = await self._internal("staging_link_counts", {}, neo4j.READ_ACCESS)
        return {name for name in FRESH_KEYS if counts[relationship_type(name)] == 0}

    def _staged_steps(
        self, statement: Statement, params: dict[str, Any], generation: str, fresh: FreshRows
    ) -> list[Step]:
        """One step of the import as the generation's statements: its ``fresh_`` twin for the
        rows that can only be new, then its ``staged_`` twin for the others."""
        new, repeated = fresh.split(statement.name, params.get("rows"))
        steps: list[Step] = []
        if new:
            ends, groups = grouped(new)
            steps.append(
                (
                    self.registry.get(f"fresh_{statement.name}"),
                    {"ends": ends, "groups": groups, "generation": generation},
                )
            )
        if repeated is None:
            steps.append((self._twin(statement), {**params, "generation": generation}))
        elif repeated:
            steps.append(
                (self._twin(statement), {**params, "rows": repeated, "generation": generation})
            )
        return steps

    def _twin(self, statement: Statement) -> Statement:
        try:
            return self.registry.get(f"staged_{statement.name}")
        except UnknownStatementError as exc:
            raise StatementFailedError(
                statement.name, "has no staging twin (staged_…) to run in a batched import"
            ) from exc

    async def _stage(
        self, steps: Iterator[Step], generation: str, expected_version: int, fresh: FreshRows
    ) -> None:
        """Write ``steps`` through their staging twins, ``batch_rows`` rows per transaction;
        the next batch is taken (planned, when ``steps`` plans as it goes, and split into rows
        to create and rows to merge) in a worker thread while Neo4j writes the current one."""

        def take() -> list[Step]:
            batch: list[Step] = []
            rows = 0
            for statement, params in steps:
                batch += self._staged_steps(statement, params, generation, fresh)
                rows += step_rows(params)
                if rows >= self.batch_rows:
                    break
            return batch

        upcoming = asyncio.ensure_future(asyncio.to_thread(take))
        try:
            while batch := await upcoming:
                upcoming = asyncio.ensure_future(asyncio.to_thread(take))
                await self._staging_transaction(batch, generation, expected_version)
        finally:  # a thread cannot be cancelled: let a batch being taken finish first
            await asyncio.gather(upcoming, return_exceptions=True)

    async def _promote(self, generation: str, final: Iterator[Step], expected_version: int) -> int:
        """One transaction: retire the live nodes, promote the staged ones, run ``final``
        (the replay of recorded writes, the record of what was loaded), give up the claim and
        advance the version."""
        clashes = await self._internal(
            "staging_clashes", {"generation": generation}, neo4j.READ_ACCESS
        )
        if clashes:
            found = ", ".join(f"{row['id']} ({':'.join(row['labels'])})" for row in clashes)
            raise StatementFailedError(
                "staging_clashes",
                f"records of other kinds already have these ids: {found}; nothing was imported",
            )
        statements: list[Step] = [
            (self.registry.get("staging_retire"), {}),
            (self.registry.get("staging_promote"), {"generation": generation}),
            *final,
        ]
        claimed = self._claiming(generation, expected_version, generation)
        advance = self._advancing(expected_version)
        release = self.registry.get("staging_release")

        async def finish(tx: AsyncManagedTransaction) -> int | None:
            await claimed(tx)
            await _rows(tx, release, {"meta": GRAPH_META_ID, "generation": generation})
            return await advance(tx)

        _, version = await self._session_run(
            statements, neo4j.WRITE_ACCESS, self.import_timeout_s, finish
        )
        assert version is not None
        return version

    async def _drop_generation(self, generation: str) -> None:
        """After a failure: give up the claim and delete the generation's staged nodes (what
        cannot be deleted now, the next import or start-up deletes)."""
        try:
            await self._internal(
                "staging_release", {"meta": GRAPH_META_ID, "generation": generation}
            )
            nodes = await self._internal(
                "staging_generation_nodes", {"generation": generation}, neo4j.READ_ACCESS
            )
            await self._delete_nodes(nodes)
        except Exception as exc:
            log.warning("the staged generation of a failed import was not all deleted: %s", exc)

    async def _delete_leftovers(self, keep: str | None = None) -> int:
        """Delete what batched imports left behind: the retired generation and the staged
        generations of imports no longer alive (but ``keep``'s); returns nodes deleted."""
        [alive] = await self._internal("staging_alive", {}, neo4j.READ_ACCESS)
        kept = [*alive["alive"], *([keep] if keep else [])]
        nodes = await self._internal("staging_leftovers", {"keep": kept}, neo4j.READ_ACCESS)
        return await self._delete_nodes(nodes)

    async def _delete_nodes(self, nodes: list[Row]) -> int:
        deleted = 0
        for chunk in _weighed_chunks(nodes, self.batch_rows):
            params = {
                "nodes": [row["node"] for row in chunk],
                "generations": sorted({row["generation"] for row in chunk if row["generation"]}),
            }
            [row] = await self._internal("staging_delete", params)
            deleted += int(row["deleted"])
        return deleted

    async def clean_up_interrupted_writes(self) -> int:
        """Delete what batched imports whose process died left behind (their staged
        generations, a retired generation not yet deleted) and release a dead import's claim;
        a live import's generation is left alone. Run at start-up."""
        [state] = await self._internal("staging_state", {"meta": GRAPH_META_ID}, neo4j.READ_ACCESS)
        [alive] = await self._internal("staging_alive", {}, neo4j.READ_ACCESS)
        holder = state["holder"]
        if holder is not None and holder not in alive["alive"]:
            await self._internal("staging_release", {"meta": GRAPH_META_ID, "generation": holder})
        removed = await self._delete_leftovers()
        if removed:
            log.warning("removed %d nodes left by interrupted imports", removed)
        return removed

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
            # name search's indexes (cypher/COMPAT.md): full-text for a code's grams, text
            # (trigrams) for `searchText CONTAINS`
            + [self.registry.get("ddl_search_index").text]
            + [self.registry.get("ddl_search_text_index").text]
        )
        for text in statements:
            await self._schema_command(text)

    async def _schema_command(self, text: str) -> None:
        """A schema command in a write transaction of its own (DDL cannot share one), with the
        server's notifications off for it: on every start, `IF NOT EXISTS` answers
        ``00NA0 index or constraint already exists`` for each index, 18 lines in the log, and
        a schema command has nothing else to say (it works or fails with an error). Severity
        OFF rather than the SCHEMA classification, which servers before 5.24 do not know."""

        async def work(tx: AsyncManagedTransaction) -> None:
            await (await tx.run(text)).consume()

        try:
            async with self._driver.session(
                database=self.database,
                notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
            ) as session:
                await session.execute_write(work)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"Neo4j unreachable: {exc}") from exc

    async def ping(self) -> None:
        try:
            await asyncio.wait_for(self._driver.verify_connectivity(), timeout=2)
        except (TimeoutError, *_UNAVAILABLE, neo4j_errors.DriverError) as exc:
            raise BackendUnavailableError(f"Neo4j unreachable: {exc}") from exc

    async def close(self) -> None:
        await self._driver.close()
