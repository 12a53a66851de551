"""The service now against the service at an earlier commit, on FalkorDB, in one run: is any
headline query slower than it was?

Issue 19 asks that on FalkorDB no query get slower than the full bench of 2026-11-30 (commit
``b11099d``). Figures from runs on different days cannot say it on this machine: two cores
shared with other work moved the raw driver's times of the same statements 1.2-3x between the
full runs of 2026-11-30 and 2026-12-01. So both versions run here, in turns:

* the earlier commit is checked out in a git worktree with a virtualenv of its own, installed
  from that commit's own ``pyproject.toml`` (its dependencies as it declared them), plus httpx,
  which its ``bench.service`` imports;
* each version loads the same synthetic profile (same seed and scale) with its own loader into
  a graph of its own on one local FalkorDB engine, as the graph model may differ between them;
* each version serves its graph as its own ``bench.service`` runs it (the way its full bench
  measured it);
* each headline query of :mod:`bench.query_bench`, and the ``{ __typename }`` floor, is sent to
  both: their ``data`` must be equal, or the query is reported and not timed; then both are
  timed at concurrency 1 in alternating rounds (a burst of load on the machine falls on both).

The result per query is each side's p50 and their ratio, now over then:
``bench/results/<date>-falkordb-against-<commit>.json`` and, with ``--docs``, the ``against``
block of ``docs/performance.md``. Each profile's pair of graphs is deleted before the next
profile loads. The "now" side is this checkout's working tree, named by its commit, with
``-dirty`` when tracked files differ from it.

    python -m bench.against_commit b11099d --docs     # both profiles at scale 1.0, as `make bench`
    python -m bench.against_commit b11099d --profiles inner-mongolia:0.3   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import redis

from bench import page
from bench.http_client import Connection, failed, graphql_request
from bench.query_bench import headline_queries
from bench.service import Service
from graph_loaders.synthetic import generate
from graph_store.local_engine import LocalEngine

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "bench" / "results"
#: What each version runs to load the profile into its graph (argv: port, graph, profile,
#: scale), with its own code on ``sys.path``: the store and importer calls both versions have.
LOAD_SCRIPT = """
import asyncio, sys
from cypher.registry import CypherRegistry
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store.falkordb_store import FalkorDBStore

async def load(port, graph, profile, scale):
    store = FalkorDBStore(CypherRegistry("falkordb"), "127.0.0.1", port, graph,
                          query_timeout_ms=1_800_000, import_timeout_ms=1_800_000)
    try:
        await store.apply_schema()
        await import_dataset(store, generate(profile, seed=1, scale=scale))
    finally:
        await store.close()

asyncio.run(load(int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])))
"""


@dataclass(frozen=True)
class Version:
    """One side of the comparison: a source tree and the interpreter that runs it."""

    name: str
    tree: Path
    python: Path

    def environment(self) -> dict[str, str]:
        """The environment its processes run in: its own tree first on the path, and nothing
        that would point it at another engine or graph."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("NEO4J_", "REFORMGRAPH_"))
        }
        env["PYTHONPATH"] = str(self.tree)
        return env

    def load(self, port: int, graph: str, profile: str, scale: float) -> subprocess.Popen[bytes]:
        """Start loading ``profile`` at ``scale`` into ``graph`` with this version's loader.

        Never two at once: an earlier version may not take the engine's write lock, nor leave
        its log rewrites to the store, and a rewrite of the engine's log during another's
        graph copy hangs FalkorDB (``graph_store/falkordb_store.py``). Two loads at once,
        ``b11099d``'s and this one's, left the engine not answering in this bench's first run,
        a defunct child process beside it (most likely that hang)."""
        command = [str(self.python), "-c", LOAD_SCRIPT, str(port), graph, profile, str(scale)]
        return subprocess.Popen(command, cwd=self.tree, env=self.environment())

    @contextmanager
    def serving(self, engine_port: int, graph: str) -> Iterator[int]:
        """This version's ``bench.service`` on ``graph``, for the block; yields its port."""
        settings = {
            "falkordb_host": "127.0.0.1",
            "falkordb_port": engine_port,
            "graph_name": graph,
            "dataset_dir": None,
            "query_timeout_ms": 120_000,
        }
        service = Service(settings, python=self.python, tree=self.tree, env=self.environment())
        with service:
            yield service.port


