"""`reformgraph serve --workers N` and several services on one engine, as real processes.

What a user relies on: the workers share one engine that the parent started once, the dataset
is applied once, a write through one worker (or one service) is seen through every other,
``/metrics`` counts every worker, and no process outlives the service — after SIGTERM, after a
worker is killed (the supervisor replaces it; the engine stays), after the parent is killed.
Processes are found in ``/proc``, never by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from cypher.registry import CypherRegistry
from graph_loaders.loaded_from import folder_digest
from graph_store import GraphStore
from graph_store.base import GraphMeta
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine, free_port
from schema.auth import hash_key
from server.cli import main
from server.settings import Settings, usable_cores
from server.workers import environment_set, worker_environment
from tests.conftest import REPO_ROOT, GraphTarget
from tests.datasets import FIXTURES

KEY = "test-editor-key-0123456789-abcdefgh"
APPLY = """mutation($bodies: [String!]!, $newName: String!) {
  applyMerger(bodies: $bodies, newName: $newName, date: "2021-01", dryRun: false) {
    applied eventKey targetKey
  }
}"""
CHECK = """query($a: String!, $b: String!, $target: String!) {
  a: body(key: $a) { validTo }
  b: body(key: $b) { validTo }
  target: body(key: $target) { createdBy { key } }
}"""
TOWN = '{ region(key: "t:town-a") { name } }'
OPERATIONS_SAMPLE = r"^reformgraph_graphql_operations_total\{.*\} (\S+)$"


# Processes, from /proc ---------------------------------------------------------------------


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (of every thread of it)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _workers(pid: int) -> set[int]:
    """The uvicorn worker processes of the service ``pid`` (multiprocessing's spawned
    children, not its resource tracker)."""
    return {child for child in _children(pid) if "multiprocessing.spawn" in _cmdline(child)}


def _engines(pid: int) -> set[int]:
    return {child for child in _children(pid) if "redis-server" in _cmdline(child)}


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for child in _children(pid):
        found |= {child, *_descendants(child)}
    return found


def _gone(pid: int) -> bool:
    """No such process, not even a zombie (whoever started it reaped it)."""
    return not Path(f"/proc/{pid}").exists()


def _all_gone(pids: set[int], timeout_s: float = 20) -> set[int]:
    """The processes of ``pids`` still there after waiting up to ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        left = {pid for pid in pids if not _gone(pid)}
        if not left:
            return set()
        time.sleep(0.1)
    return {pid for pid in pids if not _gone(pid)}


