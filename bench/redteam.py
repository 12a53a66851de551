"""The red team of issue 14: the service as a hostile client, a frozen engine and a killed import
see it, replayed against a running service, measured, and written down.

    python -m bench.redteam                       # FalkorDB, and Neo4j when available
    python -m bench.redteam --engines falkordb --docs

It starts ``reformgraph serve`` in a process of its own on a loopback port (the documented
dataset and a small synthetic sample, an API key for writes, every other setting its
default), and on the local FalkorDB engine that process starts; then, when ``NEO4J_URI`` is
set (or the shared Neo4j server is beside the checkout, as ``.ci/run`` finds it), the same
against Neo4j. Each probe replays one finding of issue 14 (or a fuzzing phase) while

* a normal client sends a cookbook query every ~200 ms (its errors and latency are recorded
  per probe: normal queries must keep answering under attack);
* a sampler reads the service process's resident memory (``/proc/<pid>/status``) every
  50 ms for the run's peak.

Each answer is counted by its outcome (``200 ok``, ``<status> <CODE>``, ``<status>
uncoded``, a transport failure) with its latency against the request deadline. Results go to
``bench/results/<date>-redteam.json`` and a Markdown table; ``--docs`` writes the table into
``docs/reliability.md``. Bounded: loopback only, at most ``--max-connections`` connections
at once, a few minutes per engine on 2 cores. It signals only processes it started (the
service, the loader it runs, the engine the service started, a Neo4j it started or was told
it owns with ``--neo4j-dir``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import redis

from bench import redteam_attacks as attacks
from bench.loader_process import Loader
from bench.redteam_report import (
    CLOSED,
    HELD,
    REFUSED,
    TIMED_OUT,
    Background,
    ProbeResult,
    Tally,
    Targets,
    doc_section,
    label,
    markdown_table,
    replace_section,
)
from bench.with_neo4j import neo4j_local
from domain import RegionLevel
from graph_loaders.dataset import Region
from graph_loaders.synthetic import generate, write_dataset
from graph_store import GraphStore
from graph_store.local_engine import free_port
from schema import Limits, build_schema
from schema.auth import hash_key
from schema.cost import price_operation
from schema.limits import price_table
from server.cookbook import read_recipes
from server.runtime import open_runtime
from server.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "bench" / "results"
RELIABILITY_DOC = REPO_ROOT / "docs" / "reliability.md"

#: The editor key of the service under attack (the service gets its hash).
KEY = "redteam-editor-key-0123456789abcdef"
#: The service's request deadline (its default; docs/operations.md), and the time an answer
#: may take past it to be written and read over loopback on a busy machine: an answer later
#: than both is counted over the deadline.
DEADLINE_S = 10.0
SLACK_S = 0.5
#: The synthetic sample the service loads besides data/, and its seed.
SAMPLE_SCALE = 0.05
SAMPLE_SEED = 1
#: How often the normal client sends a cookbook query.
BACKGROUND_INTERVAL_S = 0.2
#: A region the load adds: present after the load means the load applied its data.
MARKER = "syn:region:redteam-marker"

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
UPLOAD_LIST = """mutation($file: Upload!) {
  importDelegationList(file: $file, county: "region:haibowan", listId: "list:redteam:haibowan",
                       title: "红队清单", dryRun: true) {
    canApply problems { row message } counts { items { total } }
  }
}"""


def loopback_only(url: str) -> None:
    """Refuse any host but loopback: this tool attacks only a service it started."""
    host = httpx.URL(url).host
    try:
        loopback = socket.getaddrinfo(host, None)[0][4][0] in {"127.0.0.1", "::1"}
    except OSError:
        loopback = False
    if not loopback:
        raise SystemExit(f"refusing to attack {host!r}: the red team only targets loopback")


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of a process in MB (``VmRSS``), ``None`` when it is gone."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


class MemorySampler:
    """Samples the resident memory of the service (and of its engine) every 50 ms, in a
    thread, through restarts (the pids are asked for at each sample)."""

    def __init__(self, pids: Callable[[], tuple[int | None, int | None]], guard_mb: float) -> None:
        self.pids = pids
        self.guard_mb = guard_mb
        #: the sizes at which the guard killed the service (a bomb that got through must
        #: not take the machine's memory, which other work shares)
        self.guard_kills: list[float] = []
        self.peak = 0.0
        self.window_peak = 0.0
        self.window_engine_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            service, engine = self.pids()
            used = rss_mb(service)
            if used is not None:
                self.peak = max(self.peak, used)
                self.window_peak = max(self.window_peak, used)
                if used > self.guard_mb and service is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(service, signal.SIGKILL)
                    self.guard_kills.append(used)
            engine_used = rss_mb(engine)
            if engine_used is not None:
                self.window_engine_peak = max(self.window_engine_peak, engine_used)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def new_window(self) -> None:
        service, engine = self.pids()
        self.window_peak = rss_mb(service) or 0.0
        self.window_engine_peak = rss_mb(engine) or 0.0


@dataclass
class Engine:
    """The graph the service under attack uses, and what the red team may do to it."""

    name: str  # "falkordb" or "neo4j"
    env: dict[str, str]  # the service's settings for it
    loader_env: dict[str, str]  # what `reformgraph load` needs to write the same graph
    #: the engine process the red team may freeze (it started it), given the service's
    #: data folder; None: it may not
    engine_pid: Callable[[Path], int | None]
    falkordb_port: int | None = None
    neo4j: tuple[str, str, str] | None = None  # uri, user, password

    @contextlib.asynccontextmanager
    async def open_store(self) -> AsyncIterator[GraphStore]:
        """A store on the same graph, for counts and the graph's record (not prepared: a
        staging copy left by a killed import must stay for the service to remove)."""
        settings: dict[str, Any] = {"dataset_dir": None, "neo4j_connect_attempts": 5}
        if self.neo4j is not None:
            uri, user, password = self.neo4j
            settings |= {"neo4j_uri": uri, "neo4j_user": user, "neo4j_password": password}
        else:
            assert self.falkordb_port is not None
            settings |= {"neo4j_uri": None, "falkordb_port": self.falkordb_port}
        settings |= {"falkordb_host": "127.0.0.1", "graph_name": "reformgraph"}
        async with open_runtime(Settings(**settings), prepare=False) as runtime:
            yield runtime.store

    def staging_keys(self) -> list[str]:
        """FalkorDB: the staging copies in the engine (writes in progress or left behind)."""
        assert self.falkordb_port is not None
        client = redis.Redis(host="127.0.0.1", port=self.falkordb_port, decode_responses=True)
        try:
            return sorted(client.keys("reformgraph:staging:*"))  # type: ignore[arg-type]
        finally:
            client.close()


class ServiceProcess:
    """``reformgraph serve`` in a process of its own on a loopback port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "REFORMGRAPH_HOST": "127.0.0.1", "REFORMGRAPH_PORT": str(self.port)}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, timeout_s: float = 600) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve"],
                env=self.env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the service exited with {self.process.returncode}; see {self.log}"
                )
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the service was not ready in {timeout_s:g} s; see {self.log}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # graceful: the service stops its engine too
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Probe:
    """A probe in progress: its name, the outcomes it allows, what it has seen."""

    name: str
    expected: list[str]
    tally: Tally = field(default_factory=Tally)
    checks: dict[str, bool | str] = field(default_factory=dict)
    notes: str = ""

    def check(self, name: str, held: bool, seen: object = None) -> None:
        """Record a fact the probe checked; what was seen instead when it did not hold."""
        self.checks[name] = True if held else (str(seen) if seen is not None else False)


