"""The peer: the same graph served by @neo4j/graphql 7 on Apollo Server 5 (``bench/peer/``).

:class:`PeerServer` installs the peer's exact npm packages when ``node_modules`` is missing
(``npm ci`` from ``package-lock.json``), starts ``node server.js`` on a free loopback port
against a Neo4j, waits until it answers GraphQL, and stops it. With ``debug=True`` the library
logs every statement it generates (``DEBUG=@neo4j/graphql:execution``) and
:func:`generated_cypher` reads them back: the benchmark turns that on only while it checks
answers, never while it times them (the logging would cost the peer time).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

import httpx

from graph_store.local_engine import free_port

PEER_DIR = Path(__file__).resolve().parent / "peer"

#: How long ``node server.js`` may take to answer (building the schema from the typeDefs).
START_TIMEOUT_S = 90
#: ``npm ci`` from the lock file (about 160 packages, 70 MB).
INSTALL_TIMEOUT_S = 600

#: The library's debug namespace for the statements it runs.
DEBUG_NAMESPACE = "@neo4j/graphql:execution"
#: What the ``debug`` package writes around each statement (no TTY: ISO date, namespace).
_STATEMENT = re.compile(
    r"^\S+ " + re.escape(DEBUG_NAMESPACE) + r" executing cypher\n"
    r"\S+ " + re.escape(DEBUG_NAMESPACE) + r" (?P<cypher>.*?)\n"
    r"\S+ " + re.escape(DEBUG_NAMESPACE) + r" cypher params: ",
    re.DOTALL | re.MULTILINE,
)
#: The version probe the library runs once, before the first request's statement.
_VERSION_PROBE = "CALL dbms.components()"


class PeerUnavailableError(RuntimeError):
    """Node or npm is missing, the install failed, or the peer did not start."""


def installed() -> bool:
    """Whether the peer's packages are installed (``bench/peer/node_modules``)."""
    return (PEER_DIR / "node_modules" / "@neo4j" / "graphql" / "package.json").is_file()


def ensure_installed() -> None:
    """``npm ci`` in ``bench/peer`` when ``node_modules`` is missing: the exact versions of
    ``package-lock.json``, nothing newer."""
    if installed():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise PeerUnavailableError("npm is not installed: the peer cannot be installed")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=PEER_DIR,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0 or not installed():
        raise PeerUnavailableError(f"npm ci failed in {PEER_DIR}: {done.stderr[-2000:]}")


def versions() -> dict[str, str]:
    """The installed versions of the peer's direct dependencies and of Node."""
    out = {"node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout}
    for package in json.loads((PEER_DIR / "package.json").read_text())["dependencies"]:
        meta = PEER_DIR / "node_modules" / package / "package.json"
        out[package] = json.loads(meta.read_text())["version"] if meta.is_file() else "absent"
    return {k: v.strip() for k, v in out.items()}


def generated_cypher(log: str) -> list[str]:
    """The statements the library logged (``DEBUG=@neo4j/graphql:execution``), in order,
    without its one-off version probe."""
    statements = [m.group("cypher").strip() for m in _STATEMENT.finditer(log)]
    return [s for s in statements if _VERSION_PROBE not in s]


class PeerServer:
    """``node server.js`` (bench/peer) on a free loopback port, against one Neo4j."""

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str | None = None,
        *,
        debug: bool = False,
    ) -> None:
        self.env = {
            **os.environ,
            "NEO4J_URI": uri,
            "NEO4J_USER": user,
            "NEO4J_PASSWORD": password,
            "NEO4J_DATABASE": database or "",
        }
        self.env.pop("DEBUG", None)
        if debug:
            self.env |= {"DEBUG": DEBUG_NAMESPACE, "DEBUG_COLORS": "0"}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the peer has not started"
        return self.process.pid

    def log(self) -> str:
        """What the peer wrote to stderr so far (its debug log, or why it failed)."""
        if self._log is None:
            return ""
        self._log.flush()
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> PeerServer:
        ensure_installed()
        node = shutil.which("node")
        if node is None:
            raise PeerUnavailableError("node is not installed: the peer cannot run")
        self._log = tempfile.NamedTemporaryFile(prefix="peer-", suffix=".log")
        self.process = subprocess.Popen(
            [node, "server.js"],
            cwd=PEER_DIR,
            env=self.env | {"PORT": str(self.port)},
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                log = self.log()
                self.__exit__()
                raise PeerUnavailableError(f"the peer exited: {log[-2000:]}")
            try:
                answer = httpx.post(
                    f"{self.url}/graphql", json={"query": "{ __typename }"}, timeout=5
                )
                if answer.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.__exit__()
                raise PeerUnavailableError(f"the peer was not ready in {START_TIMEOUT_S} s")
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()  # server.js stops Apollo and closes the driver
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