def _worker_of(connection: http.client.HTTPConnection, port: int, workers: set[int]) -> int:
    """The worker process that holds the server's end of ``connection`` (which has had an
    answer, so a worker has accepted it): its socket's inode from /proc/net/tcp, then the
    worker with a file descriptor on it."""
    assert connection.sock is not None
    client_port = connection.sock.getsockname()[1]
    inode = ""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == port and int(remote.split(":")[1], 16) == client_port:
            inode = fields[9]
    assert inode, "the server's end of the connection is not in /proc/net/tcp"
    for worker in workers:
        for fd in Path(f"/proc/{worker}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return worker
            except OSError:
                continue
    raise AssertionError(f"no worker of {workers} holds the connection")


def _listening_on(port: int, workers: set[int]) -> dict[int, set[str]]:
    """The listening sockets on ``port`` (their inodes) each of ``workers`` holds."""
    listening = {
        fields[9]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if (fields := line.split())[3] == "0A" and int(fields[1].split(":")[1], 16) == port
    }
    held: dict[int, set[str]] = {}
    for worker in workers:
        inodes = set()
        for fd in Path(f"/proc/{worker}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in listening:
                inodes.add(target[8:-1])
        held[worker] = inodes
    return held


# The service -------------------------------------------------------------------------------


class Serve:
    """``reformgraph serve`` in a process of its own, its output read as it comes."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:  # closed when the process has closed its end
            for line in self.process.stdout:
                self.lines.append(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_ready(self, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited:\n{self.output}"
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"serve was not ready within {timeout_s} s:\n{self.output}")

    def wait_workers(self, count: int, timeout_s: float = 60) -> set[int]:
        """The worker pids once there are ``count`` of them and as many have finished their
        start-up."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            workers = _workers(self.pid)
            started = self.output.count("Application startup complete.")
            if len(workers) == count and started >= count:
                return workers
            time.sleep(0.1)
        raise AssertionError(f"{len(_workers(self.pid))} workers, not {count}:\n{self.output}")

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 60) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout_s)
        self._reader.join(timeout=10)
        return code

    def reap(self) -> None:
        """Kill it if it still runs, wait for it, and read its output to the end (which
        closes the pipe)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization": f"Bearer {KEY}"},
            timeout=30,
        )
        body: dict[str, Any] = response.json()
        return body

    def operations_counted(self) -> float:
        """The sum of ``reformgraph_graphql_operations_total`` that ``/metrics`` shows."""
        text = httpx.get(f"{self.url}/metrics", timeout=10).text
        return sum(
            float(match)
            for match in re.findall(OPERATIONS_SAMPLE, text, re.MULTILINE)
        )


@pytest.fixture
def services() -> Iterator[list[Serve]]:
    started: list[Serve] = []
    yield started
    for serve in started:
        serve.reap()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A dataset folder: the mini fixture and the corpus its quotes come from."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini.yaml", folder / "mini.yaml")
    shutil.copytree(REPO_ROOT / "data" / "corpus", folder / "corpus")
    return folder


def _local_env(data_dir: Path, **variables: str) -> dict[str, str]:
    """The environment of a service that starts its own local engine under ``data_dir``."""
    env = {**os.environ, "REFORMGRAPH_DATA_DIR": str(data_dir), **variables}
    for name in ("NEO4J_URI", "REFORMGRAPH_FALKORDB_PORT", "REFORMGRAPH_WORKERS"):
        env.pop(name, None)
    return env


def _target_env(target: GraphTarget, **variables: str) -> dict[str, str]:
    """The environment of a service on the test's graph (a running FalkorDB, or Neo4j)."""
    env = {**os.environ, **variables}
    env.pop("REFORMGRAPH_WORKERS", None)
    if target.engine == "falkordb":
        env.pop("NEO4J_URI", None)
        env["REFORMGRAPH_FALKORDB_PORT"] = str(target.settings.falkordb_port)
        env["REFORMGRAPH_GRAPH_NAME"] = target.settings.graph_name
    return env


async def _meta(store: GraphStore) -> GraphMeta:
    try:
        return await store.meta()
    finally:
        await store.close()


def _engine_store(engine_pid: int) -> FalkorDBStore:
    """A store on the graph ``serve`` uses, on the engine it started (its port is on the
    engine's command line)."""
    port = int(_cmdline(engine_pid).split()[1].rsplit(":", 1)[1])
    return FalkorDBStore(CypherRegistry("falkordb"), "127.0.0.1", port, "reformgraph")


# Tests -------------------------------------------------------------------------------------


def test_workers_share_one_engine_and_one_start_up_and_sigterm_stops_them_all(
    tmp_path: Path, dataset: Path, services: list[Serve]
) -> None:
    state = tmp_path / "state"
    serve = Serve(_local_env(state), "--workers", "2", "--dataset", str(dataset))
    services.append(serve)
    serve.wait_ready()
    workers = serve.wait_workers(2)
    [engine] = _engines(serve.pid)  # one engine, the parent's
    assert int((state / "engine.pid").read_text()) == engine
    for worker in workers:
        assert not _engines(worker), "a worker started an engine of its own"
    # the dataset was applied once: one write on the graph, the import, with its digest
    meta = asyncio.run(_meta(_engine_store(engine)))
    assert meta.version == 1
    assert meta.digest_of("dataset") == folder_digest(dataset)
    assert serve.output.count(f"loaded {dataset}:") == 1
    assert "not applied again" not in serve.output, "a worker looked at the dataset too"
    assert serve.graphql(TOWN)["data"] == {"region": {"name": "甲镇"}}

    everything = _descendants(serve.pid)
    assert serve.stop(signal.SIGTERM) == 0
    assert not _all_gone(everything), "a process outlived the service"
    assert not (state / "engine.pid").exists()
    assert "every worker has stopped, and the engine after them" in serve.output


