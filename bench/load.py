"""A bounded load generator for a running service on loopback.

Sends a fixed number of requests of each headline query at a fixed concurrency, then stops
by itself; reports throughput, latency percentiles and the error count, and writes them to a
JSON file. It refuses any host but loopback, so it can never load someone else's server.

    python -m bench.load --url http://127.0.0.1:8000 --requests 400 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from bench.http_client import TRANSPORT_ERRORS, GraphQLClient, failed

#: The headline queries on the documented dataset (the same shapes as docs/cookbook.md).
HEADLINE: dict[str, str] = {
    "claim_matrix_county": '{ claimMatrix(list: "powerlist:nmg:township-powers", '
    'region: "region:haibowan") { towns { town { name } claimedCount rate meetsTarget } } }',
    "lineage": '{ lineage(body: "body:haibowan:urban-enforcement") { predecessors { depth '
    "event { title inputCount outputCount } } } }",
    "what_if": '{ mergerImpact(bodies: ["body:haibowan:health-enforcement", '
    '"body:haibowan:emergency-enforcement"], newName: "x") { staffQuotaAfter conflicts '
    "{ code } } }",
    "search": '{ search(text: "执法", first: 20) { totalCount edges { node { id } } } }',
    "region_tree": "{ regions { name level parent { name } children { name } } }",
}


class Poster(Protocol):
    """What the load generator sends through: :class:`bench.http_client.GraphQLClient`, or
    the peer bench's httpx client for both of its sides alike."""

    async def post(self, query: str) -> tuple[int, bytes]:
        """The status and body of ``query``'s answer; one of
        :data:`bench.http_client.TRANSPORT_ERRORS` when none came."""
        ...


@dataclass
class Result:
    """Figures for one query."""

    query: str
    requests: int
    concurrency: int
    errors: int
    seconds: float
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def _loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"refusing to load {host!r}: this tool only targets loopback addresses")


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass
class Samples:
    """Latencies (seconds) and errors of requests sent so far; a :class:`Result` when done."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def result(self, name: str, concurrency: int, elapsed: float) -> Result:
        return Result(
            query=name,
            requests=len(self.latencies),
            concurrency=concurrency,
            errors=self.errors,
            seconds=round(elapsed, 3),
            throughput_rps=round(len(self.latencies) / elapsed, 1),
            p50_ms=round(statistics.median(self.latencies) * 1000, 2),
            p95_ms=round(_percentile(self.latencies, 0.95), 2),
            p99_ms=round(_percentile(self.latencies, 0.99), 2),
        )


async def send(client: Poster, query: str, requests: int, concurrency: int, into: Samples) -> None:
    """Send ``requests`` copies of ``query`` with ``concurrency`` in flight, timing each (a
    request counts as an error when it fails, is not a 200 or its answer has ``errors``)."""
    remaining = iter(range(requests))

    async def worker() -> None:
        for _ in remaining:
            started = time.perf_counter()
            try:
                status, body = await client.post(query)
                into.errors += failed(status, body)
            except TRANSPORT_ERRORS:
                into.errors += 1
            into.latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def run_query(
    client: Poster, name: str, query: str, requests: int, concurrency: int
) -> Result:
    """Send ``requests`` copies of ``query`` with ``concurrency`` in flight."""
    samples = Samples()
    started = time.perf_counter()
    await send(client, query, requests, concurrency, samples)
    return samples.result(name, concurrency, time.perf_counter() - started)


async def run(url: str, requests: int, concurrency: int) -> list[Result]:
    """Every headline query in turn; a short warm-up first."""
    _loopback_only(url)
    async with GraphQLClient(url) as client:
        for query in HEADLINE.values():
            await client.post(query)
        return [
            await run_query(client, name, query, requests, concurrency)
            for name, query in HEADLINE.items()
        ]


def markdown(results: list[Result]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| query | requests | concurrency | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.query} | {r.requests} | {r.concurrency} | {r.errors} | {r.throughput_rps} | "
        f"{r.p50_ms} | {r.p95_ms} | {r.p99_ms} |"
        for r in results
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=400, help="per query")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    results = asyncio.run(run(args.url, args.requests, args.concurrency))
    output = args.output or Path("bench/results") / f"{date.today()}-load.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    print(markdown(results))
    print(f"\nwrote {output}")


if __name__ == "__main__":
    main()
