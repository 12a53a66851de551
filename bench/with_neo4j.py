"""Run a command with a Neo4j to benchmark: the one ``NEO4J_URI`` names, or the shared server.

``make bench`` runs its benchmarks through this, so that they measure Neo4j as well as the
local FalkorDB whenever a Neo4j is at hand, as CI does for the tests (``.ci/run``):

* ``NEO4J_URI`` set: the command runs as it is, against that server;
* otherwise, when the shared Neo4j 5 script (``../shared/neo4j/neo4j-local`` beside the
  checkout, or the path in ``REFORMGRAPH_NEO4J_LOCAL``) and Java are there: it is started on a
  free loopback port (or ``REFORMGRAPH_BENCH_NEO4J_PORT``) under ``.reformgraph/bench-neo4j``
  (heap ``NEO4J_HEAP``, default 4g; page cache ``NEO4J_PAGECACHE``, default 2g) with the
  server settings reformgraph is deployed with (``deploy/neo4j.conf``), ``NEO4J_URI`` points
  the command at it, and it is stopped afterwards, whatever the command did;
* otherwise the command runs on FalkorDB alone, and one line says so.

    python -m bench.with_neo4j -- python -m bench.query_bench --quick
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from graph_store.local_engine import free_port, port_in_use

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Where the shared server's script sits beside a checkout (as ``.ci/run`` looks for it).
DEFAULT_NEO4J_LOCAL = REPO_ROOT.parent / "shared" / "neo4j" / "neo4j-local"
NEO4J_LOCAL_ENV = "REFORMGRAPH_NEO4J_LOCAL"
#: A port for the started server instead of a free one (a machine where each user of the
#: shared server keeps to a port of their own).
PORT_ENV = "REFORMGRAPH_BENCH_NEO4J_PORT"
#: The server's folder (data, logs, configuration): under the checkout's ignored state.
SERVER_DIR = REPO_ROOT / ".reformgraph" / "bench-neo4j"
#: Memory for the benchmark's server unless the environment says otherwise: the query bench
#: loads the national profile in one transaction.
BENCH_MEMORY = {"NEO4J_HEAP": "4g", "NEO4J_PAGECACHE": "2g"}
#: The server settings reformgraph is deployed with (docker-compose.yml gives them to the
#: neo4j image): the benchmarks measure the server as it is deployed.
DEPLOYED_SETTINGS = REPO_ROOT / "deploy" / "neo4j.conf"
#: How long the restarted server has to answer on its Bolt port.
START_TIMEOUT_S = 120.0


def deployed_settings(path: Path = DEPLOYED_SETTINGS) -> dict[str, str]:
    """The settings of a Neo4j configuration file, by name (comments and blank lines left
    out)."""
    settings: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings


def neo4j_local(env: Mapping[str, str] = os.environ) -> Path | None:
    """The shared server's start/stop script, if it is there and Java is installed."""
    script = Path(env.get(NEO4J_LOCAL_ENV) or DEFAULT_NEO4J_LOCAL)
    if not script.is_file() or shutil.which("java") is None:
        return None
    return script


def plan(env: Mapping[str, str] = os.environ) -> tuple[str, Path | None]:
    """What to do: ``("given", None)`` when ``NEO4J_URI`` names a server, ``("start",
    script)`` when the shared one can be started, ``("none", None)`` otherwise."""
    if env.get("NEO4J_URI") or env.get("REFORMGRAPH_NEO4J_URI"):
        return "given", None
    script = neo4j_local(env)
    return ("start", script) if script is not None else ("none", None)


@contextmanager
def shared_neo4j(script: Path, folder: Path = SERVER_DIR) -> Iterator[dict[str, str]]:
    """The shared Neo4j started on a free loopback port; yields the environment that points a
    benchmark at it (``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``). Stopped on exit."""
    port = int(os.environ.get(PORT_ENV) or free_port())
    env = {**BENCH_MEMORY, **os.environ}
    folder.mkdir(parents=True, exist_ok=True)
    started = subprocess.run(
        [str(script), "start", str(folder), str(port)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        if started.returncode != 0:
            raise RuntimeError(f"neo4j-local start failed: {started.stderr.strip()[-2000:]}")
        uri = started.stdout.strip().splitlines()[-1]
        settings = deployed_settings()
        if settings:
            _stop(script, folder)
            _restart_with(folder, port, settings)
        yield {"NEO4J_URI": uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "unused"}
    finally:
        _stop(script, folder)


def _stop(script: Path, folder: Path) -> None:
    subprocess.run(
        [str(script), "stop", str(folder)], capture_output=True, check=False, timeout=120
    )


def _restart_with(folder: Path, port: int, settings: Mapping[str, str]) -> None:
    """Start the stopped server under ``folder`` again with ``settings`` added to the
    configuration ``neo4j-local`` wrote. The script writes its configuration afresh at every
    start and takes no other settings, so the server is started here by Neo4j's own launcher,
    as the script starts it (``bootloader`` in ``neo4j-local``); ``neo4j-local stop`` stops it
    as before."""
    conf = folder / "conf"
    with (conf / "neo4j.conf").open("a", encoding="utf-8") as out:
        out.write("".join(f"{name}={value}\n" for name, value in settings.items()))
    [home] = [p for p in folder.glob("neo4j-community-*") if (p / "lib").is_dir()]
    subprocess.run(
        [
            "java",
            "-cp",
            f"{home}/lib/*",
            f"-Dbasedir={home}",
            "-Dfile.encoding=UTF-8",
            "org.neo4j.server.startup.Neo4jCommand",
            "start",
        ],
        env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf)},
        capture_output=True,
        check=True,
        timeout=START_TIMEOUT_S,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while not port_in_use("127.0.0.1", port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"Neo4j under {folder} did not answer on port {port}; see its logs/")
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    command = list(sys.argv[1:] if argv is None else argv)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        print(__doc__)
        return 2
    what, script = plan()
    if what == "given":
        print(f"bench: Neo4j at {os.environ.get('NEO4J_URI') or 'REFORMGRAPH_NEO4J_URI'}")
        return subprocess.run(command, check=False).returncode
    if what == "none":
        print(
            "bench: no NEO4J_URI and no shared Neo4j (../shared/neo4j/neo4j-local and Java): "
            "FalkorDB only"
        )
        return subprocess.run(command, check=False).returncode
    assert script is not None
    with shared_neo4j(script) as neo4j_env:
        print(f"bench: started the shared Neo4j at {neo4j_env['NEO4J_URI']}", flush=True)
        return subprocess.run(command, env={**os.environ, **neo4j_env}, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