def test_a_killed_worker_is_replaced_and_the_engine_stays(
    tmp_path: Path, dataset: Path, services: list[Serve]
) -> None:
    serve = Serve(_local_env(tmp_path / "state"), "--workers", "auto", "--dataset", str(dataset))
    services.append(serve)
    serve.wait_ready()
    workers = serve.wait_workers(usable_cores())  # auto: one per core
    [engine] = _engines(serve.pid)
    killed = min(workers)
    os.kill(killed, signal.SIGKILL)
    assert not _all_gone({killed}), "the supervisor did not reap the killed worker"
    deadline = time.monotonic() + 60
    while (replaced := _workers(serve.pid)) == workers - {killed} or len(replaced) < len(workers):
        assert time.monotonic() < deadline, serve.output
        time.sleep(0.1)
    assert killed not in replaced
    assert workers - {killed} <= replaced  # the others were left alone
    assert _engines(serve.pid) == {engine}, "the engine was restarted or stopped"
    serve.wait_ready()
    for _ in range(10):  # fresh connections: whichever worker takes them answers
        assert serve.graphql(TOWN)["data"] == {"region": {"name": "甲镇"}}

    everything = _descendants(serve.pid)
    assert serve.stop(signal.SIGTERM) == 0
    assert not _all_gone(everything), "a process outlived the service"


def test_an_engine_killed_under_the_workers_is_restarted_by_the_parent_alone(
    tmp_path: Path, dataset: Path, services: list[Serve]
) -> None:
    state = tmp_path / "state"
    serve = Serve(_local_env(state), "--workers", "2", "--dataset", str(dataset))
    services.append(serve)
    serve.wait_ready()
    workers = serve.wait_workers(2)
    [engine] = _engines(serve.pid)
    os.kill(engine, signal.SIGKILL)  # the acknowledged import must survive this
    deadline = time.monotonic() + 60
    while not (restarted := _engines(serve.pid) - {engine}):
        assert time.monotonic() < deadline, serve.output
        time.sleep(0.1)
    assert len(restarted) == 1
    assert _workers(serve.pid) == workers, "the workers were restarted"
    for worker in workers:
        assert not _engines(worker)
    deadline = time.monotonic() + 60
    while (answer := serve.graphql(TOWN)).get("errors"):
        assert answer["errors"][0]["extensions"]["code"] == "BACKEND_UNAVAILABLE", answer
        assert time.monotonic() < deadline, serve.output
        time.sleep(0.2)
    assert answer["data"] == {"region": {"name": "甲镇"}}
    serve.wait_ready()
    everything = _descendants(serve.pid)
    assert serve.stop(signal.SIGTERM) == 0
    assert not _all_gone(everything)


def test_a_worker_replaced_while_the_engine_is_away_starts_and_the_service_stays(
    tmp_path: Path, dataset: Path, services: list[Serve]
) -> None:
    # A worker's start used to apply the schema, so a worker replacing a dead one while the
    # engine did not answer failed its start-up, and uvicorn's supervisor then stopped the
    # whole service for good.
    serve = Serve(_local_env(tmp_path / "state"), "--workers", "2", "--dataset", str(dataset))
    services.append(serve)
    serve.wait_ready()
    workers = serve.wait_workers(2)
    [engine] = _engines(serve.pid)
    os.kill(engine, signal.SIGSTOP)  # away: it neither answers nor dies (no restart either)
    try:
        killed = min(workers)
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while serve.output.count("Application startup complete.") < 3:
            assert serve.process.poll() is None, f"the service stopped:\n{serve.output}"
            assert time.monotonic() < deadline, f"no worker replaced {killed}:\n{serve.output}"
            time.sleep(0.1)
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone with a service that stopped
            os.kill(engine, signal.SIGCONT)
    replaced = serve.wait_workers(2)
    assert killed not in replaced
    assert workers - {killed} <= replaced
    assert _engines(serve.pid) == {engine}
    serve.wait_ready()
    with _connections_to_each(serve, replaced) as each:
        for connection in each.values():
            assert _post(connection, TOWN, {})["data"] == {"region": {"name": "甲镇"}}
    assert serve.process.poll() is None, serve.output
    assert serve.stop(signal.SIGTERM) == 0


