"""Query benchmarks through real HTTP, each figure beside a baseline from the same run.

For each synthetic profile (Inner Mongolia, national) it loads the profile into the local
engine (started here) — and into Neo4j too when ``NEO4J_URI`` is set — runs the service
(uvicorn on loopback, in its own process: :mod:`bench.service`) and measures the headline
operations with a bounded load generator (:mod:`bench.load`): latency percentiles and
throughput, the Cypher statements each request runs, and the memory of the API and the
engine. Baselines:

* **raw client**: the exact statements one GraphQL request ran (recorded with their
  parameters) replayed with the engine's own client (``falkordb``; the ``neo4j`` driver), no
  GraphQL and no HTTP: the GraphQL overhead ratio;
* **batching off**: the same query on a service whose DataLoaders send one statement per key:
  the N+1 ratio (statements and time) for 100 towns;
* **profile size**: the county claim matrix on the national profile against Inner Mongolia:
  how cost grows with the graph. On FalkorDB both graphs stay loaded and the two are timed in
  alternation (``GROWTH_ROUNDS`` pairs, medians), so that a burst of load on this shared
  machine hits both sides alike; on Neo4j (one database) they are timed one after the other.

It prints the plan (``GRAPH.EXPLAIN`` / ``EXPLAIN``) of every headline statement and flags any
that scans a whole label, and profiles the service by layer while it answers the targets'
operations (:mod:`bench.profiling`, py-spy). Results: ``bench/results/<date>-<engine>.json``
(``-quick`` in quick mode) and ``docs/performance.md``.

    python -m bench.query_bench --quick     # a few minutes on 2 cores
    python -m bench.query_bench             # full profiles (the national one takes a while)
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bench import page
from bench.engines import (
    BenchEngine,
    Call,
    Neo4jEngine,
    local_engine,
    neo4j_settings,
    scale_on,
)
from bench.http_client import GraphQLClient, failed
from bench.load import Result, Samples, run_query, send
from bench.profiling import profile_requests
from bench.service import Service
from domain import BodyKind, RegionLevel
from graph_loaders.dataset import Dataset, Region
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import generate
from graph_store import GraphStore, trace_statements
from schema import build_schema
from schema.context import GraphContext
from server.settings import Settings

RESULTS_DIR = Path(__file__).resolve().parent / "results"


#: Item-level claims in the county the claim matrix is measured on, in every profile, so that
#: comparing profiles measures the size of the graph and not the size of the answer: a national
#: list has 160 items against Inner Mongolia's 99, so a national town claims about 1.6 times as
#: many items, and counties of equal town counts answer matrices of unequal size.
COUNTY_CLAIMS = 700


@dataclass(frozen=True)
class County:
    """The county a profile's claim matrix is measured on, and the size of its answer."""

    region: Region
    towns: int
    claims: int


def pick_county(ds: Dataset) -> County:
    """The county whose towns' claims on the first list number closest to
    :data:`COUNTY_CLAIMS` (each province has its own list: a county of another province has
    no claims on this one, and its matrix would be empty)."""
    county_of = {
        r.id: r.parent
        for r in ds.regions
        if r.level in (RegionLevel.TOWNSHIP, RegionLevel.SUBDISTRICT) and r.parent
    }
    towns = Counter(county_of.values())
    power_list = ds.power_lists[0].id
    claims = Counter(county_of.get(c.region) for c in ds.claims if c.list == power_list)
    county = min(
        (r for r in ds.regions if r.level == RegionLevel.BANNER_COUNTY and claims.get(r.id)),
        key=lambda r: (abs(claims.get(r.id, 0) - COUNTY_CLAIMS), r.id),
    )
    return County(county, towns.get(county.id, 0), claims.get(county.id, 0))


#: The claim matrix as a front-end drawing a large grid asks for it: the item keys once, then
#: per town its figures and one mode per item (``null`` = not claimed), lists of scalars.
MATRIX_COMPACT = "itemKeys towns { town { key name } claimedCount rate meetsTarget itemModes }"
#: The same matrix with an object per claimed cell (the shape before ``itemModes``), measured
#: beside it to show what the compact shape saves.
MATRIX_CELLS = "towns { town { key name } claimedCount rate meetsTarget claims { item mode } }"


def claim_matrix_query(power_list: str, region: str, selection: str) -> str:
    """A ``claimMatrix`` query on one list and region with ``selection``."""
    return f'{{ claimMatrix(list: "{power_list}", region: "{region}") {{ {selection} }} }}'


