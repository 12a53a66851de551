"""`reformgraph serve` as a user runs it: a real process, a real engine, signals, recovery."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from graph_store.local_engine import _cmdline, free_port
from server.cli import main
from tests.conftest import REPO_ROOT


def _start(data_dir: Path, port: int, dataset: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "REFORMGRAPH_DATA_DIR": str(data_dir)}
    env.pop("NEO4J_URI", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--port",
            str(port),
            "--dataset",
            str(dataset),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_ready(process: subprocess.Popen[str], port: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"serve exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("serve did not become ready within 60 s")


def _engine_pid(data_dir: Path) -> int:
    return int((data_dir / "engine.pid").read_text())


def _gone(pid: int, timeout_s: float = 15) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _cmdline(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "dataset"
    folder.mkdir()
    return folder


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        with process:  # waits for it and closes its output pipe
            pass


def test_serve_answers_and_sigterm_leaves_no_engine(
    tmp_path: Path, dataset: Path, processes: list[subprocess.Popen[str]]
) -> None:
    port = free_port()
    serve = _start(tmp_path / "state", port, dataset)
    processes.append(serve)
    _wait_ready(serve, port)
    engine_pid = _engine_pid(tmp_path / "state")
    assert _cmdline(engine_pid)
    body = httpx.post(
        f"http://127.0.0.1:{port}/graphql", json={"query": "{ regions { name } }"}
    ).json()
    assert body["data"] == {"regions": []}
    serve.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal it caught
    assert serve.wait(timeout=30) in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in (serve.stdout.read() if serve.stdout else "")
    assert _gone(engine_pid), "the engine outlived the service"
    assert not (tmp_path / "state" / "engine.pid").exists(), "clean shutdown removes it"


def test_serve_recovers_after_a_crash(
    tmp_path: Path, dataset: Path, processes: list[subprocess.Popen[str]]
) -> None:
    port = free_port()
    first = _start(tmp_path / "state", port, dataset)
    processes.append(first)
    _wait_ready(first, port)
    engine_pid = _engine_pid(tmp_path / "state")
    first.kill()  # no clean-up runs: the pid file stays behind
    first.wait()
    assert _gone(engine_pid), "the engine should die with its parent (PR_SET_PDEATHSIG)"
    assert (tmp_path / "state" / "engine.pid").exists()
    second = _start(tmp_path / "state", port, dataset)
    processes.append(second)
    _wait_ready(second, port)
    second_engine = _engine_pid(tmp_path / "state")
    second.send_signal(signal.SIGINT)
    assert second.wait(timeout=30) in (0, -signal.SIGINT)
    assert _gone(second_engine)


def test_serve_on_a_busy_port_says_so(
    tmp_path: Path, dataset: Path, processes: list[subprocess.Popen[str]]
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        serve = _start(tmp_path / "state", port, dataset)
        processes.append(serve)
        output, _ = serve.communicate(timeout=30)
    assert serve.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in output
    assert "Traceback" not in output


def test_help_explains_the_commands() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0
    for command in ("serve", "export-schema"):
        assert command in top.output
    serve_help = runner.invoke(main, ["serve", "--help"])
    assert "NEO4J_URI" in serve_help.output
    assert "/graphql" in serve_help.output


def test_engine_killed_under_serve_is_restarted_with_its_data(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    shutil.copy(REPO_ROOT / "tests" / "fixtures" / "mini.yaml", dataset / "mini.yaml")
    shutil.copytree(REPO_ROOT / "data" / "corpus", dataset / "corpus")
    port = free_port()
    serve = _start(tmp_path / "state", port, dataset)
    processes.append(serve)
    _wait_ready(serve, port)
    query = {"query": '{ region(key: "t:town-a") { name } }'}
    url = f"http://127.0.0.1:{port}/graphql"
    assert httpx.post(url, json=query).json()["data"] == {"region": {"name": "甲镇"}}
    engine_pid = _engine_pid(tmp_path / "state")
    os.kill(engine_pid, signal.SIGKILL)  # the acknowledged import must survive this
    assert _gone(engine_pid)
    down = httpx.post(url, json=query, timeout=5)
    assert down.status_code == 200  # never a 500, even while the engine is gone
    for error in down.json().get("errors", []):  # the watchdog may already be back
        assert error["extensions"]["code"] == "BACKEND_UNAVAILABLE"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = httpx.post(url, json=query).json()
        if "errors" not in body:
            break
        time.sleep(0.3)
    assert body["data"] == {"region": {"name": "甲镇"}}, "restarted engine lost the import"
    assert _engine_pid(tmp_path / "state") != engine_pid
    assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
