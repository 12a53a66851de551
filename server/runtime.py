"""What the service runs on: the graph store, and the local engine when it owns one.

The one way into the graph for every entry point: the HTTP service (its FastAPI lifespan),
the CLI (``load``, ``generate --load``, ``cookbook``) and the benchmarks open it with
``async with open_runtime(settings) as runtime``, so they all reach the graph the same way
and none can forget to close it or to stop the engine it started. :func:`build_store` is the
only place a store is made from settings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from cypher.registry import CypherRegistry
from graph_store import GraphStore
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine
from graph_store.neo4j_store import Neo4jStore
from server.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """An open graph store, plus the local engine process if this runtime started it."""

    store: GraphStore
    engine: LocalEngine | None = None

    async def watch_engine(self, interval_s: float = 1.0) -> None:
        """Restart the local engine whenever it dies, until cancelled (service shutdown)."""
        engine = self.engine
        if engine is None:
            return
        while True:
            await asyncio.sleep(interval_s)
            if engine.is_running():
                continue
            try:
                await asyncio.to_thread(engine.restart)
                await self.store.apply_schema()
                await self.store.clean_up_interrupted_writes()
            except Exception:
                log.exception("could not restart the local engine; retrying")

    async def close(self) -> None:
        """Close connections, then stop the local engine (no orphan process is left)."""
        try:
            await self.store.close()
        finally:
            if self.engine is not None:
                await asyncio.to_thread(self.engine.stop)


def build_store(settings: Settings, engine: LocalEngine | None = None) -> GraphStore:
    """The store ``settings`` name, not yet connected: Neo4j if a URI is configured, else the
    FalkorDB of ``engine`` (a local engine started for it) or of the configured address."""
    import_timeout_ms = int(settings.import_timeout_s * 1000)
    if settings.uses_neo4j:
        assert settings.neo4j_uri is not None
        return Neo4jStore(
            CypherRegistry("neo4j"),
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            query_timeout_ms=settings.query_timeout_ms,
            connect_timeout_s=settings.connect_timeout_s,
            import_timeout_ms=import_timeout_ms,
            single_transaction_rows=settings.neo4j_single_transaction_rows,
            batch_rows=settings.neo4j_batch_rows,
        )
    if engine is not None:
        host, port = engine.host, engine.port
    else:
        assert settings.falkordb_port is not None, "no engine started and no FalkorDB port"
        host, port = settings.falkordb_host, settings.falkordb_port
    return FalkorDBStore(
        CypherRegistry("falkordb"),
        host,
        port,
        settings.graph_name,
        query_timeout_ms=settings.query_timeout_ms,
        connect_timeout_s=settings.connect_timeout_s,
        import_timeout_ms=import_timeout_ms,
        lock_wait_s=settings.write_lock_wait_s,
    )


@asynccontextmanager
async def open_runtime(settings: Settings, *, prepare: bool = True) -> AsyncIterator[Runtime]:
    """The graph ``settings`` name, open for the block and closed after it (the local engine,
    started here when neither Neo4j nor a running FalkorDB is configured, stopped with it).

    With ``prepare``, Neo4j is waited for (``neo4j_connect_attempts``), the schema is applied
    and what interrupted writes left behind (staging copies) is removed, as a service must
    before it serves. Without, nothing reaches the engine until the first statement and the
    schema counts as applied (``/readyz``): for a process whose graph another prepared (a
    worker of ``serve --workers``: its parent did, before any worker started), which must
    start even while the engine is away."""
    engine: LocalEngine | None = None
    if not settings.uses_neo4j and settings.falkordb_port is None:
        engine = LocalEngine(settings.data_dir, port=settings.engine_port)
        await asyncio.to_thread(engine.start)
    try:
        runtime = Runtime(build_store(settings, engine), engine)
    except BaseException:
        if engine is not None:
            await asyncio.to_thread(engine.stop)
        raise
    try:
        if prepare:
            if isinstance(runtime.store, Neo4jStore):
                await runtime.store.connect(attempts=settings.neo4j_connect_attempts)
            await runtime.store.apply_schema()
            await runtime.store.clean_up_interrupted_writes()
        else:
            runtime.store.schema_applied = True
        if isinstance(runtime.store, Neo4jStore):
            log.info("using Neo4j at %s", settings.neo4j_uri)
        yield runtime
    finally:
        await runtime.close()