@dataclass
class Sample:
    """The synthetic sample the service loads, a file that loads it again with a marker
    region, and department pairs that can merge (one merger each)."""

    reload_file: Path
    pairs: list[list[str]]


def make_sample(folder: Path) -> Sample:
    dataset = generate("inner-mongolia", SAMPLE_SEED, scale=SAMPLE_SCALE)
    departments: dict[str, list[str]] = {}
    for body in dataset.bodies:
        if body.kind.value == "GOVERNMENT_DEPARTMENT" and body.superior:
            departments.setdefault(body.superior, []).append(body.id)
    pairs = [ids[i : i + 2] for ids in departments.values() for i in range(0, len(ids) - 1, 2)]
    county = next(r for r in dataset.regions if r.level.value == "BANNER_COUNTY")
    marker = Region(id=MARKER, name="红队标记镇", level=RegionLevel.TOWNSHIP, parent=county.id)
    reload = dataset.model_copy(update={"regions": [*dataset.regions, marker]})
    return Sample(write_dataset(reload, folder / "reload.json"), pairs)


def budget_fillers(limits: Limits) -> dict[str, str]:
    """Documents priced just under the budget (the dearest the service admits): aliases of
    a selection, as many as the budget and the alias cap allow."""
    schema = build_schema(limits)._schema
    table = price_table(limits, schema)
    from graphql import parse

    shapes = {
        "search 500 bodies with 100 holdings each": 'search(text: "局", first: 500) { '
        "totalCount edges { node { ... on Body { key name holds(first: 100) { totalCount "
        "edges { node { key name } } } } } } }",
        "region tree three levels": "regions { key name level parent { name } children { key "
        "name children { key name } } }",
        "reform events with inputs and outputs": "reformEvents(first: 500) { edges { node { "
        "key title date inputs { key name } outputs { key name } } } }",
    }
    documents = {}
    for name, one in shapes.items():
        best = None
        for aliases in range(1, limits.max_aliases + 1):
            document = "{ " + " ".join(f"a{i}: {one}" for i in range(aliases)) + " }"
            cost = price_operation(schema, parse(document), None, None, table).cost
            if cost > limits.max_cost:
                break
            best = (document, aliases, cost)
        if best is not None:
            document, aliases, cost = best
            documents[f"{name} ×{aliases} (price {cost:,})"] = document
    return documents


