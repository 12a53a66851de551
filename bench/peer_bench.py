"""reformgraph beside @neo4j/graphql on the same Neo4j: the same questions, answers checked
equal first, then timed in alternating rounds.

It loads a synthetic profile into the Neo4j at ``NEO4J_URI`` (the database is cleared first:
point it at a scratch one), starts reformgraph (:mod:`bench.service`, uvicorn in its own
process) and the peer (:mod:`bench.peer`: @neo4j/graphql 7 on Apollo Server 5, ``node`` in its
own process) against it, and for each question of :mod:`bench.side_by_side`:

1. asks both once and compares their normalised answers; a pair that differs stops the run
   (nothing is timed that does not answer the same question the same way). The peer runs with
   its debug log on for this step only, which gives the Cypher it generated per question; the
   statements reformgraph ran are traced in process (:func:`graph_store.trace_statements`);
2. times both in ``rounds`` rounds, the two sides taking turns within each round and the side
   that goes first alternating between rounds, so that a burst of load on this shared machine
   falls on both: per round and side, ``c1`` requests one at a time (latency) and ``c8``
   requests eight in flight (throughput).

Results: ``bench/results/<date>-neo4j-peer[-quick].json`` and the peer block of
``docs/performance.md``.

    NEO4J_URI=bolt://127.0.0.1:7687 python -m bench.peer_bench --quick
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bench import page
from bench.engines import Neo4jEngine, neo4j_settings, status_kb
from bench.load import Samples, send
from bench.peer import PeerServer, generated_cypher, installed, versions
from bench.service import Service
from bench.side_by_side import SideBySide, compare, pick_keys, side_by_side_queries
from bench.with_neo4j import deployed_settings
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store import GraphStore, trace_statements
from schema import build_schema
from schema.context import GraphContext

RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: The graph's name for the engine layer (:class:`bench.engines.Neo4jEngine`): Neo4j holds
#: one graph per database, so this is only a name; the database is cleared before and after.
GRAPH = "bench-peer"


@dataclass(frozen=True)
class Plan:
    """How much to measure: the profile's scale and the requests per round and side."""

    mode: str
    scale: float
    rounds: int
    c1: int
    c8: int
    concurrency: int = 8


PLANS = {
    "quick": Plan("quick", scale=0.3, rounds=3, c1=20, c8=80),
    "full": Plan("full", scale=1.0, rounds=5, c1=60, c8=300),
}


@dataclass
class Checked:
    """A question whose answers were found equal, with what each side ran for it."""

    query: SideBySide
    ours_statements: list[str]
    peer_cypher: list[str]
    answer_bytes: int


async def _post(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query})
    answer: dict[str, Any] = response.json()
    if response.status_code != 200 or answer.get("errors"):
        raise RuntimeError(f"{query[:80]}…: HTTP {response.status_code} {response.text[:500]}")
    return answer


async def _statements(schema: Any, store: GraphStore, query: str) -> list[str]:
    """The named statements reformgraph runs for ``query`` (traced in process)."""
    with trace_statements() as trace:
        result = await schema.execute(query, context_value=GraphContext(store=store))
    if result.errors:
        raise RuntimeError(f"{query}: {result.errors}")
    return [name for name, _ in trace.calls]


async def check_all(
    ours_url: str, peer: PeerServer, store: GraphStore, queries: list[SideBySide]
) -> list[Checked]:
    """Ask both sides each question once and refuse any pair whose answers differ
    (:func:`bench.side_by_side.compare`); note the statements each side ran."""
    checked = []
    schema = build_schema()
    async with (
        httpx.AsyncClient(base_url=ours_url, timeout=120) as ours,
        httpx.AsyncClient(base_url=peer.url, timeout=120) as theirs,
    ):
        for query in queries:
            ours_answer = await _post(ours, query.ours)
            before = len(generated_cypher(peer.log()))
            # the library logs a statement before it runs it, and Node writes to a file
            # synchronously: once the answer is here, so is its Cypher
            peer_answer = await _post(theirs, query.peer)
            cypher = generated_cypher(peer.log())[before:]
            normal = query.normalise_ours(ours_answer)
            compare(query.name, normal, query.normalise_peer(peer_answer))
            checked.append(
                Checked(
                    query,
                    await _statements(schema, store, query.ours),
                    cypher,
                    len(json.dumps(normal, ensure_ascii=False).encode()),
                )
            )
            print(f"  {query.name}: answers equal", flush=True)
    return checked


