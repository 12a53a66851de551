"""What the service runs on: the graph store, and the local engine when it owns one.

Shared by the HTTP service (through the FastAPI lifespan) and the CLI's ``load`` command, so
both reach the graph the same way.
"""

from __future__ import annotations

import asyncio
import logging
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


async def open_runtime(settings: Settings) -> Runtime:
    """Connect to Neo4j if configured, else to FalkorDB (started here unless one is given);
    apply the schema and remove what interrupted writes left behind (staging copies)."""
    engine: LocalEngine | None = None
    store: GraphStore
    if settings.uses_neo4j:
        assert settings.neo4j_uri is not None
        neo4j_store = Neo4jStore(
            CypherRegistry("neo4j"),
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            query_timeout_ms=settings.query_timeout_ms,
            connect_timeout_s=settings.connect_timeout_s,
            import_timeout_ms=int(settings.import_timeout_s * 1000),
            single_transaction_rows=settings.neo4j_single_transaction_rows,
            batch_rows=settings.neo4j_batch_rows,
        )
        try:
            await neo4j_store.connect(attempts=settings.neo4j_connect_attempts)
        except BaseException:
            await neo4j_store.close()
            raise
        store = neo4j_store
        log.info("using Neo4j at %s", settings.neo4j_uri)
    else:
        host, port = settings.falkordb_host, settings.falkordb_port
        if port is None:
            engine = LocalEngine(settings.data_dir, port=settings.engine_port)
            await asyncio.to_thread(engine.start)
            host, port = engine.host, engine.port
        store = FalkorDBStore(
            CypherRegistry("falkordb"),
            host,
            port,
            settings.graph_name,
            query_timeout_ms=settings.query_timeout_ms,
            connect_timeout_s=settings.connect_timeout_s,
            import_timeout_ms=int(settings.import_timeout_s * 1000),
            lock_wait_s=settings.write_lock_wait_s,
        )
    runtime = Runtime(store, engine)
    try:
        await store.apply_schema()
        await store.clean_up_interrupted_writes()
    except BaseException:
        await runtime.close()
        raise
    return runtime
