"""The service under benchmark, in a process of its own, as ``reformgraph serve`` runs it.

It first ran in a thread of the benchmark. The load generator then shared the service's
interpreter lock: sampled with py-spy, the delegation chain spent 19% of its time in socket
writes that took 3% in a process of its own (the writing thread waiting for the lock while
the client parsed the previous answer), and "API memory" was the benchmark's, generated
dataset included. Here the benchmark's process is only the client.

    python -m bench.service PORT < settings.json     # what Service runs
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from graph_store.local_engine import free_port
from server.app import create_app
from server.settings import Settings
from server.timeouts import uvicorn_options

REPO_ROOT = Path(__file__).resolve().parent.parent

#: How long the service may take to answer ``/readyz`` (connecting to the engine).
START_TIMEOUT_S = 120


def settings_payload(settings: Settings) -> str:
    """``settings`` as JSON for the child, the Neo4j password included (sent on its stdin,
    not on its command line)."""
    data: dict[str, Any] = settings.model_dump(mode="json")
    data["neo4j_password"] = settings.neo4j_password.get_secret_value()
    return json.dumps(data)


class Service:
    """The app under uvicorn in a child process on a free loopback port.

    By default this checkout's service with this interpreter; ``bench/against_commit.py``
    runs another commit's, from its own ``tree`` with its own ``python`` and environment, and
    gives its settings as the plain fields that commit's ``Settings`` reads."""

    def __init__(
        self,
        settings: Settings | dict[str, Any],
        *,
        python: Path | None = None,
        tree: Path = REPO_ROOT,
        env: dict[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.python = python or Path(sys.executable)
        self.tree = tree
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the service has not started"
        return self.process.pid

    def __enter__(self) -> Service:
        self.process = subprocess.Popen(
            [str(self.python), "-m", "bench.service", str(self.port)],
            stdin=subprocess.PIPE,
            cwd=self.tree,
            env=self.env,
        )
        assert self.process.stdin is not None
        payload = (
            settings_payload(self.settings)
            if isinstance(self.settings, Settings)
            else json.dumps(self.settings)
        )
        self.process.stdin.write(payload.encode())
        self.process.stdin.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"the service was not ready in {START_TIMEOUT_S} s")
            time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.terminate()  # uvicorn shuts down gracefully on SIGTERM
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main() -> None:
    port = int(sys.argv[1])
    settings = Settings(**json.load(sys.stdin))
    # the protocol and timeouts `reformgraph serve` runs with (server/timeouts.py): the bench
    # measures what users run; without them it measured uvicorn's default parser while the
    # service ran h11 (half a millisecond more CPU a request, docs/performance.md)
    uvicorn.run(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        **uvicorn_options(settings),
    )


if __name__ == "__main__":
    main()
