"""Where a request's time goes: py-spy samples of the service while it answers one query.

py-spy reads the interpreter's stacks from another process, so the service runs at full speed
while it is sampled. pyinstrument, which hooks every call inside the process, made the same
county claim matrix three times slower here, and most of all the code that makes many small
calls (the graph client's parser, graphql-core's completion), which skewed exactly the shares
this is read for; cProfile, a tracing profiler, hooks every call too.

While py-spy samples the service's process (:mod:`bench.service`), a client here sends the
query back to back, so that the service is always inside a request; the samples of the
thread that runs its event loop, idle ones included (waiting on the engine), are attributed
to layers by the file of the innermost frame that belongs to one.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

PY_SPY = Path(sys.executable).with_name("py-spy")
REPO_ROOT = Path(__file__).resolve().parent.parent

IDLE = "idle in the event loop (waiting on the engine, or between requests)"
EVENT_LOOP = "event loop and tasks (asyncio)"
CLIENT = "graph client (falkordb, redis, hiredis; neo4j)"
STORE = "our store (graph_store/)"
RESOLVERS = "our resolvers (schema/)"
GRAPHQL = "GraphQL execution (graphql-core, Strawberry)"
HTTP = "HTTP (uvicorn, Starlette, FastAPI, our app)"
OTHER = "other libraries"

#: Our top-level packages and the installed ones, by layer.
OUR_PACKAGES = {"graph_store": STORE, "cypher": STORE, "schema": RESOLVERS, "server": HTTP}
LIBRARIES = {
    **dict.fromkeys(("falkordb", "redis", "hiredis", "neo4j"), CLIENT),
    **dict.fromkeys(("graphql", "strawberry"), GRAPHQL),
    **dict.fromkeys(("uvicorn", "h11", "httptools", "starlette", "fastapi", "anyio"), HTTP),
}

#: One frame of py-spy's raw output: ``function (file:line)``.
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*):(?P<line>\d+)\)$")


@dataclass(frozen=True)
class Share:
    """Samples in one layer or function, as a share of the service thread's samples."""

    name: str
    percent: float


@dataclass(frozen=True)
class RequestProfile:
    """The service thread's samples while it answered one query back to back."""

    samples: int
    requests: int  # answered while py-spy sampled (about: its start-up is in the window)
    layers: list[Share] = field(default_factory=list)
    functions: list[Share] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def layer_of(filename: str, caller_layer: str) -> str:
    """The layer of a frame in ``filename``; the standard library's other modules (json,
    contextlib, functools …) work for their caller and count in its layer."""
    path = Path(filename)
    if "site-packages" in path.parts:  # before our own: the virtualenv may sit in the repository
        package = path.parts[path.parts.index("site-packages") + 1]
        return LIBRARIES.get(package, OTHER)
    if path.is_relative_to(REPO_ROOT):
        return OUR_PACKAGES.get(path.relative_to(REPO_ROOT).parts[0], OTHER)
    if path.name == "selectors.py":
        return IDLE
    if "asyncio" in path.parts:
        return EVENT_LOOP
    return caller_layer


def short_name(function: str, filename: str, line: str) -> str:
    """``function (file:line)`` with the file relative to the repository or site-packages."""
    path = Path(filename)
    if "site-packages" in path.parts:
        shown = "/".join(path.parts[path.parts.index("site-packages") + 1 :])
    elif path.is_relative_to(REPO_ROOT):
        shown = str(path.relative_to(REPO_ROOT))
    else:
        shown = path.name
    return f"{function} ({shown}:{line})"


def summarise(raw: str, thread_id: int, requests: int, top: int = 12) -> RequestProfile:
    """Shares by layer and by innermost function of the samples of thread ``thread_id`` in
    py-spy's raw output (``--threads``: each stack starts with ``thread (id): name``)."""
    prefix = f"thread ({thread_id})"
    layers: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    for record in raw.splitlines():
        stack, _, count_text = record.rpartition(" ")
        frames = stack.split(";")
        if not frames[0].startswith(prefix) or not count_text.isdigit():
            continue
        count, layer, innermost = int(count_text), OTHER, None
        for frame in frames[1:]:
            match = _FRAME.match(frame)
            if match is None:
                continue
            layer = layer_of(match["file"], layer)
            innermost = match
        layers[layer] += count
        if innermost is not None:
            functions[short_name(innermost["function"], innermost["file"], innermost["line"])] += (
                count
            )
    total = sum(layers.values())

    def shares(counts: Counter[str], limit: int | None) -> list[Share]:
        return [Share(name, round(100 * n / total, 1)) for name, n in counts.most_common(limit)]

    if not total:
        return RequestProfile(0, requests, error="no samples of the service's thread")
    return RequestProfile(total, requests, shares(layers, None), shares(functions, top))


async def profile_requests(
    url: str,
    query: str,
    *,
    pid: int,
    thread_id: int | None = None,
    seconds: int = 2,
    rate: int = 1000,
) -> RequestProfile:
    """Sample process ``pid`` for ``seconds`` while ``query`` is sent to ``url`` back to back;
    summarise the samples of its thread ``thread_id`` (a native id; by default the main
    thread, whose id is the process's, where uvicorn runs the event loop)."""
    stop = asyncio.Event()
    sent = 0

    async def back_to_back() -> None:
        nonlocal sent
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            while not stop.is_set():
                response = await client.post("/graphql", json={"query": query})
                response.raise_for_status()
                if "errors" in response.json():  # a profile of error answers would mislead
                    raise RuntimeError(f"{query}: {response.json()['errors']}")
                sent += 1

    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "samples.txt"
        load = asyncio.create_task(back_to_back())
        try:
            await asyncio.sleep(0.2)  # the service is busy before sampling starts
            before = sent
            try:
                spy = await asyncio.create_subprocess_exec(
                    str(PY_SPY), "record", "--pid", str(pid), "--rate", str(rate),
                    "--duration", str(seconds), "--format", "raw", "--output", str(output),
                    "--nonblocking", "--threads", "--idle", "--full-filenames",
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                )  # fmt: skip
            except OSError as exc:  # not installed, or not executable
                return RequestProfile(0, 0, error=f"cannot run {PY_SPY}: {exc}")
            _, errors = await spy.communicate()
            during = sent - before
        finally:
            stop.set()
            await load
        if spy.returncode != 0 or not output.exists():
            # py-spy needs to read the service's memory: root, or ptrace allowed
            # (kernel.yama.ptrace_scope = 0); the page says why a profile is missing
            return RequestProfile(0, during, error=errors.decode(errors="replace").strip()[-300:])
        return summarise(output.read_text(encoding="utf-8"), thread_id or pid, during)
