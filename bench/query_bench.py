"""Query benchmarks through real HTTP, each figure beside a baseline from the same run.

For each synthetic profile (Inner Mongolia, national) it starts a local engine, loads the
profile, runs the service (uvicorn on loopback) and measures the headline operations with a
bounded load generator (:mod:`bench.load`): latency percentiles and throughput, the Cypher
statements each request runs, and the memory of the API and the engine. Baselines:

* **raw client**: the exact statements one GraphQL request ran (recorded with their
  parameters) replayed with the ``falkordb`` client, no GraphQL and no HTTP: the GraphQL
  overhead ratio;
* **batching off**: the same query on a service whose DataLoaders send one statement per key:
  the N+1 ratio (statements and time) for 100 towns;
* **profile size**: the county claim matrix on the national profile against Inner Mongolia:
  how cost grows with the graph.

It prints the plan (``GRAPH.EXPLAIN``) of every headline statement and flags any that scans a
whole label. Results: ``bench/results/<date>-falkordb.json`` and ``docs/performance.md``.

    python -m bench.query_bench --quick     # a few minutes on 2 cores
    python -m bench.query_bench             # full profiles (the national one takes a while)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import tempfile
import threading
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from falkordb.asyncio import FalkorDB

from bench.load import Result, run_query
from cypher.registry import CypherRegistry
from graph_loaders.dataset import BodyKind, Dataset, Region, RegionLevel
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store import trace_statements
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine, free_port
from schema import build_schema
from schema.context import GraphContext
from server.app import create_app
from server.settings import Settings

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PERFORMANCE_PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
SCANS = ("All Node Scan", "Node By Label Scan")
ANALYSIS_MARKER = "<!-- analysis: kept by bench/query_bench.py -->"


#: Towns in the county the claim matrix is measured on, in every profile, so that comparing
#: profiles measures the size of the graph and not the size of the county.
COUNTY_TOWNS = 10


def pick_county(ds: Dataset) -> tuple[Region, int]:
    """The county whose number of towns is closest to :data:`COUNTY_TOWNS`, and that number."""
    towns: dict[str, int] = {}
    for region in ds.regions:
        if region.level in (RegionLevel.TOWNSHIP, RegionLevel.SUBDISTRICT) and region.parent:
            towns[region.parent] = towns.get(region.parent, 0) + 1
    county = min(
        (r for r in ds.regions if r.level == RegionLevel.BANNER_COUNTY),
        key=lambda r: (abs(towns.get(r.id, 0) - COUNTY_TOWNS), r.id),
    )
    return county, towns.get(county.id, 0)


def headline_queries(ds: Dataset) -> dict[str, str]:
    """The headline operations on keys picked from the generated dataset."""
    county, _ = pick_county(ds)
    league = county.parent
    delegation = next(d for d in ds.delegations if d.item and d.to_region)
    merged_body = next(e.outputs[0] for e in ds.reform_events if e.outputs)
    departments = [
        b.id
        for b in ds.bodies
        if b.region == county.id and b.kind == BodyKind.GOVERNMENT_DEPARTMENT
    ][:2]
    power_list = ds.power_lists[0].id
    return {
        "claim_matrix_county": f'{{ claimMatrix(list: "{power_list}", region: "{county.id}") '
        "{ towns { town { name } claimedCount rate meetsTarget claims { item mode } } } }",
        "claim_matrix_league": f'{{ claimMatrix(list: "{power_list}", region: "{league}") '
        "{ towns { town { name } claimedCount rate meetsTarget claims { item mode } } } }",
        "delegation_chain": f'{{ delegationChains(item: "{delegation.item}", '
        f'town: "{delegation.to_region}") {{ complete hops {{ relation mode }} }} }}',
        "merger_lineage": f'{{ lineage(body: "{merged_body}") {{ predecessors '
        "{ depth event { kind date inputs { name } } } successors { depth } } }",
        "what_if_two_departments": f"{{ mergerImpact(bodies: {json.dumps(departments)}, "
        'newName: "合并部门") { powers { name } overlaps { heldBy } '
        "rerouted: reroutedDelegations { to } staffQuotaAfter conflicts { code } } }",
        "name_search": '{ search(text: "执法局", first: 20) { totalCount edges { node { id } } } }',
    }


#: 100 towns with their regions and bodies and those bodies' superiors: the N+1 test.
HUNDRED_TOWNS = (
    '{ search(text: "合成", kinds: [REGION], level: TOWNSHIP, first: 100) { edges { node '
    "{ ... on Region { name parent { name parent { name } } bodies(first: 3) { edges "
    "{ node { name superior { name } } } } } } } } }"
)


class Service:
    """The app under uvicorn in a thread on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Service:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def _trace(store: FalkorDBStore, query: str, batching: bool = True) -> Any:
    with trace_statements() as trace:
        result = await build_schema().execute(
            query, context_value=GraphContext(store=store, batching=batching)
        )
    if result.errors:
        raise RuntimeError(f"{query}: {result.errors}")
    return trace