def test_killing_the_parent_takes_the_workers_and_the_engine_with_it(
    tmp_path: Path, dataset: Path, services: list[Serve]
) -> None:
    serve = Serve(_local_env(tmp_path / "state"), "--workers", "2", "--dataset", str(dataset))
    services.append(serve)
    serve.wait_ready()
    serve.wait_workers(2)
    everything = _descendants(serve.pid)
    assert len(_engines(serve.pid)) == 1
    serve.stop(signal.SIGKILL)  # no clean-up runs in the parent
    assert not _all_gone(everything), "a worker or the engine outlived a killed parent"


def test_connections_opened_together_land_on_every_worker(
    tmp_path: Path, dataset: Path, services: list[Serve]
) -> None:
    """A client or a proxy opens its pool of keep-alive connections at once; with one socket
    shared by the workers, the worker that woke first accepted every queued connection and
    the other idled (3 of 8 benchmark runs). Each worker listens on a socket of its own, and
    the kernel spreads new connections over them: 16 connections all on one of 2 workers
    would happen once in 32,768 runs."""
    serve = Serve(_local_env(tmp_path / "state"), "--workers", "2", "--dataset", str(dataset))
    services.append(serve)
    serve.wait_ready()
    workers = serve.wait_workers(2)
    deadline = time.monotonic() + 60
    while not all(_listening_on(serve.port, workers).values()):  # the second may be starting
        assert time.monotonic() < deadline, serve.output
        time.sleep(0.1)
    sockets = _listening_on(serve.port, workers)
    first, second = sockets.values()
    assert len(first) == len(second) == 1, sockets
    assert first != second, sockets
    # the parent holds the port but does not listen: no connection can wait on it
    assert _listening_on(serve.port, {serve.pid}) == {serve.pid: set()}
    # opened together, before any is answered: the kernel queues them all before a worker
    # accepts one
    connections = [
        http.client.HTTPConnection("127.0.0.1", serve.port, timeout=30) for _ in range(16)
    ]
    for connection in connections:
        connection.connect()
    holders = []
    for connection in connections:
        connection.request("GET", "/healthz")
        assert connection.getresponse().read() == b'{"status":"ok"}'
        holders.append(_worker_of(connection, serve.port, workers))
    for connection in connections:
        connection.close()
    assert set(holders) == workers, holders
    assert serve.stop(signal.SIGTERM) == 0


@pytest.fixture(params=["falkordb", "neo4j"] if os.environ.get("NEO4J_URI") else ["falkordb"])
def engine_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """A service's environment on each engine: its own local engine (the parent starts it),
    or the Neo4j of ``NEO4J_URI``, cleared first."""
    variables = {"REFORMGRAPH_API_KEY_HASHES": hash_key(KEY), "REFORMGRAPH_HTTP_KEEP_ALIVE_S": "60"}
    if request.param == "falkordb":
        return _local_env(tmp_path / "state", **variables)
    target = GraphTarget.neo4j()

    async def clear() -> None:
        store = target.open_store()
        try:
            await store.write("graph_clear")
        finally:
            await store.close()

    asyncio.run(clear())
    return {**os.environ, **variables}