@contextmanager
def checked_out(commit: str, folder: Path) -> Iterator[Version]:
    """``commit`` in a git worktree under ``folder`` with a virtualenv of its own (its own
    declared dependencies, and httpx for its ``bench.service``); removed afterwards."""
    tree = folder / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), commit], cwd=REPO_ROOT, check=True
    )
    try:
        subprocess.run([sys.executable, "-m", "venv", str(tree / ".venv")], check=True)
        python = tree / ".venv" / "bin" / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-e", str(tree), "httpx"], check=True
        )
        yield Version(commit, tree, python)
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(tree)], cwd=REPO_ROOT, check=False
        )


def p50_ratio(then_ms: list[float], now_ms: list[float]) -> dict[str, Any]:
    """The two sides' p50s and now/then (below 1: faster now), with the verdict."""
    then_p50, now_p50 = statistics.median(then_ms), statistics.median(now_ms)
    ratio = now_p50 / then_p50
    return {
        "then_p50_ms": round(then_p50, 2),
        "now_p50_ms": round(now_p50, 2),
        "now_over_then": round(ratio, 2),
        "slower": ratio > 1.0,
    }


async def _answer(port: int, request: bytes) -> Any:
    """The ``data`` of one answer (which also warms the service up for the query)."""
    connection = await Connection.open(port)
    try:
        status, body = await connection.send(request)
    finally:
        await connection.close()
    if failed(status, body):
        raise RuntimeError(f"the query failed: {status} {body[:300]!r}")
    return json.loads(body).get("data")


async def compare(
    ports: dict[str, int], queries: dict[str, str], rounds: int, requests: int
) -> dict[str, dict[str, Any]]:
    """Each query on both sides (``then``, ``now``): their answers compared, then timed in
    ``rounds`` alternating turns of ``requests`` each. Each turn opens its connection (not
    timed): a side's turn can outlast the other's keep-alive timeout (5 s), which closes an
    idle connection."""
    results: dict[str, dict[str, Any]] = {}
    for name, query in queries.items():
        sent = {side: graphql_request(port, query) for side, port in ports.items()}
        answers = {side: await _answer(port, sent[side]) for side, port in ports.items()}
        if answers["then"] != answers["now"]:
            results[name] = {"answers_equal": False}
            print(f"{name}: the answers differ, not timed", flush=True)
            continue
        times: dict[str, list[float]] = {side: [] for side in ports}
        for turn in range(rounds):
            for side in ["then", "now"] if turn % 2 == 0 else ["now", "then"]:
                connection = await Connection.open(ports[side])
                try:
                    for _ in range(requests):
                        started = time.perf_counter()
                        await connection.send(sent[side])
                        times[side].append((time.perf_counter() - started) * 1000)
                finally:
                    await connection.close()
        results[name] = {"answers_equal": True, **p50_ratio(times["then"], times["now"])}
        print(f"{name}: {results[name]}", flush=True)
    return results


def markdown(result: dict[str, Any]) -> str:
    """The ``against`` block of docs/performance.md: a table per profile."""
    lines = [
        f"Measured by `python -m bench.against_commit {result['then']}` on {result['date']}: "
        f"the service at `{result['now']}` against the service at `{result['then']}` (each "
        "with its own dependencies, loader and `bench.service`), on one local FalkorDB; "
        f"answers checked equal, then {result['rounds']} alternating rounds of "
        f"{result['requests']} requests at concurrency 1 per side. Below 1: faster now. "
        f"Raw results: `bench/results/{result_file_name(result)}`.",
    ]
    for profile in result["profiles"]:
        lines += [
            "",
            f"Profile `{profile['profile']}` at scale {profile['scale']}:",
            "",
            "| query | then p50 ms | now p50 ms | now / then |",
            "|---|---|---|---|",
        ]
        for name, figures in profile["queries"].items():
            if not figures["answers_equal"]:
                lines.append(f"| `{name}` | answers differ | | |")
                continue
            lines.append(
                f"| `{name}` | {figures['then_p50_ms']} | {figures['now_p50_ms']} | "
                f"{figures['now_over_then']} |"
            )
    slower = [
        f"{name} ({profile['profile']})"
        for profile in result["profiles"]
        for name, figures in profile["queries"].items()
        if figures.get("slower")
    ]
    lines += ["", f"Slower now: {', '.join(slower) if slower else 'none'}."]
    return "\n".join(lines) + "\n"


