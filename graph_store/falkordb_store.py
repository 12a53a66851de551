"""FalkorDB adapter, through FalkorDB's own client (redis protocol, ``GRAPH.QUERY``).

FalkorDB runs each statement atomically but has no multi-statement transactions, so
:meth:`FalkorDBStore._write_atomically` copies the live graph to a staging key, writes there,
and swaps it in with redis ``RENAME``: readers see the old graph or the new one, never a half.
Its Bolt port is not used: it crashed and lost rollbacks when measured (``shared/COMPAT.md``).

**Writes are serialised across processes, engine-wide,** by one lock key in the engine,
:data:`WRITE_LOCK` (redis-py's :class:`~redis.asyncio.lock.Lock`: ``SET NX PX`` with a random
token, renewed while held, released by a check-and-delete script), and every write advances the
graph's version on its ``GraphMeta`` node (``cypher/graph_meta_advance.cypher``). Every write
statement, schema change and ``GRAPH.COPY`` on the engine runs under it, whatever the graph:
FalkorDB 4.16.3 deadlocks for good when a ``GRAPH.COPY`` runs while any graph of the server is
being written (its copy thread waits for the module lock it holds itself; reproduced within a
dozen copies, ``cypher/COMPAT.md``), so no write may overlap a copy, and a staged write writes
its copy while holding the lock too:

* a single statement (:meth:`write`) and a merger hold the lock from before the copy to after
  the swap, waiting at most ``lock_wait_s`` for it (then :class:`WriteBusyError`): they start
  from, and keep, every write before them;
* an import (planned against a version) holds it from the copy to the swap as well — minutes
  on the national profile, during which mergers answer ``BUSY`` — and checks, once it holds
  it, that the version is still the one it planned against; if a write came in between, it
  raises :class:`WriteConflictError` and its caller plans again.

**No copy while the engine has a child process.** ``GRAPH.COPY`` forks; when redis already has
a child (an append-only-file rewrite, a ``BGSAVE``) the fork fails ("Can't fork for module: File
exists") and FalkorDB 4.16.3 hangs for good (``cypher/COMPAT.md``; reproduced at the first copy
after a ``BGREWRITEAOF``). So the store owns the compaction of the append-only file: it turns the
engine's automatic rewrites off (:meth:`_own_log_compaction`, at start-up), starts a rewrite
itself under the write lock when the file has grown (:meth:`_compact_log_if_grown`), and a copy
waits, under the lock, until no child is running (:meth:`_wait_for_no_child`).

**A write runs to its end once sent, even if its caller stops waiting** (the request's deadline
or a client gone): :meth:`_to_the_end` runs it in a task of its own that keeps the lock until
the engine has answered every command it was sent, and only then releases it. A caller
cancelled mid-copy used to release the lock as soon as it gave up while the engine went on
copying; the next writer then wrote during the copy and crashed the engine (signal 11 within
110 rounds of such mergers, ``tests/test_falkordb_writes.py``). The work left behind sends
nothing new once the deadline has passed (:func:`_still_wanted`): it ends the command in
flight, drops its staging copy and releases the lock, so a write whose caller was told it
failed is not applied later — unless its swap was already sent when the deadline passed (the
engine's answer to it is then lost with the caller, as with any write whose connection drops
after it committed).

The swap renames only while the lock is still the writer's: a script checks the token and
renames in one step (``_SWAP_SCRIPT``), so a writer whose lock expired (a process paused past
the lock's time to live) cannot overwrite what came after.

**Staging keys are named after the connection that writes them** (``<graph>:staging:<id>``,
written only through a connection named ``reformgraph-staging-<id>``): a staging key whose
connection is gone belongs to a process that died mid-write, and
:meth:`clean_up_interrupted_writes` removes it (at start-up, and before every staged write).

**Timeouts**: reads and request-sized writes use a pool whose socket timeout is the statement
timeout plus a margin, so a frozen engine fails them in seconds; staged writes use a connection
of their own with the import's timeout. Requests are bounded by their deadline on top
(:mod:`graph_store.deadline`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

from falkordb.asyncio.graph import AsyncGraph
from falkordb.helpers import stringify_param_value
from redis import exceptions as redis_errors
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.lock import Lock

from cypher.registry import CypherRegistry, Statement
from graph_store.base import GRAPH_META_ID, GraphStore, Row
from graph_store.deadline import remaining_s, statement_timeout_s
from graph_store.errors import (
    BackendUnavailableError,
    DeadlineExceededError,
    StatementFailedError,
    WriteBusyError,
    WriteConflictError,
)
from graph_store.schema_spec import INDEXED_PROPERTIES, UNIQUE_ID_LABELS
from graph_store.values import plain

log = logging.getLogger(__name__)

_T = TypeVar("_T")

_UNAVAILABLE = (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError)

#: How long past the engine-side statement timeout the client waits on a socket before it
#: decides that the engine is not answering.
_SOCKET_MARGIN_S = 5.0

#: ``INFO persistence`` fields that say redis has (or is about to start) a child process, during
#: which a ``GRAPH.COPY`` must not fork.
_CHILD_FLAGS = (
    "aof_rewrite_in_progress",
    "aof_rewrite_scheduled",
    "rdb_bgsave_in_progress",
    "module_fork_in_progress",
)

#: The store rewrites the append-only file once it is this large and twice its size after the
#: last rewrite (redis's own defaults for its automatic rewrites, which the store turns off).
_LOG_REWRITE_MIN_BYTES = 64 * 1024 * 1024

#: Seconds a pooled connection may sit idle before it is checked with a PING on its next use.
_HEALTH_CHECK_S = 2

#: The engine's one write lock (not per graph: see the module's docstring).
WRITE_LOCK = "reformgraph:writelock"

#: Staging keys are ``<graph>:staging:<id>``, written through a connection named
#: ``reformgraph-staging-<id>``.
_STAGING = ":staging:"
_STAGING_CLIENT = "reformgraph-staging-"

#: Rename the staging graph (KEYS[2]) over the live one (KEYS[3]) only while the write lock
#: (KEYS[1]) still holds this writer's token (ARGV[1]).
_SWAP_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('WRITELOCK the write lock expired before the swap')
end
return redis.call('RENAME', KEYS[2], KEYS[3])
"""


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


