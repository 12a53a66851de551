"""The local engine: a real FalkorDB from the wheel, started, stopped and recovered."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import redis

from graph_store.local_engine import EngineStartError, LocalEngine, _cmdline


def _answers(engine: LocalEngine) -> bool:
    client = redis.Redis(host=engine.host, port=engine.port, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


def test_start_answers_and_stop_leaves_no_process(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path / "engine")
    engine.start()
    assert engine.process is not None
    pid = engine.process.pid
    try:
        assert _answers(engine)
        modules = redis.Redis(host=engine.host, port=engine.port).module_list()
        assert any(b"graph" in str(m).encode().lower() for m in modules)
        assert (tmp_path / "engine" / "engine.pid").read_text() == str(pid)
    finally:
        engine.stop()
    assert not _cmdline(pid), "the engine process is still alive after stop()"
    assert not (tmp_path / "engine" / "engine.pid").exists()


def test_persistence_is_on(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path)
    engine.start()
    try:
        client = redis.Redis(host=engine.host, port=engine.port, decode_responses=True)
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert client.config_get("appendfsync")["appendfsync"] == "always"
        assert client.config_get("dir")["dir"] == str(tmp_path.resolve())
    finally:
        engine.stop()


def test_stale_engine_from_a_crashed_run_is_stopped(tmp_path: Path) -> None:
    crashed = LocalEngine(tmp_path)
    crashed.start()
    assert crashed.process is not None
    stale_pid = crashed.process.pid
    # Simulate a crash of the owning service: its lock is released, its engine keeps running.
    assert crashed._lock_file is not None
    crashed._lock_file.close()
    crashed._lock_file = None
    fresh = LocalEngine(tmp_path)
    try:
        fresh.start()
        assert _answers(fresh)
        crashed.process.wait(timeout=10)
        assert not _cmdline(stale_pid)
    finally:
        fresh.stop()


def test_garbage_pid_file_does_not_stop_start(tmp_path: Path) -> None:
    (tmp_path / "engine.pid").write_text("not a pid")
    engine = LocalEngine(tmp_path)
    try:
        engine.start()
        assert _answers(engine)
    finally:
        engine.stop()


def test_pid_file_of_an_unrelated_process_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "engine.pid").write_text(str(os.getpid()))
    engine = LocalEngine(tmp_path)
    try:
        engine.start()
    finally:
        engine.stop()
    assert _cmdline(os.getpid()), "start() must not kill a process that is not its engine"


def test_port_clash_gives_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        engine = LocalEngine(tmp_path, port=port)
        with pytest.raises(EngineStartError, match=rf"port {port} .* already in use"):
            engine.start()
    assert not (tmp_path / "engine.pid").exists()


def test_second_engine_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    first = LocalEngine(tmp_path)
    first.start()
    try:
        with pytest.raises(EngineStartError, match="another reformgraph process"):
            LocalEngine(tmp_path).start()
        assert _answers(first), "the refused start must not touch the running engine"
    finally:
        first.stop()