def headline_queries(ds: Dataset) -> dict[str, str]:
    """The headline operations on keys picked from the generated dataset."""
    county = pick_county(ds).region
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
        "claim_matrix_county": claim_matrix_query(power_list, county.id, MATRIX_COMPACT),
        "claim_matrix_county_cells": claim_matrix_query(power_list, county.id, MATRIX_CELLS),
        "claim_matrix_league": claim_matrix_query(power_list, str(league), MATRIX_COMPACT),
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


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """This process's objects frozen out of the cyclic GC while it times the raw client, as
    the service freezes what it built at start-up (``server/app.py``). Otherwise a large raw
    answer pays for collections that walk the benchmark's own heap: the national league
    matrix's raw replay took 242 ms against 127 with it frozen."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@functools.cache
def _schema() -> Any:
    """One schema for every in-process execution, as the service builds one at start-up (the
    first profiles here timed Strawberry building a schema along with the request)."""
    return build_schema()


async def _trace(store: GraphStore, query: str, batching: bool = True) -> Any:
    with trace_statements() as trace:
        result = await _schema().execute(
            query, context_value=GraphContext(store=store, batching=batching)
        )
    if result.errors:
        raise RuntimeError(f"{query}: {result.errors}")
    return trace


#: The operations of the GraphQL-overhead target (GraphQL/raw at most 1.5), also timed with
#: httpx for comparison with the rounds before the eleventh.
OVERHEAD_TARGETS = ("claim_matrix_county", "delegation_chain")


#: The operations profiled by layer (:mod:`bench.profiling`): the two of the GraphQL-overhead
#: target and the batched arm of the N+1 comparison.
PROFILED = ("claim_matrix_county", "delegation_chain", "hundred_towns")


#: Requests (and raw replays) per turn when the two are timed in alternation.
TURN = 5


async def _alternated(
    url: str, query: str, target: BenchEngine, graph: str, calls: list[Call], requests: int
) -> tuple[Result, list[float]]:
    """``requests`` requests at concurrency 1 and as many raw-client replays of their
    statements, taking turns ``TURN`` at a time, so that a burst of load on this shared
    machine falls on both sides of the GraphQL/raw ratio (timed one after the other, the ratio
    moved by half between runs)."""
    samples, raw = Samples(), []
    async with GraphQLClient(url) as client:
        for _ in range(3):  # warm-up: the parse and validation caches, the plan cache
            await client.post(query)
        while len(samples.latencies) < requests:
            await send(client, query, TURN, 1, samples)
            raw += await target.raw_reads(graph, calls, TURN)
    return samples.result("", 1, sum(samples.latencies)), raw


async def _latency(url: str, query: str, requests: int, concurrency: int) -> Result:
    async with GraphQLClient(url) as client:
        for _ in range(3):
            await client.post(query)
        return await run_query(client, "", query, requests, concurrency)


async def _httpx_latency(url: str, query: str, requests: int) -> float:
    """p50 (ms) of ``query`` at concurrency 1 sent with httpx, the client of the rounds before
    the eleventh: beside the floor, what a heavier client adds to every figure."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for _ in range(3):
            await client.post("/graphql", json={"query": query})
        latencies = []
        for _ in range(requests):
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": query})
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()
    return round(statistics.median(latencies) * 1000, 2)


def _print_plans(engine: str, operation: str, plans: dict[str, dict[str, Any]]) -> None:
    """Each statement's plan (Neo4j: its PROFILE, with rows and database hits), as the run
    goes: where an index is used, and any label scan, shown while it happens."""
    for statement, entry in plans.items():
        flags = [
            f for f, on in (("SCANS", entry["scans_label"]), ("index", entry["uses_index"])) if on
        ]
        print(f"  {engine} {operation} / {statement} [{', '.join(flags) or 'no index'}]")
        print("\n".join("      " + line for line in entry["plan"].splitlines()), flush=True)


@dataclass
class Loaded:
    """A profile loaded on an engine, kept for the growth comparison after its own run."""

    profile: str
    graph: str
    store: GraphStore
    settings: Settings
    county_query: str
    county_calls: list[Call]