async def _profile(store: FalkorDBStore, query: str, top: int = 12) -> list[dict[str, Any]]:
    """Where one in-process execution spends its time (cProfile, by own time), summarised."""
    profiler = cProfile.Profile()
    profiler.enable()
    await _trace(store, query)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    return [
        {
            "function": f"{Path(file).name}:{line}:{name}",
            "calls": calls,
            "own_ms": round(own * 1000, 1),
            "cumulative_ms": round(cumulative * 1000, 1),
        }
        for (file, line, name), (_, calls, own, cumulative, _) in rows
    ]


async def _raw_replay(
    engine: LocalEngine,
    graph: str,
    store: FalkorDBStore,
    calls: list[tuple[str, dict[str, Any]]],
    repeats: int,
) -> list[float]:
    """Times of the recorded statements run with the raw client, one answer per repeat."""
    db = FalkorDB(host=engine.host, port=engine.port)
    g = db.select_graph(graph)
    texts = [(store.registry.get(name).text, params) for name, params in calls]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for text, params in texts:
            await g.ro_query(text, params)
        times.append(time.perf_counter() - started)
    await db.connection.aclose()
    return times


async def _latency(url: str, query: str, requests: int, concurrency: int) -> Result:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for _ in range(3):
            await client.post("/graphql", json={"query": query})
        return await run_query(client, "", query, requests, concurrency)