@contextlib.contextmanager
def _connections_to_each(
    serve: Serve, workers: set[int]
) -> Iterator[dict[int, http.client.HTTPConnection]]:
    """One open connection to each worker (new connections until every worker has one), all
    closed when the block ends."""
    held: dict[int, http.client.HTTPConnection] = {}
    try:
        for _ in range(200):
            connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=30)
            connection.request("GET", "/healthz")
            assert connection.getresponse().read() == b'{"status":"ok"}'
            worker = _worker_of(connection, serve.port, workers)
            if worker in held:
                connection.close()
            else:
                held[worker] = connection
            if len(held) == len(workers):
                yield held
                return
        raise AssertionError(f"200 connections reached only the workers {set(held)}")
    finally:
        for connection in held.values():
            connection.close()


def _post(
    connection: http.client.HTTPConnection, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables})
    headers = {"content-type": "application/json", "authorization": f"Bearer {KEY}"}
    connection.request("POST", "/graphql", body=body, headers=headers)
    answer: dict[str, Any] = json.loads(connection.getresponse().read())
    return answer


def test_a_write_through_one_worker_is_seen_through_the_other_and_metrics_count_both(
    engine_env: dict[str, str], dataset: Path, services: list[Serve]
) -> None:
    serve = Serve(engine_env, "--workers", "2", "--dataset", str(dataset))
    services.append(serve)
    serve.wait_ready()
    sent = 0
    with _connections_to_each(serve, serve.wait_workers(2)) as each:
        first, second = each.values()
        for writer, reader, bodies in (
            (first, second, ["t:market", "t:health"]),
            (second, first, ["t:land", "t:gov"]),
        ):
            merger = _post(writer, APPLY, {"bodies": bodies, "newName": "合并局"})
            assert "errors" not in merger, merger
            applied = merger["data"]["applyMerger"]
            assert applied["applied"] is True
            check = {"a": bodies[0], "b": bodies[1], "target": applied["targetKey"]}
            seen = _post(reader, CHECK, check)
            assert seen["data"] == {
                "a": {"validTo": "2021-01"},
                "b": {"validTo": "2021-01"},
                "target": {"createdBy": [{"key": applied["eventKey"]}]},
            }
            sent += 2
    # both workers answered GraphQL; /metrics, from whichever worker, counts them all
    assert serve.operations_counted() == sent
    assert serve.stop(signal.SIGTERM) == 0


def test_two_services_started_together_on_one_engine_apply_the_dataset_once(
    graph_target: GraphTarget, dataset: Path, services: list[Serve]
) -> None:
    if graph_target.engine == "neo4j":
        asyncio.run(_clear(graph_target))  # a write too: the version moves to 1
    before = asyncio.run(_meta(graph_target.open_store())).version
    env = _target_env(graph_target, REFORMGRAPH_API_KEY_HASHES=hash_key(KEY))
    envs = [env, dict(env)]
    if graph_target.engine == "neo4j":  # the second through a routing URI, as on a cluster
        envs[1]["NEO4J_URI"] = "neo4j://" + env["NEO4J_URI"].split("://", 1)[1]
    pair = [Serve(each, "--dataset", str(dataset)) for each in envs]  # at once
    services.extend(pair)
    for serve in pair:
        serve.wait_ready()
    meta = asyncio.run(_meta(graph_target.open_store()))
    assert meta.version == before + 1, "the dataset was imported more than once"
    assert meta.digest_of("dataset") == folder_digest(dataset)
    for serve in pair:
        assert serve.graphql(TOWN)["data"] == {"region": {"name": "甲镇"}}
    # a write through one is seen through the other
    merger = pair[0].graphql(APPLY, {"bodies": ["t:market", "t:health"], "newName": "合并局"})
    applied = merger["data"]["applyMerger"]
    seen = pair[1].graphql(
        CHECK, {"a": "t:market", "b": "t:health", "target": applied["targetKey"]}
    )
    assert seen["data"]["target"] == {"createdBy": [{"key": applied["eventKey"]}]}
    for serve in pair:
        assert serve.stop(signal.SIGTERM) in (0, -signal.SIGTERM)