@dataclass
class SideFigures:
    """One side's samples for one question, over every round."""

    c1: Samples = field(default_factory=Samples)
    c8_rps: list[float] = field(default_factory=list)
    c8: Samples = field(default_factory=Samples)

    def as_json(self) -> dict[str, Any]:
        single = self.c1.result("", 1, sum(self.c1.latencies))
        loaded = self.c8.result("", 8, 1.0)
        return {
            "c1_p50_ms": single.p50_ms,
            "c1_p95_ms": single.p95_ms,
            "c1_requests": single.requests,
            "c8_rps": round(statistics.median(self.c8_rps), 1),
            "c8_rps_rounds": self.c8_rps,
            "c8_p50_ms": loaded.p50_ms,
            "c8_p95_ms": loaded.p95_ms,
            "c8_requests": loaded.requests,
            "errors": single.errors + loaded.errors,
        }


class HttpxPoster:
    """httpx in the load generator's shape (:class:`bench.load.Poster`). Both sides of the
    peer bench are sent through it: Node's server may answer in chunks, which the light
    client of the query bench (:mod:`bench.http_client`) does not read."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, query: str) -> tuple[int, bytes]:
        try:
            response = await self.client.post("/graphql", json={"query": query})
        except httpx.HTTPError as error:
            raise OSError(f"{type(error).__name__}: {error}") from error
        return response.status_code, response.content


async def _turn(client: HttpxPoster, query: str, plan: Plan, figures: SideFigures) -> None:
    await send(client, query, plan.c1, 1, figures.c1)
    started = time.perf_counter()
    before = len(figures.c8.latencies)
    await send(client, query, plan.c8, plan.concurrency, figures.c8)
    figures.c8_rps.append(
        round((len(figures.c8.latencies) - before) / (time.perf_counter() - started), 1)
    )


#: A request that reads nothing from the graph: each side's fixed cost per request (HTTP,
#: GraphQL parsing and validation, the server's plugins), measured in the same rounds.
FLOOR = "{ __typename }"


async def time_all(
    urls: dict[str, str], queries: list[SideBySide], plan: Plan
) -> dict[str, dict[str, SideFigures]]:
    """``plan.rounds`` rounds; in each, for each question, both sides take a turn (c=1 then
    c=8), the side that goes first alternating between rounds."""
    names = [q.name for q in queries]
    figures = {name: {side: SideFigures() for side in urls} for name in [*names, "floor"]}
    limits = httpx.Limits(max_connections=plan.concurrency)
    clients = {
        side: httpx.AsyncClient(base_url=url, timeout=120, limits=limits)
        for side, url in urls.items()
    }
    text = {q.name: {"ours": q.ours, "peer": q.peer} for q in queries}
    text["floor"] = {"ours": FLOOR, "peer": FLOOR}
    posters = {side: HttpxPoster(client) for side, client in clients.items()}
    try:
        for query in queries:  # warm-up: caches, plans, connection pools, the JIT
            for side, poster in posters.items():
                await send(poster, text[query.name][side], 10, plan.concurrency, Samples())
        for index in range(plan.rounds):
            order = list(clients) if index % 2 == 0 else list(reversed(clients))
            print(f"  round {index + 1}/{plan.rounds} ({' then '.join(order)})", flush=True)
            for name in [*names, "floor"]:
                for side in order:
                    await _turn(posters[side], text[name][side], plan, figures[name][side])
    finally:
        for client in clients.values():
            await client.aclose()
    return figures


def _rss_mb(pid: int) -> float:
    return round(status_kb(pid, "VmRSS") / 1024, 1)


async def run(plan: Plan) -> dict[str, Any]:
    """Load the profile into Neo4j, check every answer, time both sides; the graph is
    cleared afterwards."""
    settings = neo4j_settings()
    assert settings is not None, "the peer comparison needs Neo4j (NEO4J_URI)"
    target = Neo4jEngine(settings)
    print(f"peer comparison: inner-mongolia at scale {plan.scale} on Neo4j ...", flush=True)
    ds = generate("inner-mongolia", seed=1, scale=plan.scale)
    keys = pick_keys(ds)
    queries = side_by_side_queries(keys)
    async with target.open_store(GRAPH) as store:
        try:
            await target.clear(store)
            await store.apply_schema()
            imported = await import_dataset(store, ds)
            del ds
            counts = (await store.read("graph_counts"))[0]
            server_settings = await read_server_settings(store)
            with Service(target.settings(GRAPH)) as ours:
                with PeerServer(
                    target.uri, target.user, target.password, target.database, debug=True
                ) as peer:
                    checked = await check_all(ours.url, peer, store, queries)
                with PeerServer(target.uri, target.user, target.password, target.database) as peer:
                    figures = await time_all({"ours": ours.url, "peer": peer.url}, queries, plan)
                    rss = {"ours": _rss_mb(ours.pid), "peer": _rss_mb(peer.pid)}
        finally:
            await target.clear(store)
    out: dict[str, Any] = {
        "date": str(date.today()),
        "mode": plan.mode,
        "machine": {"cores": os.cpu_count()},
        "peer_versions": versions(),
        "neo4j_settings": server_settings,
        "graph": {
            "profile": "inner-mongolia",
            "scale": plan.scale,
            "nodes": counts["nodes"],
            "relationships": counts["relationships"],
            "rows_imported": imported.row_count,
        },
        "keys": keys.__dict__,
        "plan": plan.__dict__,
        "rss_mb_after": rss,
        "floor": {side: figures["floor"][side].as_json() for side in ("ours", "peer")},
        "queries": {},
    }
    for item in checked:
        q = item.query
        ours_f = figures[q.name]["ours"].as_json()
        peer_f = figures[q.name]["peer"].as_json()
        out["queries"][q.name] = {
            "title": q.title,
            "ours_query": q.ours,
            "peer_query": q.peer,
            "answer_bytes": item.answer_bytes,
            "ours_statements": item.ours_statements,
            "peer_cypher": item.peer_cypher,
            "peer_nested": q.nested,
            "ours": ours_f,
            "peer": peer_f,
            "rps_ratio": round(ours_f["c8_rps"] / peer_f["c8_rps"], 2),
            "p50_ratio": round(ours_f["c1_p50_ms"] / peer_f["c1_p50_ms"], 2),
        }
    return out


async def read_server_settings(store: GraphStore) -> dict[str, str | None]:
    """The server's value of each setting of ``deploy/neo4j.conf`` (None where it has no such
    setting): the results say whether the run measured the server as deployed."""
    names = sorted(deployed_settings())
    rows = await store.read("neo4j_server_settings", {"names": names})
    found = {row["name"]: row["value"] for row in rows}
    return {name: found.get(name) for name in names}


def settings_sentence(settings: dict[str, str | None] | None) -> str:
    """What the page says of the server's settings: as deployed (``deploy/neo4j.conf``), or
    which differ; nothing for a run that did not record them."""
    if settings is None:
        return ""
    wanted = deployed_settings()
    differ = {name: value for name, value in settings.items() if value != wanted.get(name)}
    if not differ:
        named = ", ".join(f"`{name}={value}`" for name, value in settings.items())
        return f" Neo4j ran with the settings it is deployed with (`deploy/neo4j.conf`: {named})."
    named = ", ".join(f"`{name}={value}`" for name, value in differ.items())
    return f" Neo4j did **not** run as deployed (`deploy/neo4j.conf`): {named}."


def round_ratios(ours: list[float], peer: list[float]) -> list[float]:
    """Each round's req/s ratio, reformgraph over the peer. In a round the two sides' turns
    at a question run back to back, so each ratio compares them under the same load on the
    machine; the median rounds of the table's ratio may come from different rounds."""
    return [round(o / p, 2) for o, p in zip(ours, peer, strict=True)]