async def _plans(
    engine: LocalEngine, graph: str, store: FalkorDBStore, calls: list[tuple[str, dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    db = FalkorDB(host=engine.host, port=engine.port)
    g = db.select_graph(graph)
    plans: dict[str, dict[str, Any]] = {}
    for name, params in calls:
        if name in plans:
            continue
        plan = await g.explain(store.registry.get(name).text, params)
        text = str(plan)
        plans[name] = {"plan": text, "scans_label": any(s in text for s in SCANS)}
    await db.connection.aclose()
    return plans


async def bench_profile(
    engine: LocalEngine, profile: str, scale: float, requests: int, concurrency: int
) -> dict[str, Any]:
    """Load one profile and measure every headline operation on it."""
    graph = f"bench-{profile}"
    started = time.perf_counter()
    ds = generate(profile, seed=1, scale=scale)  # type: ignore[arg-type]
    generated = time.perf_counter() - started
    store = FalkorDBStore(
        CypherRegistry("falkordb"), engine.host, engine.port, graph, query_timeout_ms=120_000
    )
    await store.apply_schema()
    started = time.perf_counter()
    plan = await import_dataset(store, ds)
    imported = time.perf_counter() - started
    links = sum(len(rows) for rows in plan.links.values())
    out: dict[str, Any] = {
        "profile": profile,
        "scale": scale,
        "generate_s": round(generated, 2),
        "import_s": round(imported, 2),
        "import_rows_per_s": round(plan.row_count / imported),
        "import_relationships_per_s": round(links / imported),
        "rows": plan.row_count,
        "relationships": links,
        "county_towns": pick_county(ds)[1],
        "operations": {},
    }
    settings = Settings(
        falkordb_host=engine.host,
        falkordb_port=engine.port,
        graph_name=graph,
        dataset_dir=None,
        query_timeout_ms=120_000,
    )
    queries = headline_queries(ds)
    with Service(settings) as service:
        for name, query in queries.items():
            trace = await _trace(store, query)
            single = await _latency(service.url, query, max(20, requests // 4), 1)
            loaded = await _latency(service.url, query, requests, concurrency)
            raw = await _raw_replay(engine, graph, store, trace.calls, max(20, requests // 4))
            raw_p50 = statistics.median(raw) * 1000
            out["operations"][name] = {
                "statements": len(trace.calls),
                "http_c1": asdict(single) | {"query": name},
                "http_loaded": asdict(loaded) | {"query": name},
                "raw_p50_ms": round(raw_p50, 2),
                "overhead_ratio": round(single.p50_ms / raw_p50, 2) if raw_p50 else None,
                "plans": await _plans(engine, graph, store, trace.calls),
            }
        out["profile_claim_matrix_county"] = await _profile(store, queries["claim_matrix_county"])
        hundred = HUNDRED_TOWNS
        batched_trace = await _trace(store, hundred)
        batched = await _latency(service.url, hundred, max(10, requests // 10), 1)
    unbatched_settings = settings.model_copy(update={"batching": False})
    with Service(unbatched_settings) as service:
        unbatched_trace = await _trace(store, hundred, batching=False)
        unbatched = await _latency(service.url, hundred, max(10, requests // 10), 1)
    out["n_plus_one"] = {
        "statements_batched": len(batched_trace.calls),
        "statements_unbatched": len(unbatched_trace.calls),
        "statement_ratio": round(len(unbatched_trace.calls) / len(batched_trace.calls), 1),
        "p50_batched_ms": batched.p50_ms,
        "p50_unbatched_ms": unbatched.p50_ms,
        "speedup": round(unbatched.p50_ms / batched.p50_ms, 2),
    }
    out["rss_mb"] = {"api": _rss_mb(os.getpid()), "engine": _rss_mb(engine.process.pid)}  # type: ignore[union-attr]
    await store.execute_command("DEL", graph)
    await store.close()
    return out


def _profile_table(result: dict[str, Any]) -> list[str]:
    lines = [
        f"### Where the time goes: one county claim matrix on `{result['profile']}`",
        "",
        "cProfile of one in-process execution (no HTTP), by own time:",
        "",
        "| function | calls | own ms | cumulative ms |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{row['function']}` | {row['calls']} | {row['own_ms']} | {row['cumulative_ms']} |"
        for row in result["profile_claim_matrix_county"]
    ]
    return [*lines, ""]


def markdown(results: list[dict[str, Any]], mode: str) -> str:
    """docs/performance.md from the results of one run."""
    lines = [
        "# Performance",
        "",
        f"Measured by `make bench` ({mode} mode) on {date.today()}, on this 2-core machine, "
        "local engine (FalkorDB from the wheel), through real HTTP on loopback. Every figure "
        "has its baseline from the same run; read the ratios, not the milliseconds. Raw "
        "results: `bench/results/`.",
        "",
    ]
    for r in results:
        lines += [
            f"## Profile `{r['profile']}` (scale {r['scale']})",
            "",
            f"Import: {r['rows']:,} rows ({r['relationships']:,} relationships) in "
            f"{r['import_s']} s = {r['import_rows_per_s']:,} rows/s, "
            f"{r['import_relationships_per_s']:,} relationships/s. "
            f"Memory after the run: API {r['rss_mb']['api']} MB, engine "
            f"{r['rss_mb']['engine']} MB.",
            "",
            "| operation | statements | p50 ms (c=1) | raw client p50 ms | GraphQL/raw | "
            "p50 / p95 / p99 ms (loaded) | req/s (loaded) | errors | label scan |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, op in r["operations"].items():
            loaded = op["http_loaded"]
            scans = [s for s, p in op["plans"].items() if p["scans_label"]]
            lines.append(
                f"| {name} | {op['statements']} | {op['http_c1']['p50_ms']} | "
                f"{op['raw_p50_ms']} | {op['overhead_ratio']} | {loaded['p50_ms']} / "
                f"{loaded['p95_ms']} / {loaded['p99_ms']} | {loaded['throughput_rps']} | "
                f"{loaded['errors'] + op['http_c1']['errors']} | {', '.join(scans) or 'none'} |"
            )
        n = r["n_plus_one"]
        lines += [
            "",
            f"N+1 (100 towns with parents, bodies and superiors): {n['statements_batched']} "
            f"statements batched against {n['statements_unbatched']} unbatched "
            f"({n['statement_ratio']}× fewer); p50 {n['p50_batched_ms']} ms against "
            f"{n['p50_unbatched_ms']} ms ({n['speedup']}× faster).",
            "",
        ]
    lines += _profile_table(results[-1])
    if len(results) == 2:
        small, large = (
            r["operations"]["claim_matrix_county"]["http_c1"]["p50_ms"] for r in results
        )
        lines += [
            "## Growth with the graph",
            "",
            f"County claim matrix p50 (a county of {results[0]['county_towns']} and "
            f"{results[1]['county_towns']} towns): {small} ms on `{results[0]['profile']}`, "
            f"{large} ms on `{results[1]['profile']}`: ratio {round(large / small, 2)}.",
            "",
        ]
    return "\n".join(lines) + "\n"


async def run(quick: bool) -> list[dict[str, Any]]:
    profiles = [("inner-mongolia", 0.3 if quick else 1.0), ("national", 0.05 if quick else 1.0)]
    requests, concurrency = (80, 4) if quick else (300, 8)
    with tempfile.TemporaryDirectory() as folder:
        engine = LocalEngine(Path(folder))
        engine.start()
        try:
            return [
                await bench_profile(engine, profile, scale, requests, concurrency)
                for profile, scale in profiles
            ]
        finally:
            engine.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Query benchmarks with same-run baselines.")
    parser.add_argument("--quick", action="store_true", help="small profiles, few requests")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    results = asyncio.run(run(args.quick))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = RESULTS_DIR / f"{date.today()}-falkordb.json"
    output.write_text(
        json.dumps({"mode": mode, "results": results}, indent=2, ensure_ascii=False) + "\n"
    )
    page = markdown(results, mode)
    previous = PERFORMANCE_PAGE.read_text(encoding="utf-8") if PERFORMANCE_PAGE.exists() else ""
    if ANALYSIS_MARKER in previous:  # the hand-written reading of the figures stays
        page += "\n" + previous[previous.index(ANALYSIS_MARKER) :]
    PERFORMANCE_PAGE.write_text(page, encoding="utf-8")
    print(page)
    print(f"wrote {output} and {PERFORMANCE_PAGE}")


if __name__ == "__main__":
    main()