async def bench_profile(
    target: BenchEngine,
    profile: str,
    scale: float,
    requests: int,
    concurrency: int,
    stores: AsyncExitStack,
) -> tuple[dict[str, Any], Loaded]:
    """Load one profile and measure every headline operation on it; the graph stays loaded,
    its store open until ``stores`` closes."""
    graph = f"bench-{profile}"
    started = time.perf_counter()
    ds = generate(profile, seed=1, scale=scale)  # type: ignore[arg-type]
    generated = time.perf_counter() - started
    county = pick_county(ds)
    store = await stores.enter_async_context(target.open_store(graph))
    await target.clear(store)
    await store.apply_schema()
    started = time.perf_counter()
    plan = await import_dataset(store, ds)
    imported = time.perf_counter() - started
    links = plan.link_count
    out: dict[str, Any] = {
        "engine": target.name,
        "profile": profile,
        "scale": scale,
        "generate_s": round(generated, 2),
        "import_s": round(imported, 2),
        "import_rows_per_s": round(plan.row_count / imported),
        "import_relationships_per_s": round(links / imported),
        "rows": plan.row_count,
        "relationships": links,
        "county_towns": county.towns,
        "county_claims": county.claims,
        "operations": {},
    }
    del plan
    settings = target.settings(graph)
    queries = headline_queries(ds)
    del ds
    with _frozen_heap(), Service(settings) as service:
        floor = await _latency(service.url, "{ __typename }", max(20, requests // 4), 1)
        out["http_floor_p50_ms"] = floor.p50_ms
        out["httpx_floor_p50_ms"] = await _httpx_latency(
            service.url, "{ __typename }", max(20, requests // 4)
        )
        for name, query in queries.items():
            trace = await _trace(store, query)
            single, raw = await _alternated(
                service.url, query, target, graph, trace.calls, max(20, requests // 4)
            )
            loaded = await _latency(service.url, query, requests, concurrency)
            raw_p50 = statistics.median(raw) * 1000
            plans = await target.explain(graph, trace.calls)
            _print_plans(target.name, name, plans)
            out["operations"][name] = {
                "statements": len(trace.calls),
                "http_c1": asdict(single) | {"query": name},
                "http_loaded": asdict(loaded) | {"query": name},
                "raw_p50_ms": round(raw_p50, 2),
                "overhead_ratio": round(single.p50_ms / raw_p50, 2) if raw_p50 else None,
                "plans": plans,
            }
            if name in OVERHEAD_TARGETS:
                out["operations"][name]["httpx_c1_p50_ms"] = await _httpx_latency(
                    service.url, query, max(20, requests // 4)
                )
        profiled = queries | {"hundred_towns": HUNDRED_TOWNS}
        out["profiles"] = {
            name: (await profile_requests(service.url, profiled[name], pid=service.pid)).as_json()
            for name in PROFILED
        }
        api_rss = _rss_mb(service.pid)
        out["n_plus_one"] = await _n_plus_one(store, service.url, settings, requests)
    out["rss_mb"] = {"api": api_rss, "engine": target.engine_rss_mb()}
    county_calls = (await _trace(store, queries["claim_matrix_county"])).calls
    return out, Loaded(
        profile, graph, store, settings, queries["claim_matrix_county"], county_calls
    )


async def _n_plus_one(
    store: GraphStore, url: str, settings: Settings, requests: int
) -> dict[str, Any]:
    """100 towns with batching (the service at ``url``) and without (a second service), the
    two timed in turns as :func:`_alternated` does."""
    hundred = HUNDRED_TOWNS
    batched_trace = await _trace(store, hundred)
    unbatched_trace = await _trace(store, hundred, batching=False)
    rounds = max(10, requests // 10)
    with Service(settings.model_copy(update={"batching": False})) as unbatched_service:
        sides = [(url, Samples()), (unbatched_service.url, Samples())]
        clients = [GraphQLClient(side_url) for side_url, _ in sides]
        try:
            for client in clients:
                await send(client, hundred, 3, 1, Samples())  # warm-up
            while len(sides[0][1].latencies) < rounds:
                for client, (_, samples) in zip(clients, sides, strict=True):
                    await send(client, hundred, TURN, 1, samples)
        finally:
            for client in clients:
                await client.aclose()
    batched, unbatched = (s.result("", 1, sum(s.latencies)) for _, s in sides)
    return {
        "statements_batched": len(batched_trace.calls),
        "statements_unbatched": len(unbatched_trace.calls),
        "statement_ratio": round(len(unbatched_trace.calls) / len(batched_trace.calls), 1),
        "p50_batched_ms": batched.p50_ms,
        "p50_unbatched_ms": unbatched.p50_ms,
        "speedup": round(unbatched.p50_ms / batched.p50_ms, 2),
        "errors": batched.errors + unbatched.errors,
    }


#: Pairs of (Inner Mongolia, national) county claim matrices timed in alternation.
GROWTH_ROUNDS = 60


async def growth(target: BenchEngine, small: Loaded, large: Loaded, rounds: int) -> dict[str, Any]:
    """The county claim matrix on both profiles, timed in alternation (HTTP and raw client).

    Both graphs are loaded side by side and each round times one request on each, so noise
    from the machine (two cores shared with other work) falls on both sides of the ratio.
    """
    http: dict[str, list[float]] = {small.profile: [], large.profile: []}
    raw: dict[str, list[float]] = {small.profile: [], large.profile: []}
    with (
        _frozen_heap(),
        Service(small.settings) as small_service,
        Service(large.settings) as large_service,
    ):
        sides = ((small, small_service), (large, large_service))
        clients = [GraphQLClient(svc.url) for _, svc in sides]
        try:
            for (loaded, _), client in zip(sides, clients, strict=True):
                for _ in range(3):  # warm-up
                    await client.post(loaded.county_query)
            for index in range(rounds):
                order = list(zip(sides, clients, strict=True))
                if index % 2:  # alternate which side goes first
                    order.reverse()
                for (loaded, _), client in order:
                    started = time.perf_counter()
                    status, body = await client.post(loaded.county_query)
                    http[loaded.profile].append(time.perf_counter() - started)
                    if failed(status, body):
                        raise RuntimeError(f"growth query failed: {body[:200]!r}")
                    raw[loaded.profile] += await target.raw_reads(
                        loaded.graph, loaded.county_calls, 1
                    )
        finally:
            for client in clients:
                await client.aclose()
    return _growth_figures(small, large, http, raw, rounds, interleaved=True)


def _growth_figures(
    small: Loaded,
    large: Loaded,
    http: dict[str, list[float]],
    raw: dict[str, list[float]],
    rounds: int,
    *,
    interleaved: bool,
) -> dict[str, Any]:
    def p50(samples: list[float]) -> float:
        return round(statistics.median(samples) * 1000, 2)

    out: dict[str, Any] = {"rounds": rounds, "interleaved": interleaved}
    for kind, samples in (("http", http), ("raw", raw)):
        a, b = p50(samples[small.profile]), p50(samples[large.profile])
        out[kind] = {small.profile: a, large.profile: b, "ratio": round(b / a, 2)}
    return out


#: What each profiled operation is, for the page's headings.
PROFILE_TITLES = {
    "claim_matrix_county": "one county claim matrix (`itemModes`)",
    "delegation_chain": "one delegation chain (an item to a town)",
    "hundred_towns": "100 towns with parents, bodies and superiors (batched)",
}


def _profile_table(result: dict[str, Any], operation: str, functions: int = 8) -> list[str]:
    profile = result["profiles"][operation]
    title = f"### Where the time goes: {PROFILE_TITLES[operation]} on `{result['profile']}`"
    if profile["error"]:
        return [title, "", f"Not profiled: py-spy failed ({profile['error']}).", ""]
    p50 = (
        result["n_plus_one"]["p50_batched_ms"]
        if operation == "hundred_towns"
        else result["operations"][operation]["http_c1"]["p50_ms"]
    )
    lines = [
        title,
        "",
        f"py-spy, {profile['samples']:,} samples of the service's thread while it answered "
        f"about {profile['requests']} of these requests back to back over HTTP. Its share of "
        f"each layer, and what that share is of the p50 of {p50} ms measured above; then the "
        "functions most often innermost:",
        "",
        "| layer | share | ≈ ms of the p50 |",
        "|---|---|---|",
    ]
    lines += [
        f"| {s['name']} | {s['percent']}% | {round(s['percent'] * p50 / 100, 2)} |"
        for s in profile["layers"]
    ]
    lines += ["", "| function | share |", "|---|---|"]
    lines += [f"| `{s['name']}` | {s['percent']}% |" for s in profile["functions"][:functions]]
    return [*lines, ""]


def _plans_block(result: dict[str, Any]) -> list[str]:
    """Every distinct statement's PROFILE on this profile, folded (the bench prints them as
    it runs, too)."""
    seen: dict[str, dict[str, Any]] = {}
    for op in result["operations"].values():
        for statement, entry in op["plans"].items():
            seen.setdefault(statement, entry)
    lines = [
        "<details><summary>PROFILE of each statement above (operators, rows, database "
        f"hits): {sum(e['uses_index'] for e in seen.values())} of {len(seen)} use an index, "
        f"{sum(e['scans_label'] for e in seen.values())} scan a label or a whole "
        "index</summary>",
        "",
        "```text",
    ]
    for statement, entry in seen.items():
        lines += [f"{statement}:", *("  " + line for line in entry["plan"].splitlines()), ""]
    return [*lines[:-1], "```", "", "</details>"]


ENGINE_TITLES = {
    "falkordb": "local engine (FalkorDB from the wheel)",
    "neo4j": "Neo4j at `NEO4J_URI`",
}


def markdown(results: list[dict[str, Any]], mode: str, growth_figures: dict[str, Any]) -> str:
    """The Markdown of one engine's run: tables, profiles and the growth comparison."""
    engine = results[0]["engine"]
    lines = [
        f"Measured by `make bench` ({mode} mode) on {date.today()}, on this machine "
        f"({os.cpu_count()} cores), {ENGINE_TITLES[engine]}, through real HTTP on loopback. "
        "Every figure has its baseline from the same run; read the ratios, not the "
        "milliseconds. The c=1 requests and the raw client's replays of their statements "
        f"take turns, {TURN} at a time, so that the machine's noise falls on both sides of "
        f"GraphQL/raw. Raw results: `bench/results/{results_name(engine, mode)}`.",
        "",
        "`claim_matrix_county` and `claim_matrix_league` ask for the matrix as a front-end "
        "drawing a large grid would (`itemKeys` once, then per town its figures and "
        "`itemModes`, one mode or null per item); `claim_matrix_county_cells` is the same "
        "county with an object per claimed cell (`claims { item mode }`).",
        "",
    ]
    for r in results:
        lines += [
            f"## Profile `{r['profile']}` (scale {r['scale']}, {engine})",
            "",
            f"Import: {r['rows']:,} rows ({r['relationships']:,} relationships) in "
            f"{r['import_s']} s = {r['import_rows_per_s']:,} rows/s, "
            f"{r['import_relationships_per_s']:,} relationships/s. "
            f"Memory after the run: API {r['rss_mb']['api']} MB, engine "
            + (
                f"{r['rss_mb']['engine']} MB."
                if r["rss_mb"]["engine"]
                else "not measured (a server of its own)."
            ),
            "",
            "| operation | statements | p50 ms (c=1) | raw client p50 ms | GraphQL/raw | "
            "p50 / p95 / p99 ms (loaded) | req/s (loaded) | errors | scans |",
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
        if engine == "neo4j":
            lines += ["", *_plans_block(r)]
        lines += [
            "",
            f"A request that reads nothing from the graph (`{{ __typename }}`) takes "
            f"{r['http_floor_p50_ms']} ms p50 over HTTP: the fixed cost of HTTP, GraphQL "
            "parsing, validation and the schema's extensions in every p50 above. "
            + _httpx_sentence(r),
            "",
            f"N+1 (100 towns with parents, bodies and superiors): {n['statements_batched']} "
            f"statements batched against {n['statements_unbatched']} unbatched "
            f"({n['statement_ratio']}× fewer); p50 {n['p50_batched_ms']} ms against "
            f"{n['p50_unbatched_ms']} ms ({n['speedup']}× faster), timed in turns; "
            f"{n['errors']} errors.",
            "",
        ]
    for operation in PROFILED:
        lines += _profile_table(results[-1], operation)
    if growth_figures:
        small, large = results[0]["profile"], results[1]["profile"]
        http, raw = growth_figures["http"], growth_figures["raw"]
        how = (
            f"{growth_figures['rounds']} requests on each, in alternation, both graphs loaded"
            if growth_figures["interleaved"]
            else "each profile timed after loading it (one database: not interleaved)"
        )
        lines += [
            "## Growth with the graph",
            "",
            "County claim matrix (`itemModes` shape) on a county of about the same answer "
            f"in each profile ({results[0]['county_towns']} towns, "
            f"{results[0]['county_claims']} claims; {results[1]['county_towns']} towns, "
            f"{results[1]['county_claims']} claims), p50 over {how}:",
            "",
            f"| measured | `{small}` ms | `{large}` ms | ratio |",
            "|---|---|---|---|",
            f"| GraphQL over HTTP | {http[small]} | {http[large]} | {http['ratio']} |",
            f"| raw client, same statements | {raw[small]} | {raw[large]} | {raw['ratio']} |",
            "",
        ]
    return "\n".join(lines) + "\n"


def _httpx_sentence(result: dict[str, Any]) -> str:
    """What the same requests take sent with httpx, the client of the rounds before the
    eleventh (the figures above use :mod:`bench.http_client`)."""
    timed = [
        f"`{name}` {result['operations'][name]['httpx_c1_p50_ms']} ms"
        for name in OVERHEAD_TARGETS
        if "httpx_c1_p50_ms" in result["operations"].get(name, {})
    ]
    return (
        "The client is the benchmarks' light HTTP/1.1 client (`bench/http_client.py`). Sent "
        "with httpx, the client before the eleventh round, and timed after the figures above "
        f"(not in turns with them), the floor took {result['httpx_floor_p50_ms']} ms p50 and "
        + ", ".join(timed)
        + "."
    )


async def run_engine(
    target: BenchEngine, quick: bool
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Both profiles on one engine, then the growth comparison; the graphs are dropped."""
    profiles = [
        (profile, scale_on(target.name, profile, scale))
        for profile, scale in (
            ("inner-mongolia", 0.3 if quick else 1.0),
            ("national", 0.05 if quick else 1.0),
        )
    ]
    requests, concurrency = (80, 4) if quick else (300, 8)
    results: list[dict[str, Any]] = []
    loaded: list[Loaded] = []
    async with AsyncExitStack() as stores:
        try:
            for profile, scale in profiles:
                print(f"benchmarking {profile} at scale {scale} on {target.name} ...", flush=True)
                result, kept = await bench_profile(
                    target, profile, scale, requests, concurrency, stores
                )
                results.append(result)
                loaded.append(kept)
            if target.holds_several_graphs:
                figures = await growth(target, loaded[0], loaded[1], GROWTH_ROUNDS)
            else:  # one database: each profile's own c=1 figures, measured one after another
                figures = _sequential_growth(results, loaded)
        finally:
            for kept in loaded:
                await target.clear(kept.store)
    return results, figures


def _sequential_growth(results: list[dict[str, Any]], loaded: list[Loaded]) -> dict[str, Any]:
    def samples(field: str) -> dict[str, list[float]]:
        county = "claim_matrix_county"
        return {
            r["profile"]: [
                (
                    r["operations"][county]["http_c1"]["p50_ms"]
                    if field == "http"
                    else r["operations"][county]["raw_p50_ms"]
                )
                / 1000
            ]
            for r in results
        }

    return _growth_figures(
        loaded[0], loaded[1], samples("http"), samples("raw"), 1, interleaved=False
    )


def results_name(engine: str, mode: str) -> str:
    """``<date>-<engine>.json`` for a full run; a quick run gets its own file, so that it
    does not replace the day's full figures."""
    suffix = "" if mode == "full" else f"-{mode}"
    return f"{date.today()}-{engine}{suffix}.json"


def write_page(pages: dict[str, str]) -> str:
    """docs/performance.md: each engine's block replaced, the other blocks (the peer
    comparison, an engine not run this time) and the hand-written reading kept."""
    return page.update(pages)


async def run(
    quick: bool, engines: tuple[str, ...] = ("falkordb", "neo4j")
) -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    """The local engine; Neo4j as well when ``NEO4J_URI`` is set (each only if in
    ``engines``)."""
    runs = {}
    if "falkordb" in engines:
        with local_engine() as target:
            runs["falkordb"] = await run_engine(target, quick)
    neo4j = neo4j_settings()
    if "neo4j" in engines:
        if neo4j is None:
            print("query bench: no NEO4J_URI, Neo4j not measured")
        else:
            runs["neo4j"] = await run_engine(Neo4jEngine(neo4j), quick)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description="Query benchmarks with same-run baselines.")
    parser.add_argument("--quick", action="store_true", help="small profiles, few requests")
    parser.add_argument(
        "--engine",
        action="append",
        choices=("falkordb", "neo4j"),
        help="only this engine (repeatable; default: FalkorDB, and Neo4j when configured)",
    )
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    runs = asyncio.run(run(args.quick, tuple(args.engine or ("falkordb", "neo4j"))))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    pages = {}
    for engine, (results, figures) in runs.items():
        output = RESULTS_DIR / results_name(engine, mode)
        document = {"engine": engine, "mode": mode, "results": results, "growth": figures}
        output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        pages[engine] = markdown(results, mode, figures)
        print(f"wrote {output}")
    print(write_page(pages))
    print(f"wrote {page.PERFORMANCE_PAGE}")


if __name__ == "__main__":
    main()