def _ratio_with_rounds(ours: dict[str, Any], peer: dict[str, Any], ratio: float) -> str:
    """The table's ratio, with the least and most of its rounds' ratios."""
    rounds = round_ratios(ours["c8_rps_rounds"], peer["c8_rps_rounds"])
    return f"{ratio} ({min(rounds)}-{max(rounds)})"


def markdown(result: dict[str, Any]) -> str:
    """The peer block of docs/performance.md, from one run's results."""
    graph, plan, v = result["graph"], result["plan"], result["peer_versions"]
    lines = [
        f"Measured by `make bench` ({result['mode']} mode, `bench/peer_bench.py`) on "
        f"{result['date']}, on this machine ({result['machine']['cores']} cores): "
        f"reformgraph (uvicorn, one process) and @neo4j/graphql {v['@neo4j/graphql']} on "
        f"@apollo/server {v['@apollo/server']} (Node {v['node']}, one process), against "
        f"the same Neo4j and graph (synthetic `{graph['profile']}` at scale {graph['scale']}: "
        f"{graph['nodes']:,} nodes, {graph['relationships']:,} relationships)."
        f"{settings_sentence(result.get('neo4j_settings'))} Each "
        "question's two answers were checked equal before anything was timed. "
        f"{plan['rounds']} round{'s' if plan['rounds'] != 1 else ''}; in each, per "
        "question, both sides take a turn "
        f"(the first side alternating between rounds): {plan['c1']} requests at "
        f"concurrency 1 (p50: all rounds' requests pooled), then {plan['c8']} at "
        f"concurrency {plan['concurrency']} (req/s: the median round). In brackets, the "
        "least and most of the rounds' own ratios: in a round the two sides' turns run back "
        "to back, under the same load on the machine, so a ratio whose rounds fall on both "
        "sides of 1 is within this machine's noise. Raw results: "
        f"`bench/results/{results_name(result['mode'])}`.",
        "",
        "| query | reformgraph p50 ms (c=1) / req/s (c=8) | @neo4j/graphql p50 ms / req/s | "
        "ratio (req/s) (rounds) | statements rg / peer | errors |",
        "|---|---|---|---|---|---|",
    ]
    for q in result["queries"].values():
        ours, peer = q["ours"], q["peer"]
        how = "" if q["peer_nested"] else " (`@cypher`)"
        lines.append(
            f"| {q['title']} | {ours['c1_p50_ms']} / {ours['c8_rps']} | "
            f"{peer['c1_p50_ms']} / {peer['c8_rps']} | "
            f"{_ratio_with_rounds(ours, peer, q['rps_ratio'])} | "
            f"{len(q['ours_statements'])} / {len(q['peer_cypher'])}{how} | "
            f"{ours['errors'] + peer['errors']} |"
        )
    floor = result["floor"]
    lines += [
        "",
        f"A request that reads nothing (`{FLOOR}`), timed in the same rounds: reformgraph "
        f"{floor['ours']['c1_p50_ms']} ms p50 / {floor['ours']['c8_rps']} req/s, "
        f"@neo4j/graphql {floor['peer']['c1_p50_ms']} ms / {floor['peer']['c8_rps']} req/s: "
        "each side's fixed cost of HTTP and GraphQL in every row above. Memory after the "
        f"run: reformgraph {result['rss_mb_after']['ours']} MB, @neo4j/graphql "
        f"{result['rss_mb_after']['peer']} MB.",
        "",
        "### The queries, and the Cypher @neo4j/graphql generated",
        "",
    ]
    for name, q in result["queries"].items():
        lines += [
            f"**{q['title']}** (`{name}`, "
            f"{q['answer_bytes']:,} bytes normalised). reformgraph runs "
            f"{', '.join(f'`{s}`' for s in q['ours_statements'])}.",
            "",
            "```graphql",
            f"# reformgraph\n{q['ours_query']}\n# @neo4j/graphql\n{q['peer_query']}",
            "```",
            "",
        ]
        if q["peer_nested"]:
            lines += ["```cypher", *q["peer_cypher"], "```", ""]
        else:
            lines += [
                "The peer's statement is the hand-written `@cypher` of "
                "`bench/peer/typeDefs.graphql`.",
                "",
            ]
    return "\n".join(lines)


def skip_reason() -> str | None:
    """Why the comparison cannot run here (no Neo4j, no Node.js), or None. A failing install
    or peer is not a reason to skip: it fails the run."""
    if neo4j_settings() is None:
        return "no Neo4j (set NEO4J_URI, or run it through `make bench`)"
    if shutil.which("node") is None or (not installed() and shutil.which("npm") is None):
        return "Node.js and npm are needed for @neo4j/graphql (bench/peer)"
    return None


def results_name(mode: str) -> str:
    suffix = "" if mode == "full" else f"-{mode}"
    return f"{date.today()}-neo4j-peer{suffix}.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scale 0.3, 3 short rounds")
    args = parser.parse_args(argv)
    plan = PLANS["quick" if args.quick else "full"]
    missing = skip_reason()
    if missing:
        print(f"peer comparison skipped: {missing}")
        return
    result = asyncio.run(run(plan))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = RESULTS_DIR / results_name(plan.mode)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = markdown(result)
    page.update({"peer": text})
    print(text)
    print(f"wrote {output} and {page.PERFORMANCE_PAGE}")


if __name__ == "__main__":
    main()