def _readiness(serve: Serve) -> tuple[int, str]:
    answer = httpx.get(f"{serve.url}/readyz", timeout=10)
    return answer.status_code, answer.json()["status"]


def test_the_readiness_of_services_on_one_engine_follows_that_engine(
    tmp_path: Path, dataset: Path, services: list[Serve]
) -> None:
    """Each service's /readyz asks the shared engine itself, so a proxy or an orchestrator
    takes every replica out when the engine goes, and back when it returns (the services
    themselves are not restarted)."""
    engine = LocalEngine(tmp_path / "engine")
    engine.start()
    try:
        env = {
            **_local_env(tmp_path / "state"),
            "REFORMGRAPH_FALKORDB_HOST": engine.host,
            "REFORMGRAPH_FALKORDB_PORT": str(engine.port),
        }
        pair = [
            Serve(env, "--dataset", str(dataset)),
            Serve(env, "--workers", "2", "--dataset", str(dataset)),
        ]
        services.extend(pair)
        for serve in pair:
            serve.wait_ready()
            assert _readiness(serve) == (200, "ready")
            assert not _engines(serve.pid), "a service started an engine of its own"
        assert engine.process is not None
        engine.process.kill()
        engine.process.wait()
        for serve in pair:
            assert _readiness(serve) == (503, "unavailable")
        engine.restart()  # the same port and folder
        for serve in pair:
            serve.wait_ready(timeout_s=30)
            answer = serve.graphql(TOWN)
            assert answer["data"] == {"region": {"name": "甲镇"}}, answer
        for serve in pair:  # uvicorn ends a single process by re-raising the signal it took
            assert serve.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
        assert engine.is_running(), "a service stopped the engine it did not start"
    finally:
        engine.stop()


async def _clear(target: GraphTarget) -> None:
    store = target.open_store()
    try:
        await store.write("graph_clear")
    finally:
        await store.close()


# Configuration ----------------------------------------------------------------------------


def test_workers_setting_takes_a_number_or_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFORMGRAPH_WORKERS", "3")
    assert Settings().worker_count == 3
    monkeypatch.setenv("REFORMGRAPH_WORKERS", "auto")
    assert Settings().worker_count == len(os.sched_getaffinity(0))
    monkeypatch.delenv("REFORMGRAPH_WORKERS")
    assert Settings().worker_count == 1
    for wrong in ("0", "-2", "two"):
        result = CliRunner().invoke(main, ["serve", "--workers", wrong])
        assert result.exit_code != 0
        assert "invalid configuration: REFORMGRAPH_WORKERS: " in result.output, result.output


def test_workers_read_exactly_the_parents_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the parent hands its workers through the environment: every setting as it is,
    the CLI's overrides and the secrets included, and unset values unset."""
    for variable in [v for v in os.environ if v.startswith(("REFORMGRAPH_", "NEO4J_"))]:
        monkeypatch.delenv(variable)
    monkeypatch.setenv("REFORMGRAPH_NEO4J_URI", "bolt://stale:1")  # the alias must not win
    parent = Settings(
        port=9123,
        dataset_dir=None,
        neo4j_uri="neo4j+s://cluster.example:7687",
        neo4j_password="s3cret",
        api_key_hashes=hash_key(KEY),
        synthetic_profile="inner-mongolia",
        synthetic_scale=0.5,
        request_deadline_s=2.5,
        reads_need_key=True,
        workers="auto",
    )
    with environment_set(worker_environment(parent, falkordb_port=7000, load_at_start=False)):
        worker = Settings()
    expected = parent.model_copy(update={"falkordb_port": 7000, "load_at_start": False})
    assert worker.model_dump() == expected.model_dump()
    assert worker.neo4j_password.get_secret_value() == "s3cret"
    assert worker.dataset_dir is None
    monkeypatch.delenv("REFORMGRAPH_NEO4J_URI")
    with environment_set(worker_environment(Settings(dataset_dir=Path("data")))):
        default = Settings()
    assert default.neo4j_uri is None
    assert default.falkordb_port is None
    assert default.dataset_dir == Path("data")