def result_file_name(result: dict[str, Any]) -> str:
    """Where a run's result goes, under ``bench/results/``."""
    return f"{result['date']}-falkordb-against-{result['then']}.json"


def _git(*args: str, repo: Path = REPO_ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def _revision(commit: str) -> str:
    return _git("rev-parse", "--short", commit)


def working_tree_revision(repo: Path = REPO_ROOT) -> str:
    """What the "now" side runs: the working tree, named by its commit, with ``-dirty`` when
    tracked files differ from it (a run with uncommitted changes is not the commit's; it was
    labelled as if it were)."""
    return _git("describe", "--always", "--dirty", "--exclude", "*", repo=repo)


async def run(
    commit: str, profiles: list[tuple[str, float]], rounds: int, requests: int
) -> dict[str, Any]:
    """The whole comparison, profile by profile; the result as written to the results file."""
    now = Version(working_tree_revision(), REPO_ROOT, Path(sys.executable))
    measured: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="reformgraph-against-") as folder, ExitStack() as stack:
        then = stack.enter_context(checked_out(_revision(commit), Path(folder)))
        engine = LocalEngine(Path(folder) / "engine")
        engine.start()
        stack.callback(engine.stop)
        versions = {"then": then, "now": now}
        for profile, scale in profiles:
            print(f"{profile} at scale {scale}: loading ...", flush=True)
            queries = headline_queries(generate(profile, seed=1, scale=scale))  # type: ignore[arg-type]
            queries["floor"] = "{ __typename }"
            graphs = {side: f"against-{side}-{profile}-{scale}" for side in versions}
            for side, version in versions.items():  # one after the other: see load()
                if version.load(engine.port, graphs[side], profile, scale).wait() != 0:
                    raise RuntimeError(f"{version.name} failed to load {profile} at {scale}")
            with ExitStack() as serving:
                ports = {
                    side: serving.enter_context(version.serving(engine.port, graphs[side]))
                    for side, version in versions.items()
                }
                queried = await compare(ports, queries, rounds, requests)
            measured.append({"profile": profile, "scale": scale, "queries": queried})
            await asyncio.to_thread(_drop, engine, graphs.values())
    return {
        "engine": "falkordb",
        "date": date.today().isoformat(),
        "then": then.name,
        "now": now.name,
        "rounds": rounds,
        "requests": requests,
        "profiles": measured,
    }


def _drop(engine: LocalEngine, graphs: Iterable[str]) -> None:
    """Delete ``graphs`` from the engine (the next profile's pair gets its memory)."""
    client = redis.Redis(host=engine.host, port=engine.port)
    try:
        for graph in graphs:
            client.delete(graph)
    finally:
        client.close()


def _profile(text: str) -> tuple[str, float]:
    name, _, scale = text.partition(":")
    return name, float(scale or 1.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the earlier commit (b11099d: the full bench of 11-30)")
    parser.add_argument(
        "--profiles",
        default="inner-mongolia:1.0,national:1.0",
        help="PROFILE:SCALE, comma-separated (the full bench's by default)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--docs", action="store_true", help="write the table into docs")
    args = parser.parse_args(argv)
    profiles = [_profile(text) for text in args.profiles.split(",")]
    result = asyncio.run(run(args.commit, profiles, args.rounds, args.requests))
    output = RESULTS / result_file_name(result)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(result))
    if args.docs:
        page.update({"against": markdown(result)})
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