class RedTeam:
    """Every probe against one engine, in order; results in :attr:`results`."""

    def __init__(
        self,
        engine: Engine,
        folder: Path,
        max_connections: int,
        fuzz: int,
        opnames: int,
        guard_mb: float,
        only: set[str] | None = None,
    ):
        self.engine = engine
        self.folder = folder
        self.max_connections = max_connections
        self.fuzz = fuzz
        self.opnames = opnames
        self.only = only
        self.data_dir = folder / "service"
        self.limit_s = DEADLINE_S + SLACK_S
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("REFORMGRAPH_", "NEO4J_"))},
            **engine.env,
            "REFORMGRAPH_DATA_DIR": str(self.data_dir),
            "REFORMGRAPH_DATASET_DIR": str(REPO_ROOT / "data"),
            "REFORMGRAPH_SYNTHETIC_PROFILE": "inner-mongolia",
            "REFORMGRAPH_SYNTHETIC_SCALE": str(SAMPLE_SCALE),
            "REFORMGRAPH_SYNTHETIC_SEED": str(SAMPLE_SEED),
            "REFORMGRAPH_API_KEY_HASHES": hash_key(KEY),
        }
        self.loader_env = {
            **{k: v for k, v in env.items() if k != "REFORMGRAPH_ENGINE_PORT"},
            **engine.loader_env,
        }
        self.service = ServiceProcess(env, folder / f"service-{engine.name}.log")
        self.sampler = MemorySampler(
            lambda: (self.service.pid, self.engine.engine_pid(self.data_dir)), guard_mb
        )
        self.results: list[ProbeResult] = []
        self.sample = make_sample(folder)
        self.applied: list[dict[str, Any]] = []
        self.recipes = [r.query for r in read_recipes(REPO_ROOT / "docs" / "cookbook")]
        self._background = Tally()
        self._background_stop = asyncio.Event()
        self.client: httpx.AsyncClient | None = None

    # ------------------------------------------------------------------ requests

    @property
    def http(self) -> httpx.AsyncClient:
        assert self.client is not None
        return self.client

    async def request(
        self,
        probe: Probe | None,
        body: bytes | None = None,
        *,
        method: str = "POST",
        path: str = "/graphql",
        content_type: str | None = "application/json",
        headers: dict[str, str] | None = None,
        files: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> tuple[str, Any]:
        """Send one request; count its outcome and latency in ``probe``; the outcome label
        and the decoded JSON answer (None when it is not JSON)."""
        sent_headers = dict(headers or {})
        if content_type and files is None:
            sent_headers["content-type"] = content_type
        started = time.perf_counter()
        payload: Any = None
        try:
            response = await (client or self.http).request(
                method, path, content=body, headers=sent_headers, files=files, data=data
            )
            outcome = label(
                response.status_code, response.content, response.headers.get("content-type")
            )
            with contextlib.suppress(ValueError):
                payload = response.json()
        except httpx.ConnectError:
            outcome = REFUSED
        except httpx.TimeoutException:
            outcome = TIMED_OUT
        except httpx.TransportError:
            outcome = CLOSED
        if probe is not None:
            probe.tally.add(outcome, time.perf_counter() - started)
        return outcome, payload

    async def graphql(
        self,
        probe: Probe | None,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> tuple[str, Any]:
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name is not None:
            body["operationName"] = operation_name
        headers = {"authorization": f"Bearer {token}"} if token else None
        return await self.request(probe, json.dumps(body).encode(), headers=headers)

    async def gather_bounded(self, jobs: Sequence[Callable[..., Any]], concurrency: int) -> None:
        """Run the jobs with at most ``concurrency`` at once."""
        queue = iter(jobs)

        async def worker() -> None:
            for job in queue:
                await job()

        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(jobs)))))

    # ------------------------------------------------------------------ the normal client

    async def background(self) -> None:
        """A cookbook query every ~200 ms, on a connection of its own, until stopped."""
        timeout = httpx.Timeout(self.limit_s + 10)
        async with httpx.AsyncClient(base_url=self.service.url, timeout=timeout) as client:
            number = 0
            while not self._background_stop.is_set():
                query = self.recipes[number % len(self.recipes)]
                number += 1
                started = time.perf_counter()
                body = json.dumps({"query": query}).encode()
                try:
                    response = await client.post(
                        "/graphql", content=body, headers={"content-type": "application/json"}
                    )
                    outcome = label(
                        response.status_code,
                        response.content,
                        response.headers.get("content-type"),
                    )
                except httpx.ConnectError:
                    outcome = REFUSED
                except httpx.TimeoutException:
                    outcome = TIMED_OUT
                except httpx.TransportError:
                    outcome = CLOSED
                elapsed = time.perf_counter() - started
                self._background.add(outcome, elapsed)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._background_stop.wait(), max(0.0, BACKGROUND_INTERVAL_S - elapsed)
                    )

    # ------------------------------------------------------------------ probes

    @contextlib.asynccontextmanager
    async def probe(
        self, name: str, expected: list[str], *, down_expected: bool = False, notes: str = ""
    ) -> AsyncIterator[Probe]:
        """Run a probe: its own background tally and memory window; an exception in it is
        recorded as a failed check, and the run goes on."""
        probe = Probe(name, expected, notes=notes)
        self._background = Tally()
        self.sampler.new_window()
        started = time.monotonic()
        print(f"[{self.engine.name}] {name} …", flush=True)
        try:
            yield probe
        except Exception as exc:  # a broken probe is a finding of the harness, not a crash
            probe.check("probe ran to its end", False, f"{type(exc).__name__}: {exc}")
        process = self.service.process
        if process is not None and process.poll() is not None:
            kills = self.sampler.guard_kills
            seen = (
                f"killed by the red team's memory guard at {kills[-1]:.0f} MB"
                if kills
                else f"exited with {process.returncode}"
            )
            probe.check("the service kept running", False, seen)
            await asyncio.to_thread(self.service.start)  # for the probes after this one
        result = ProbeResult(
            name=name,
            engine=self.engine.name,
            requests=probe.tally.requests,
            outcomes=dict(probe.tally.outcomes),
            five_xx=probe.tally.five_xx,
            uncoded_five_xx=probe.tally.uncoded_five_xx,
            max_latency_s=round(max(probe.tally.latencies, default=0.0), 3),
            over_deadline=probe.tally.over(self.limit_s),
            peak_rss_mb=round(self.sampler.window_peak, 1),
            peak_engine_rss_mb=round(self.sampler.window_engine_peak, 1) or None,
            seconds=round(time.monotonic() - started, 1),
            expected=expected,
            background=Background.of(self._background, self.limit_s, down_expected),
            checks=probe.checks,
            notes=probe.notes,
        )
        self.results.append(result)
        verdict = "pass" if result.passed else "FAIL"
        print(
            f"    {verdict}: {result.requests} requests {result.outcomes} max "
            f"{result.max_latency_s:.2f} s, peak {result.peak_rss_mb:.0f} MB, normal "
            f"{result.background.requests}/{result.background.errors} err "
            f"max {result.background.max_ms:.0f} ms {result.failed_checks or ''}",
            flush=True,
        )

    async def run(self) -> list[ProbeResult]:
        if self.engine.neo4j is not None:
            await self._clear_neo4j()
        started = time.monotonic()
        await asyncio.to_thread(self.service.start)
        print(f"[{self.engine.name}] service ready in {time.monotonic() - started:.0f} s")
        self.sampler.start()
        limits = httpx.Limits(max_connections=self.max_connections)
        timeout = httpx.Timeout(self.limit_s + 10)
        background: asyncio.Task[None] | None = None
        try:
            async with httpx.AsyncClient(
                base_url=self.service.url, limits=limits, timeout=timeout
            ) as self.client:
                background = asyncio.create_task(self.background())
                for step in (
                    self.baseline,
                    self.doubling_fragments,
                    self.nested_connections,
                    self.dearest_admitted,
                    self.operation_names,
                    self.malformed_bodies,
                    self.client_mistakes,
                    self.slow_bodies,
                    self.slow_headers,
                    self.uploads,
                    self.merger_during_load,
                    self.restart_keeps_state,
                    self.killed_import,
                    self.frozen_engine,
                    self.fuzzing,
                    self.baseline,
                ):
                    if self.only is None or step.__name__ in self.only:
                        await step()
        finally:
            self._background_stop.set()
            if background is not None:
                await background
            self.sampler.stop()
            self.service.stop()
        return self.results

    async def _clear_neo4j(self) -> None:
        async with self.engine.open_store() as store:
            await store.write("graph_clear")

    async def baseline(self) -> None:
        async with self.probe("cookbook queries (control)", ["200 ok"]) as probe:
            for query in self.recipes * 3:
                await self.graphql(probe, query)

    async def doubling_fragments(self) -> None:
        expected = ["200 COST_EXCEEDED", "200 LIMIT_EXCEEDED"]
        async with self.probe(
            "doubling fragments, 16–30 levels (1.3 KB), then 8 at once", expected
        ) as probe:
            for levels in (16, 20, 22, 26, 30):
                for leaf in ("name", "parent { name }", "a: name"):
                    await self.graphql(probe, attacks.doubling_fragments(levels, leaf))
            document = attacks.doubling_fragments(30)
            await asyncio.gather(*(self.graphql(probe, document) for _ in range(8)))
            probe.notes = f"{len(document)} bytes at 30 levels"

    async def nested_connections(self) -> None:
        document = attacks.nested_connections(30)
        async with self.probe(
            f"30 aliases of nested connections, first: 500 ({len(document) / 1000:.1f} KB): "
            "alone, two at once, eight at once",
            ["200 COST_EXCEEDED"],
        ) as probe:
            await self.graphql(probe, document)
            await asyncio.gather(*(self.graphql(probe, document) for _ in range(2)))
            await asyncio.gather(*(self.graphql(probe, document) for _ in range(8)))

    async def dearest_admitted(self) -> None:
        fillers = budget_fillers(Limits())
        async with self.probe(
            "the dearest admitted queries (just under the price budget), 8 at once",
            ["200 ok", "200 DEADLINE_EXCEEDED", "200 BUSY"],
            notes="; ".join(fillers),
        ) as probe:
            jobs = [
                (lambda d=document: self.graphql(probe, d))
                for document in fillers.values()
                for _ in range(4)
            ]
            await self.gather_bounded(jobs, 8)

    async def operation_names(self) -> None:
        async with self.probe(
            f"{self.opnames:,} requests with distinct operationNames", ["200 ok"]
        ) as probe:
            for name in ("Warm", None):  # the labels these requests can make, first
                await self.graphql(
                    None, f"query {name or ''} {{ __typename }}", operation_name=name
                )
            before = (await self.http.get("/metrics")).text
            jobs = [
                (
                    lambda n=n: self.graphql(
                        probe, f"query Op{n} {{ __typename }}", operation_name=f"Op{n}"
                    )
                )
                for n in range(self.opnames)
            ]
            await self.gather_bounded(jobs, 8)
            after = (await self.http.get("/metrics")).text

            def series(text: str) -> int:
                return sum(1 for line in text.splitlines() if line.startswith("reformgraph_"))

            probe.check(
                "/metrics series unchanged",
                series(before) == series(after),
                f"{series(before)} → {series(after)} series",
            )
            probe.notes = f"/metrics {len(before):,} → {len(after):,} bytes"

    async def malformed_bodies(self) -> None:
        async with self.probe(
            "malformed bodies: JSON nested 1,000 and 100,000 deep, null, a number, a string, "
            "invalid UTF-8, …",
            ["400 BAD_INPUT"],
        ) as probe:
            for body in attacks.MALFORMED_BODIES.values():
                await self.request(probe, body)

    async def client_mistakes(self) -> None:
        async with self.probe(
            "query { }, an unknown fragment, 550 chained fragments, a bad cursor, a NUL byte, "
            "a lone surrogate, 300 nested selections; mergerImpact with 2,062 bodies",
            ["200 BAD_INPUT", "200 LIMIT_EXCEEDED"],
        ) as probe:
            for _, query, variables in attacks.CLIENT_MISTAKES:
                await self.request(probe, attacks.client_mistake_body(query, variables))
            await self.request(probe, json.dumps(attacks.merger_impact_bodies(2_062)).encode())

    async def _slow(
        self, first: bytes, trickle: bytes = b"", every_s: float = 2.0
    ) -> tuple[str, float]:
        """Open a connection, send ``first``, then ``trickle`` a byte every ``every_s``; what
        the server does within the deadline plus 10 s: its answer and when, that it closed
        the connection, or that it held it open all that time."""
        wait_s = self.limit_s + 10
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.service.port)
        head = b""
        try:
            writer.write(first)
            await writer.drain()
            sent = 0
            while time.perf_counter() - started < wait_s:
                try:
                    head = await asyncio.wait_for(reader.read(4096), every_s)
                    head += await self._rest_of_answer(reader)
                    break  # an answer, or b"" when the server closed the connection
                except TimeoutError:
                    pass
                except ConnectionError:
                    break
                if sent < len(trickle):
                    try:
                        writer.write(trickle[sent : sent + 1])
                        await writer.drain()
                    except ConnectionError:
                        break
                    sent += 1
            else:
                return HELD, time.perf_counter() - started
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        elapsed = time.perf_counter() - started
        if not head.startswith(b"HTTP/"):
            return CLOSED, elapsed
        status = int(head.split(b" ", 2)[1])
        body = head.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in head else b""
        return label(status, body, "application/json"), elapsed

    @staticmethod
    async def _rest_of_answer(reader: asyncio.StreamReader) -> bytes:
        """What follows an answer's first bytes until the server closes the connection (its
        head and body may come in separate writes; at most a few seconds)."""
        rest = b""
        with contextlib.suppress(TimeoutError, ConnectionError):
            while chunk := await asyncio.wait_for(reader.read(4096), 3):
                rest += chunk
        return rest

    async def slow_bodies(self) -> None:
        body = json.dumps({"query": "{ regions { name } }", "padding": "x" * 500}).encode()
        head = (
            f"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json"
            f"\r\ncontent-length: {len(body)}\r\n\r\n"
        ).encode()
        async with self.probe(
            "slow connections: half a body then silence; a body sent a byte every 2 s; "
            "4 of each at once",
            ["408 LIMIT_EXCEEDED"],
        ) as probe:
            results = await asyncio.gather(
                *(self._slow(head + body[: len(body) // 2]) for _ in range(4)),
                *(self._slow(head, body) for _ in range(4)),
            )
            for outcome, seconds in results:
                probe.tally.add(outcome, seconds)

    async def slow_headers(self) -> None:
        head = b"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        async with self.probe(
            "slow connections: half the headers then silence; headers sent a byte every 2 s; "
            "a connection that sends nothing; 4 of each at once",
            [CLOSED, "408 LIMIT_EXCEEDED"],
        ) as probe:
            results = await asyncio.gather(
                *(self._slow(head[:40]) for _ in range(4)),
                *(self._slow(b"", head) for _ in range(4)),
                *(self._slow(b"") for _ in range(4)),
            )
            for outcome, seconds in results:
                probe.tally.add(outcome, seconds)

    async def _upload(
        self, probe: Probe, name: str, content: bytes, *, preflight: bool = True
    ) -> tuple[str, Any]:
        operations = {"query": UPLOAD_LIST, "variables": {"file": None}}
        return await self.request(
            probe,
            None,
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": (name, content, "application/octet-stream")},
            headers={"graphql-require-preflight": "1"} if preflight else None,
        )

    async def uploads(self) -> None:
        fixture = (REPO_ROOT / "tests/fixtures/tabular/haibowan_list.csv").read_bytes()
        files = {
            "zip bomb: one merged range over the whole sheet": (
                "merged.xlsx",
                attacks.xlsx_merged_bomb(),
            ),
            "zip bomb: 2,000,000 cells": ("cells.xlsx", attacks.xlsx_cell_bomb(200_000, 10)),
            "a cell at XFD1048576": ("far.xlsx", attacks.xlsx_far_cell()),
            "a CSV of 10 MB": ("big.csv", attacks.list_csv(9_990_000)),
        }
        sizes = ", ".join(f"{k} {len(v[1]) / 1000:,.0f} KB" for k, v in files.items())
        async with self.probe(
            "uploads: no preflight header, over the cap, XLSX zip bombs, a CSV of 10 MB "
            "(dry runs, no key)",
            ["200 ok", "400 BAD_INPUT", "413 LIMIT_EXCEEDED", "200 LIMIT_EXCEEDED"],
            notes=sizes,
        ) as probe:
            outcome, _ = await self._upload(probe, "list.csv", fixture)
            probe.check("the fixture list previews", outcome == "200 ok", outcome)
            outcome, _ = await self._upload(probe, "list.csv", fixture, preflight=False)
            probe.check("no preflight header: 400 BAD_INPUT", outcome == "400 BAD_INPUT", outcome)
            outcome, _ = await self._upload(probe, "big.csv", b"x" * 10_500_000)
            probe.check("over the cap: 413", outcome == "413 LIMIT_EXCEEDED", outcome)
            for what, (name, content) in files.items():
                outcome, _ = await self._upload(probe, name, content)
                answered = outcome.endswith(" ok") or outcome.endswith("LIMIT_EXCEEDED")
                probe.check(f"{what}: answered", answered, outcome)

    async def _merger(self, probe: Probe | None) -> tuple[str, dict[str, Any] | None]:
        """Apply the next pair's merger; its result when applied."""
        bodies = self.sample.pairs.pop()
        outcome, payload = await self.graphql(
            probe,
            APPLY,
            {"bodies": bodies, "newName": f"红队合并局{len(self.sample.pairs)}"},
            token=KEY,
        )
        if outcome == "200 ok":
            result = {**payload["data"]["applyMerger"], "bodies": bodies}
            if result.get("applied") is True:
                self.applied.append(result)
                return outcome, result
        return outcome, None

    async def _mergers_in_graph(self) -> list[str]:
        """The applied mergers not wholly in the graph (bodies closed with no holdings, the
        new body created by the event)."""
        missing = []
        for merger in self.applied:
            a, b = merger["bodies"]
            _, payload = await self.graphql(
                None, CHECK, {"a": a, "b": b, "target": merger["targetKey"]}
            )
            expected = {
                "a": {"validTo": "2021-01", "holds": {"totalCount": 0}},
                "b": {"validTo": "2021-01", "holds": {"totalCount": 0}},
                "target": {"createdBy": [{"key": merger["eventKey"]}]},
            }
            if (payload or {}).get("data") != expected:
                missing.append(merger["eventKey"])
        return missing

    async def _marker_loaded(self) -> bool | None:
        outcome, _ = await self.graphql(None, f'{{ region(key: "{MARKER}") {{ name }} }}')
        if outcome == "200 ok":
            return True
        return False if outcome == "200 NOT_FOUND" else None

    async def merger_during_load(self) -> None:
        async with self.probe(
            "applyMerger(dryRun: false) every 50 ms during a `reformgraph load` of the sample",
            ["200 ok", "200 BUSY", "200 CONFLICT", "200 DEADLINE_EXCEEDED"],
        ) as probe:
            loader = Loader(self.loader_env, self.sample.reload_file)
            try:
                planned = await loader.wait_planned()
                probe.check("the load planned its write", planned, loader.output[-500:])
                while loader.process.poll() is None and len(self.sample.pairs) > 20:
                    await self._merger(probe)
                    await asyncio.sleep(0.05)
                code = await loader.finished()
            finally:
                loader.kill()
            applied = [m for m in self.applied]
            probe.notes = f"{len(applied)} mergers applied; the load exited {code}"
            marker = await self._marker_loaded()
            if code == 0:
                probe.check("the load applied its data", marker is True, marker)
            else:
                said = "not loaded: writes were acknowledged" in loader.output
                probe.check(
                    "the failed load said why and wrote nothing",
                    said and marker is False,
                    loader.output[-300:],
                )
            missing = await self._mergers_in_graph()
            probe.check("every applied merger is in the graph", not missing, missing)

    async def _fingerprint(self) -> dict[str, Any]:
        async with self.engine.open_store() as store:
            counts = (await store.read("graph_counts"))[0]
            meta = await store.meta()
        return {
            "counts": dict(counts),
            "version": meta.version,
            "loadedFrom": sorted(meta.loaded_from),
            "mergers missing": await self._mergers_in_graph(),
        }

    async def restart_keeps_state(self) -> None:
        async with self.probe(
            "a merger, then a restart of the service", ["200 ok", "200 BUSY"], down_expected=True
        ) as probe:
            for _ in range(10):  # a load's lock may still be held: BUSY, then try again
                outcome, applied = await self._merger(probe)
                if applied is not None:
                    break
                await asyncio.sleep(1)
            probe.check("a merger applied", applied is not None, outcome)
            before = await self._fingerprint()
            await asyncio.to_thread(self.service.stop)
            await asyncio.to_thread(self.service.start)
            after = await self._fingerprint()
            probe.check(
                "the same graph after the restart (counts, version, mergers)",
                before == after,
                f"{before} → {after}",
            )
            probe.notes = f"{len(self.applied)} mergers checked"

    async def killed_import(self) -> None:
        async with self.probe(
            "`reformgraph load` killed with kill -9 mid-import, then a restart",
            ["200 ok", "200 BUSY"],
            down_expected=True,
        ) as probe:
            before = await self._fingerprint()
            loader = Loader(self.loader_env, self.sample.reload_file)
            try:
                await loader.wait_planned()
                if self.engine.name == "falkordb":
                    staging: list[str] = []
                    while not staging and loader.process.poll() is None:
                        staging = await asyncio.to_thread(self.engine.staging_keys)
                        await asyncio.sleep(0.005)
                    loader.process.send_signal(signal.SIGKILL)
                    loader.process.wait()
                    left = await asyncio.to_thread(self.engine.staging_keys)
                    probe.check("killed while its staging copy existed", bool(left), left)
                else:
                    await asyncio.sleep(0.3)  # inside its transaction
                    loader.process.send_signal(signal.SIGKILL)
                    loader.process.wait()
            finally:
                loader.kill()
            await asyncio.to_thread(self.service.stop)
            await asyncio.to_thread(self.service.start)
            if self.engine.name == "falkordb":
                left = await asyncio.to_thread(self.engine.staging_keys)
                probe.check("no staging copy after start-up", not left, left)
            after = await self._fingerprint()
            probe.check(
                "nothing of the killed import in the graph", before == after, f"{before} → {after}"
            )
            # the killed writer's lock expires (15 s at most): then a merger applies again
            applied = None
            deadline = time.monotonic() + 30
            while applied is None and time.monotonic() < deadline:
                outcome, applied = await self._merger(probe)
                if applied is None:
                    await asyncio.sleep(1)
            probe.check("a merger applies again", applied is not None, outcome)

    async def frozen_engine(self) -> None:
        pid = self.engine.engine_pid(self.data_dir)
        async with self.probe(
            "the engine frozen (SIGSTOP) for 15 s: queries, a merger, /readyz; then SIGCONT",
            [
                "200 BACKEND_UNAVAILABLE",
                "200 DEADLINE_EXCEEDED",
                "503 BACKEND_UNAVAILABLE",
                "200 ok",
                "200 BUSY",
            ],
            down_expected=True,
        ) as probe:
            if pid is None:
                probe.notes = "not run: the red team does not own this engine (see --neo4j-dir)"
                return
            os.kill(pid, signal.SIGSTOP)
            frozen_at = time.monotonic()
            try:
                frozen: list[tuple[str, Any]] = await asyncio.gather(
                    *(self.graphql(probe, q) for q in self.recipes[:6]),
                    self.graphql(
                        probe,
                        APPLY,
                        {"bodies": self.sample.pairs[-1], "newName": "冻结"},
                        token=KEY,
                    ),
                )
                ready = await self.request(
                    probe, None, method="GET", path="/readyz", content_type=None
                )
                health = await self.http.get("/healthz")
                # still frozen: another round, to see that nothing piles up
                await asyncio.gather(*(self.graphql(probe, q) for q in self.recipes[:6]))
                await asyncio.sleep(max(0.0, 15 - (time.monotonic() - frozen_at)))
            finally:
                os.kill(pid, signal.SIGCONT)
            codes = sorted({outcome for outcome, _ in frozen})
            probe.check(
                "every query and the merger: BACKEND_UNAVAILABLE or DEADLINE_EXCEEDED",
                set(codes) <= {"200 BACKEND_UNAVAILABLE", "200 DEADLINE_EXCEEDED"},
                codes,
            )
            probe.check("/readyz 503 while frozen", ready[0].startswith("503"), ready[0])
            probe.check("/healthz 200 while frozen", health.status_code == 200, health.status_code)
            thawed = time.monotonic()
            recovered = None
            while time.monotonic() - thawed < 60:
                outcome, _ = await self.graphql(None, self.recipes[0])
                if outcome == "200 ok":
                    recovered = time.monotonic() - thawed
                    break
                await asyncio.sleep(0.2)
            probe.check("queries answer again after SIGCONT", recovered is not None)
            applied = None
            deadline = time.monotonic() + 30
            while applied is None and time.monotonic() < deadline:
                outcome, applied = await self._merger(probe)
                if applied is None:
                    await asyncio.sleep(1)
            probe.check("a merger applies again after SIGCONT", applied is not None, outcome)
            if recovered is not None:
                probe.notes = f"recovered {recovered:.1f} s after SIGCONT"

    async def fuzzing(self) -> None:
        rng = random.Random(14)
        requests = list(attacks.fuzz_requests(rng, self.fuzz, self.recipes))
        kinds = sorted({r.kind for r in requests})
        async with self.probe(
            f"fuzzing: {self.fuzz} random bodies and queries (seed 14: {', '.join(kinds)})",
            ["200 *", "400 *", "413 *", "415 *"],
        ) as probe:
            jobs = [
                (lambda r=r: self.request(probe, r.body, content_type=r.content_type or None))
                for r in requests
            ]
            await self.gather_bounded(jobs, 8)


# ---------------------------------------------------------------------- engines and main


def _neo4j_pid(folder: Path) -> Callable[[Path], int | None]:
    def pid(_: Path) -> int | None:
        try:
            return int((folder / "run" / "neo4j.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    return pid


def falkordb_engine() -> Engine:
    """The local engine ``serve`` starts in its data folder, on a port chosen here (restarts
    keep it, and the loader is pointed at it)."""
    port = free_port()

    def pid(data_dir: Path) -> int | None:
        try:
            return int((data_dir / "engine.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    return Engine(
        "falkordb",
        {"REFORMGRAPH_ENGINE_PORT": str(port)},
        {"REFORMGRAPH_FALKORDB_PORT": str(port)},
        pid,
        falkordb_port=port,
    )


@contextlib.contextmanager
def neo4j_engine(neo4j_dir: Path | None) -> Any:
    """Neo4j from ``NEO4J_URI`` (frozen only if ``neo4j_dir`` says where its pid is), or one
    started here from the shared server (stopped on exit); None when there is none."""
    uri = os.environ.get("NEO4J_URI")
    started: Path | None = None
    script = neo4j_local()
    if not uri and script is not None:
        started = REPO_ROOT / ".reformgraph" / "redteam-neo4j"
        port = free_port()
        subprocess.run([str(script), "start", str(started), str(port)], check=True)
        uri = f"bolt://127.0.0.1:{port}"
        neo4j_dir = started
    if not uri:
        yield None
        return
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD", "unused")
    env = {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
    pid = _neo4j_pid(neo4j_dir) if neo4j_dir is not None else (lambda _: None)
    try:
        yield Engine("neo4j", env, env, pid, neo4j=(uri, user, password))
    finally:
        if started is not None:
            subprocess.run([str(script), "stop", str(started)], check=False)


def machine() -> dict[str, Any]:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0.0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / 1024 / 1024
    cores = os.cpu_count() or 0
    return {
        "description": f"{cores} cores ({cpu}), {memory:.0f} GB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}",
        "load_average": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


async def attack(engine: Engine, args: argparse.Namespace) -> list[ProbeResult]:
    with tempfile.TemporaryDirectory(prefix=f"redteam-{engine.name}-") as folder:
        only = {p.strip() for p in args.probes.split(",")} if args.probes else None
        team = RedTeam(
            engine,
            Path(folder),
            args.max_connections,
            args.fuzz,
            args.opnames,
            args.memory_guard_mb,
            only,
        )
        loopback_only(team.service.url)
        try:
            return await team.run()
        except Exception:
            log = team.service.log
            if log.exists():
                print(log.read_text()[-3000:], file=sys.stderr)
            raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="falkordb,neo4j")
    parser.add_argument("--max-connections", type=int, default=16)
    parser.add_argument("--fuzz", type=int, default=600, help="fuzzed requests")
    parser.add_argument("--opnames", type=int, default=5_000, help="distinct operation names")
    parser.add_argument(
        "--neo4j-dir",
        type=Path,
        default=None,
        help="the neo4j-local folder of the Neo4j at NEO4J_URI, if this run may freeze it",
    )
    parser.add_argument(
        "--memory-guard-mb",
        type=float,
        default=2_000,
        help="kill the service if its memory passes this (the machine is shared)",
    )
    parser.add_argument("--probes", default="", help="only these probes (method names)")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--docs", action="store_true", help="write the table into docs")
    args = parser.parse_args()
    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    started = time.monotonic()
    run: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": machine(),
        "deadline_s": DEADLINE_S,
        "slack_s": SLACK_S,
        "max_connections": args.max_connections,
        "engines": [],
        "probes": [],
    }
    results: list[ProbeResult] = []
    if "falkordb" in wanted:
        results += asyncio.run(attack(falkordb_engine(), args))
        run["engines"].append("falkordb")
    if "neo4j" in wanted:
        with neo4j_engine(args.neo4j_dir) as engine:
            if engine is None:
                print("no Neo4j (NEO4J_URI unset, no shared server): Neo4j not attacked")
            else:
                results += asyncio.run(attack(engine, args))
                run["engines"].append("neo4j")
    run["seconds"] = round(time.monotonic() - started, 1)
    run["probes"] = [p.to_json() for p in results]
    output = args.output or RESULTS / f"{run['date']}-redteam.json"
    run["output"] = str(
        output.relative_to(REPO_ROOT) if output.is_relative_to(REPO_ROOT) else output
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    print()
    print(markdown_table(results))
    print()
    print("\n".join(Targets.of(results).lines(DEADLINE_S, SLACK_S)))
    print(f"\nwrote {output}")
    if args.docs:
        RELIABILITY_DOC.write_text(replace_section(RELIABILITY_DOC.read_text(), doc_section(run)))
        print(f"wrote {RELIABILITY_DOC.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