def _is_timeout(exc: redis_errors.ResponseError) -> bool:
    """FalkorDB's answer to a statement that ran past its ``TIMEOUT``."""
    return "timed out" in str(exc).lower()


def _engine_may_be_away(exc: BaseException) -> bool:
    """Whether a write failed for want of an answer (unreachable, frozen, or cancelled at the
    request's deadline) rather than on a refusal: commands it sent may still run later."""
    return isinstance(
        exc,
        (asyncio.CancelledError, TimeoutError, BackendUnavailableError, *_UNAVAILABLE),
    )


def _still_wanted(what: str) -> None:
    """Raise :class:`DeadlineExceededError` if the current request's deadline has passed: the
    work a cancelled caller left behind (:meth:`FalkorDBStore._to_the_end`) sends nothing more
    to the engine then, so that a write its caller was told had failed does not apply."""
    left = remaining_s()
    if left is not None and left <= 0:
        raise DeadlineExceededError(f"the request's deadline passed before {what}")


def _glob_escaped(text: str) -> str:
    """``text`` as a literal inside a redis ``SCAN MATCH`` pattern."""
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


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
        lock_wait_s: float = 5.0,
        lock_ttl_s: float = 15.0,
    ) -> None:
        super().__init__(registry)
        self.graph_name = graph
        self.query_timeout_ms = query_timeout_ms
        self.import_timeout_ms = import_timeout_ms
        self.host, self.port = host, port
        self.max_connections = max_connections
        self.lock_wait_s = lock_wait_s
        self.lock_ttl_s = lock_ttl_s
        self._connect_timeout_s = connect_timeout_s
        self._redis_client: Redis | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self._writes_in_flight: set[asyncio.Task[Any]] = set()

    @property
    def lock_name(self) -> str:
        """The redis key of the engine's write lock, which this graph's writers take."""
        return WRITE_LOCK

    def _redis(self) -> Redis:
        """The shared client, created on first use (no I/O until a command is sent)."""
        if self._redis_client is None:
            # A blocking pool: past `max_connections` callers wait their turn instead of
            # failing with "Too many connections" under a burst of concurrent statements.
            pool = BlockingConnectionPool(
                host=self.host,
                port=self.port,
                max_connections=self.max_connections,
                timeout=self.query_timeout_ms / 1000,
                socket_connect_timeout=self._connect_timeout_s,
                socket_timeout=self.query_timeout_ms / 1000 + _SOCKET_MARGIN_S,
                # a connection idle this long is PINGed (and reopened) before it is used: after
                # the engine restarted, pooled connections are dead, and a write on one would
                # otherwise fail BACKEND_UNAVAILABLE although /readyz already passed
                health_check_interval=_HEALTH_CHECK_S,
                decode_responses=True,
            )
            # from_pool: the client owns the pool, so closing it closes the pool's
            # connections (Redis(connection_pool=...) leaves them open, to the engine's end)
            self._redis_client = Redis.from_pool(pool)
        return self._redis_client

    def _graph(self, name: str | None = None, client: Redis | None = None) -> AsyncGraph:
        return AsyncGraph(client or self._redis(), name or self.graph_name)

    async def execute_command(self, *args: Any) -> Any:
        """A raw redis command (used for key management such as ``DEL`` of a test graph)."""
        client: Any = self._redis()  # redis-py leaves execute_command untyped
        try:
            return await client.execute_command(*args)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc

    async def _run(
        self,
        graph: AsyncGraph,
        statement: Statement,
        params: dict[str, Any] | None,
        *,
        read_only: bool,
        timeout_ms: int | None = None,
        text: str | None = None,
    ) -> list[Row]:
        """Run ``statement`` with ``params``, or its already :func:`encode`-d ``text``."""
        if not read_only:
            _still_wanted(statement.name)
        default_s = (timeout_ms or self.query_timeout_ms) / 1000
        timeout = max(1, int(statement_timeout_s(default_s) * 1000))
        query = text if text is not None else statement.text
        try:
            if read_only:
                try:
                    result = await graph.ro_query(query, params, timeout=timeout)
                except (redis_errors.ConnectionError, ConnectionError):
                    # once more, on a new connection: a pooled one may have died with an engine
                    # that has since restarted (a read is safe to send twice; a write is not;
                    # a timeout is not retried: a frozen engine would be waited for twice)
                    result = await graph.ro_query(query, params, timeout=timeout)
            else:
                result = await graph.query(query, params, timeout=timeout)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc
        except redis_errors.ResponseError as exc:
            if read_only and _is_missing_graph(exc):
                return []
            if _is_timeout(exc):
                raise DeadlineExceededError(
                    f"{statement.name}: FalkorDB stopped the statement at its timeout"
                ) from exc
            raise StatementFailedError(statement.name, str(exc)) from exc
        columns = [column[1] for column in result.header]
        if statement.maps_only:  # nothing to convert: the rows as the client parsed them
            return [dict(zip(columns, row, strict=True)) for row in result.result_set]
        return [
            {column: plain(value) for column, value in zip(columns, row, strict=True)}
            for row in result.result_set
        ]

    async def _read(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        return await self._run(self._graph(), statement, params, read_only=True)

    async def _write(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        return await self._to_the_end(self._write_now(statement, params))

    async def _write_now(self, statement: Statement, params: dict[str, Any]) -> list[Row]:
        async with self._write_lock(self._request_lock_wait_s()):
            rows = await self._run(self._graph(), statement, params, read_only=False)
            await self._advance_on(self._graph(), None)
            await self._compact_log_if_grown()
        return rows

    async def _version_of(self, graph: AsyncGraph) -> int:
        rows = await self._run(
            graph, self.registry.get("graph_meta"), {"meta": GRAPH_META_ID}, read_only=True
        )
        return int(rows[0]["version"]) if rows else 0

    async def _advance_on(self, graph: AsyncGraph, expected_version: int | None) -> int:
        statement, params = self._advance(expected_version)
        rows = await self._run(graph, statement, params, read_only=False)
        return self._check_advanced(rows, expected_version)

    async def _check_version(self, expected_version: int) -> None:
        found = await self._version_of(self._graph())
        if found != expected_version:
            raise WriteConflictError(
                f"{found - expected_version} write(s) to graph {self.graph_name!r} were "
                "acknowledged after this import was planned; nothing was imported",
                expected=expected_version,
                found=found,
            )

    # -- writes that outlive their caller ---------------------------------------------------

    async def _to_the_end(self, work: Coroutine[Any, Any, _T]) -> _T:
        """Run ``work`` (a write, which takes the engine's write lock) in a task of its own and
        wait for it; if the caller is cancelled, the task goes on to the engine's answer and
        releases the lock only then (see the module's docstring: releasing it while the engine
        still copies lets the next writer hang the engine)."""
        task = asyncio.ensure_future(work)
        self._writes_in_flight.add(task)
        task.add_done_callback(self._write_ended)
        return await asyncio.shield(task)

    def _write_ended(self, task: asyncio.Task[Any]) -> None:
        """Forget a write that ended; one whose caller had stopped waiting has its outcome
        logged here (nobody else will read it)."""
        self._writes_in_flight.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.debug("a write whose caller stopped waiting ended with: %s", exc)

    # -- the write lock ---------------------------------------------------------------------

    def _request_lock_wait_s(self) -> float:
        """How long a request's write waits for the lock: ``lock_wait_s``, or less if the
        request's deadline is nearer (so that it answers BUSY rather than running out)."""
        left = remaining_s()
        return self.lock_wait_s if left is None else max(0.0, min(self.lock_wait_s, left - 0.1))

    @contextlib.asynccontextmanager
    async def _write_lock(self, wait_s: float) -> AsyncIterator[str]:
        """Hold the engine's write lock (renewed in the background) for the enclosed block,
        which gets the lock's token; :class:`WriteBusyError` if another writer holds it for
        more than ``wait_s``."""
        token = uuid.uuid4().hex
        lock = Lock(
            self._redis(),
            self.lock_name,
            timeout=self.lock_ttl_s,
            sleep=0.05,
            blocking_timeout=wait_s,
            thread_local=False,
        )
        try:
            acquired = await lock.acquire(token=token)
        except BaseException as exc:  # unreachable, or cancelled at the request's deadline
            # a frozen engine runs the SET it was sent when it resumes: release it then
            self._in_background(self._released_after_failure(lock, token))
            if isinstance(exc, _UNAVAILABLE):
                raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc
            raise
        if not acquired:
            raise WriteBusyError(
                f"another write to the graph engine held its lock for over {wait_s:.1f} s"
            )
        try:
            _still_wanted("the write began")
        except DeadlineExceededError:
            await self._release(lock, token)
            raise
        renewal = asyncio.create_task(self._keep_renewed(lock))
        try:
            yield token
        except BaseException as exc:
            renewal.cancel()
            if not _engine_may_be_away(exc):  # a refusal: the engine answers, release now
                await self._release(lock, token)
                raise
            # frozen, gone or cancelled at the deadline: answer now, release when it resumes
            self._in_background(self._released_after_failure(lock, token))
            raise
        renewal.cancel()
        await asyncio.gather(renewal, return_exceptions=True)
        await self._release(lock, token)

    async def _release(self, lock: Lock, token: str) -> None:
        try:
            await asyncio.wait_for(lock.do_release(token.encode()), self._connect_timeout_s + 1)
        except Exception:  # expired, or the engine went away: the time to live ends it
            log.warning("could not release the write lock of %s", self.graph_name)

    async def _keep_renewed(self, lock: Lock) -> None:
        """Reset the lock's time to live every third of it while the holder works (a staged
        import's copy of a national graph may take longer than the time to live)."""
        while True:
            await asyncio.sleep(self.lock_ttl_s / 3)
            try:
                await lock.reacquire()
            except Exception:  # lost or unreachable: the swap script refuses to rename then
                log.warning("could not renew the write lock of %s", self.graph_name)
                return

    async def _released_after_failure(self, lock: Lock, token: str) -> None:
        """Release the lock if ``token`` holds it, trying again every second for the lock's
        time to live: commands sent to a frozen engine run when it resumes, and a ``SET`` of
        the lock among them would otherwise hold every writer off until it expired."""

        async def release() -> bool:
            await lock.do_release(token.encode())  # raises unless it held the lock
            return True

        await self._for_a_lock_lifetime(release)

    async def _for_a_lock_lifetime(self, attempt: Callable[[], Awaitable[bool]]) -> None:
        """Run ``attempt`` now and every second for ``lock_ttl_s``, until it says it is done
        (each bounded in time; errors are ignored)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.lock_ttl_s
        while True:
            with contextlib.suppress(Exception):
                if await asyncio.wait_for(attempt(), self._connect_timeout_s + 1):
                    return
            if loop.time() >= until:
                return
            await asyncio.sleep(1.0)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Clean-up that must not hold up the caller's answer (a release or a ``DEL`` to an
        engine that may be frozen); kept referenced until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- staged writes ----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _staging(self) -> AsyncIterator[tuple[str, Redis]]:
        """A staging key name and the one named connection that may write it; the key is
        dropped afterwards whatever happened (in the background after a failure)."""
        staging_id = uuid.uuid4().hex
        pool = BlockingConnectionPool(
            host=self.host,
            port=self.port,
            max_connections=1,
            timeout=self.import_timeout_ms / 1000,
            socket_connect_timeout=self._connect_timeout_s,
            socket_timeout=self.import_timeout_ms / 1000 + _SOCKET_MARGIN_S,
            client_name=f"{_STAGING_CLIENT}{staging_id}",
            decode_responses=True,
        )
        client = Redis.from_pool(pool)  # closed with its connection (see _redis)
        name = f"{self.graph_name}{_STAGING}{staging_id}"
        try:
            yield name, client
        except BaseException as exc:
            if _engine_may_be_away(exc):  # answer now, drop it when the engine resumes
                self._in_background(self._dropped_after_failure(name, client))
                raise
            await self._dropped(name, client)
            raise
        await self._dropped(name, client)  # renamed away already, unless the swap failed

    async def _dropped(self, name: str, client: Redis) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.execute_command("DEL", name), self._connect_timeout_s)
        await self._closed(client)

    async def _dropped_after_failure(self, name: str, client: Redis) -> None:
        """Drop the staging key, again every second for the lock's time to live (a copy sent
        to a frozen engine runs when it resumes); what outlives that is an orphan that
        :meth:`clean_up_interrupted_writes` removes."""
        await self._closed(client)

        async def drop() -> bool:
            return bool(await self.execute_command("DEL", name))

        await self._for_a_lock_lifetime(drop)

    async def _closed(self, client: Redis) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.aclose(), self._connect_timeout_s)

    async def _copy_live_to(self, staging: str, client: Redis, wait_s: float) -> None:
        """Copy the live graph to ``staging`` (or give ``staging`` the schema if there is no
        live graph yet), through the staging connection, once the engine has no child process
        (waiting at most ``wait_s``)."""
        _still_wanted("the copy")
        untyped: Any = client  # redis-py leaves execute_command untyped
        existing = await untyped.execute_command("GRAPH.LIST")
        if self.graph_name in existing:
            await self._wait_for_no_child(wait_s)
            await self._graph(self.graph_name, client).copy(staging)
        else:
            await self._apply_schema_to(self._graph(staging, client))

    # -- the engine's child processes (see the module's docstring) ---------------------------

    async def _wait_for_no_child(self, wait_s: float) -> None:
        """Return once redis runs no child process and has none scheduled (the caller holds
        the write lock, so no rewrite of ours starts meanwhile); :class:`WriteBusyError` if one
        is still running after ``wait_s``."""
        loop = asyncio.get_running_loop()
        until = loop.time() + wait_s
        while True:
            info = await self._redis().info("persistence")
            if not any(int(info.get(flag, 0)) for flag in _CHILD_FLAGS):
                return
            if loop.time() >= until:
                raise WriteBusyError(
                    "the graph engine was still rewriting its append-only file (a copy of the "
                    f"graph cannot start meanwhile) after {wait_s:.1f} s"
                )
            _still_wanted("the copy")
            await asyncio.sleep(0.02)

    async def _compact_log_if_grown(self) -> None:
        """Start a rewrite of the append-only file if it has grown past
        :data:`_LOG_REWRITE_MIN_BYTES` and twice its size after the last rewrite (the caller
        holds the write lock; the next copy waits for the rewrite to end). Best effort: the
        write before it is applied already, so a failure here is logged, not raised (the next
        write tries again)."""
        try:
            info = await self._redis().info("persistence")
            if not int(info.get("aof_enabled", 0)) or any(
                int(info.get(flag, 0)) for flag in _CHILD_FLAGS
            ):
                return
            size, base = int(info.get("aof_current_size", 0)), int(info.get("aof_base_size", 0))
            if size > max(_LOG_REWRITE_MIN_BYTES, 2 * base):
                log.info("rewriting the engine's append-only file (%d MB)", size // 2**20)
                await self.execute_command("BGREWRITEAOF")
        except Exception as exc:  # the write is acknowledged whatever happens here
            log.warning("could not check or start the append-only file's rewrite: %s", exc)

    async def _own_log_compaction(self) -> None:
        """Turn the engine's automatic append-only-file rewrites off: one starting during a
        copy would hang the engine, so the store starts them itself, between writes. Logged,
        not raised, where the engine refuses ``CONFIG`` (a managed server): it must then have
        them turned off in its own configuration (``docs/operations.md``)."""
        try:
            setting = await self._redis().config_get("auto-aof-rewrite-percentage")
            if setting.get("auto-aof-rewrite-percentage") not in (None, "0"):
                await self._redis().config_set("auto-aof-rewrite-percentage", "0")
                log.warning(
                    "turned the FalkorDB server's automatic append-only-file rewrites off: "
                    "reformgraph rewrites it itself between writes (a rewrite during a graph "
                    "copy hangs FalkorDB 4.16)"
                )
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc
        except redis_errors.ResponseError as exc:
            log.warning(
                "could not turn the FalkorDB server's automatic append-only-file rewrites "
                "off (%s): set auto-aof-rewrite-percentage 0 in its configuration",
                exc,
            )

    async def _swap(self, token: str, staging: str) -> None:
        _still_wanted("the swap")
        try:
            await self._redis().eval(
                _SWAP_SCRIPT, 3, self.lock_name, staging, self.graph_name, token
            )
        except redis_errors.ResponseError as exc:
            if "WRITELOCK" in str(exc):  # another writer may have written since: plan again
                raise WriteConflictError(
                    f"the write lock of graph {self.graph_name!r} expired before the swap "
                    "(this writer was paused longer than its time to live); nothing was written"
                ) from exc
            raise StatementFailedError("<swap>", str(exc)) from exc

    async def _write_atomically(
        self, steps: Iterator[tuple[Statement, dict[str, Any]]], expected_version: int | None
    ) -> int:
        await self.clean_up_interrupted_writes()
        try:
            if expected_version is None:
                return await self._to_the_end(self._staged_under_lock(steps))
            return await self._to_the_end(self._staged_against(steps, expected_version))
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc

    async def _staged_under_lock(self, steps: Iterator[tuple[Statement, dict[str, Any]]]) -> int:
        """A request's write (a merger): the lock held from the copy to the swap."""
        async with (
            self._write_lock(self._request_lock_wait_s()) as token,
            self._staging() as (staging, client),
        ):
            await self._copy_live_to(staging, client, self._request_lock_wait_s())
            await self._write_steps(self._graph(staging, client), steps)
            version = await self._advance_on(self._graph(staging, client), None)
            await self._swap(token, staging)
            await self._compact_log_if_grown()
        return version

    async def _staged_against(
        self, steps: Iterator[tuple[Statement, dict[str, Any]]], expected_version: int
    ) -> int:
        """An import planned against ``expected_version``: the lock held from the copy to the
        swap (no write may overlap a copy), the version checked once it is held."""
        wait_s = self.import_timeout_ms / 1000
        async with (
            self._write_lock(wait_s) as token,
            self._staging() as (staging, client),
        ):
            await self._check_version(expected_version)
            await self._copy_live_to(staging, client, wait_s)
            await self._write_steps(self._graph(staging, client), steps)
            version = await self._advance_on(self._graph(staging, client), expected_version)
            await self._swap(token, staging)
            await self._compact_log_if_grown()
        return version

    async def copy_graph(self, source: str, target: str) -> None:
        """``GRAPH.COPY`` of ``source`` to ``target`` under the write lock (a copy must not
        overlap any write on the engine): for tests and tools that clone a graph."""
        await self._to_the_end(self._copy_now(source, target))

    async def _copy_now(self, source: str, target: str) -> None:
        wait_s = self.import_timeout_ms / 1000
        async with self._write_lock(wait_s):
            await self._wait_for_no_child(wait_s)
            await self.execute_command("GRAPH.COPY", source, target)

    async def _write_steps(
        self, graph: AsyncGraph, steps: Iterator[tuple[Statement, dict[str, Any]]]
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

    async def clean_up_interrupted_writes(self) -> int:
        """Delete this graph's staging keys whose writing connection is gone (a process that
        died mid-write); a staging key another live process is writing is left alone."""
        pattern = f"{_glob_escaped(self.graph_name)}{_STAGING}*"
        try:
            redis = self._redis()
            keys = [key async for key in redis.scan_iter(match=pattern, count=1000)]
            if not keys:
                return 0
            alive = {client.get("name", "") for client in await redis.client_list()}
            orphans = [
                key
                for key in keys
                if f"{_STAGING_CLIENT}{key.rsplit(_STAGING, 1)[-1]}" not in alive
            ]
            if orphans:
                await redis.delete(*orphans)
                log.warning("removed %d staging copies left by interrupted writes", len(orphans))
            return len(orphans)
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc

    async def _apply_schema(self) -> None:
        await self._own_log_compaction()
        if await self._apply_schema_to(self._graph(), dry_run=True):
            # creating an index or a constraint writes the graph: under the lock, like any
            # write (a replica starting while an import holds it waits for the import)
            await self._to_the_end(self._apply_schema_now())

    async def _apply_schema_now(self) -> None:
        async with self._write_lock(self.import_timeout_ms / 1000):
            await self._apply_schema_to(self._graph())

    async def _apply_schema_to(self, graph: AsyncGraph, *, dry_run: bool = False) -> bool:
        """Create what the schema lacks on ``graph`` (the caller holds the write lock), or
        with ``dry_run`` only say whether anything is lacking."""
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
            full_text = {
                (row[0], prop)
                for row in index_rows
                for prop, kinds in row[2].items()
                if "FULLTEXT" in kinds
            }
            lacking = (
                any((label, "id") not in indexed for label in UNIQUE_ID_LABELS)
                or any((label, ("id",)) not in constrained for label in UNIQUE_ID_LABELS)
                or any((label, prop) not in indexed for label, prop in INDEXED_PROPERTIES)
                or ("Entity", "searchGrams") not in full_text
            )
            if dry_run or not lacking:
                return lacking
            for label in UNIQUE_ID_LABELS:
                if (label, "id") not in indexed:
                    await graph.create_node_range_index(label, "id")
                if (label, ("id",)) not in constrained:
                    await graph.create_node_unique_constraint(label, "id")
            for label, prop in INDEXED_PROPERTIES:
                if (label, prop) not in indexed:
                    await graph.create_node_range_index(label, prop)
            if ("Entity", "searchGrams") not in full_text:
                statement = self.registry.get("ddl_search_index")  # fixed text, no values
                await graph.query(statement.text)
            return True
        except _UNAVAILABLE as exc:
            raise BackendUnavailableError(f"FalkorDB unreachable: {exc}") from exc

    async def ping(self) -> None:
        try:
            await asyncio.wait_for(self.execute_command("PING"), timeout=2)
        except TimeoutError as exc:
            raise BackendUnavailableError("FalkorDB did not answer PING within 2 s") from exc

    async def close(self) -> None:
        if self._writes_in_flight:  # let the engine answer them, so that they release the lock
            _, unfinished = await asyncio.wait(self._writes_in_flight, timeout=self.lock_ttl_s)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        for task in list(self._background):  # what they would clean, time or start-up will
            task.cancel()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._redis_client is not None:
            await self._redis_client.aclose()
            self._redis_client = None
