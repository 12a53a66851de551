"""``reformgraph serve --workers N``: N API processes on one port, one engine, one start-up.

**The supervisor is uvicorn's own** (``uvicorn.run(..., workers=N)``,
``uvicorn.supervisors.Multiprocess``): it binds the port once and hands the socket to each
worker process, replaces a worker that dies (SIGKILL, a crash: it checks each one every half
second), restarts them all on SIGHUP, adds or removes one on SIGTTIN/SIGTTOU, and on SIGINT or
SIGTERM stops every worker and waits for each before it returns. It is the server the service
already runs, with the same options (:mod:`server.timeouts`), and it needs no further
dependency. gunicorn with uvicorn workers would add a heartbeat that kills a worker whose
process stops answering, but our workers never block their event loop for long (every request
has a deadline and every operation a price), and it would be one more package and
configuration to keep for no behaviour we need.

**This parent does what must happen once per service**, before and after the workers:

* it opens the graph: starts the local engine (unless Neo4j or a running FalkorDB is
  configured), applies the schema, removes staging copies left by interrupted writes;
* it applies the dataset folder and the synthetic sample if they changed (:mod:`server.dataset`),
  once, before any worker starts; the workers start with ``load_at_start`` off;
* it watches the local engine and restarts it if it dies (the workers are given the engine's
  port, so they own no engine and watch none);
* when uvicorn returns (every worker has stopped), it stops the engine.

The parent's graph work runs on an event loop in a thread of its own (:class:`Keeper`), because
uvicorn's supervisor loop needs the main thread. The engine dies with the thread that started
it (``PR_SET_PDEATHSIG``), and that thread belongs to the keeper's loop, which lives until the
engine is stopped. The workers die with the parent too (:func:`create_worker_app`): no process
outlives a ``kill -9`` of the parent.

**Each worker listens on a socket of its own** (Linux): uvicorn binds one socket in the parent
and every worker accepts from it, so a burst of new connections — a client or a proxy opening
its pool — all go to whichever worker wakes first: it accepts every queued one in a loop. With
8 keep-alive connections opened at once, all 8 landed on one worker in 3 of 8 benchmark runs,
and the second worker idled (``bench/workers_bench.py``). Here the parent binds its socket with
``SO_REUSEPORT`` and never listens on it (it only holds the port); each worker, when uvicorn
hands it that socket, binds one of its own to the same address instead
(:class:`ListenerPerWorker`), and the kernel spreads new connections over the workers' sockets
by a hash of their addresses. This is the approach of uvicorn's own pending change for it
(encode/uvicorn#2472, a ``--socket-load-balance`` flag); the supervisor is still uvicorn's. The
cost: connections queued on a worker's socket but not yet accepted when that worker is killed
are reset (a shared socket would have kept them for the others).

The workers get the parent's settings through the environment (:func:`worker_environment`), and
``PROMETHEUS_MULTIPROC_DIR`` so that ``/metrics`` sums every worker (:mod:`schema.metrics`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from schema.metrics import MULTIPROC_DIR_VARIABLE
from server.app import create_app
from server.dataset import load_start_up_data
from server.runtime import open_runtime
from server.settings import Settings
from server.timeouts import uvicorn_options

log = logging.getLogger(__name__)

#: The log line format of the command line and of every worker.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: What uvicorn imports (and calls) in each worker process.
WORKER_APP = "server.workers:create_worker_app"
#: How long the supervisor waits for a worker to answer its health check (every half second)
#: before it kills and replaces it. uvicorn's default, 5 s, is shorter than a new worker takes
#: to import the service on two busy cores (about 4 s measured, more with two starting at
#: once), so workers were killed as hung while they started. A started worker answers from a
#: thread of its own within milliseconds, so this only bounds how long a frozen one lives.
WORKER_HEALTHCHECK_S = 30
_PR_SET_PDEATHSIG = 1


def _bind_own_socket(family: int, address: tuple[str, int]) -> socket.socket:
    """A socket of this process bound to ``address`` in the ``SO_REUSEPORT`` group of the
    parent's socket (uvicorn's worker listens on it)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


class ListenerPerWorker(socket.socket):
    """The parent's socket: bound with ``SO_REUSEPORT`` (which holds the port and makes a bad
    address fail before any worker starts) and never listened on, so the kernel sends it no
    connection. Pickled to a spawned worker, it arrives as a new socket bound to the same
    address in that worker (:func:`_bind_own_socket`), not as a copy of this one."""

    @classmethod
    def bound(cls, host: str, port: int) -> ListenerPerWorker:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = cls(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        return sock

    def __reduce__(self) -> tuple[Any, tuple[int, tuple[str, int]]]:
        host, port = self.getsockname()[:2]
        return _bind_own_socket, (int(self.family), (host, port))


def _run_supervisor(config: uvicorn.Config, settings: Settings) -> None:
    """uvicorn's supervisor with one listening socket per worker on Linux (uvicorn.run's own
    path, which shares the parent's socket, elsewhere: ``SO_REUSEPORT`` balances connections on
    Linux only)."""
    sockets: list[socket.socket]
    if not sys.platform.startswith("linux"):  # pragma: no cover - the service runs on Linux
        sockets = [config.bind_socket()]
    else:
        try:
            sockets = [ListenerPerWorker.bound(settings.host, settings.port)]
        except OSError as exc:
            log.error("cannot listen on %s:%d: %s", settings.host, settings.port, exc)
            raise SystemExit(STARTUP_FAILURE) from None
        log.info(
            "listening on http://%s:%d, a socket per worker", settings.host, settings.port
        )
    try:
        Multiprocess(config, sockets=sockets).run()
    finally:
        for sock in sockets:
            sock.close()


def worker_environment(settings: Settings, **overrides: Any) -> dict[str, str | None]:
    """Environment variables from which a worker's ``Settings()`` reads exactly ``settings``
    (with ``overrides``): one per field, under its variable's name; ``None`` to unset one whose
    value is its default ``None`` (an empty value would not parse as a port or a URI)."""
    values = settings.model_copy(update=overrides)
    environment: dict[str, str | None] = {}
    for name, field in Settings.model_fields.items():
        aliases = getattr(field.validation_alias, "choices", None)
        variable = str(aliases[0]) if aliases else f"REFORMGRAPH_{name.upper()}"
        value = getattr(values, name)
        if aliases:  # the other spellings must not win over this one
            for alias in aliases[1:]:
                environment[str(alias)] = None
        if value is None:
            environment[variable] = None if field.default is None else ""
        elif isinstance(value, SecretStr):
            environment[variable] = value.get_secret_value()
        elif isinstance(value, bool):
            environment[variable] = "true" if value else "false"
        else:
            environment[variable] = str(value)
    return environment


@contextlib.contextmanager
def environment_set(variables: Mapping[str, str | None]) -> Iterator[None]:
    """``os.environ`` with ``variables`` set (``None``: removed), as it was afterwards."""
    before = {name: os.environ.get(name) for name in variables}
    try:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def metrics_directory() -> Iterator[Path]:
    """The folder the workers' metrics go to: ``PROMETHEUS_MULTIPROC_DIR`` if set (emptied of
    a previous run's files first, as prometheus_client requires), else a temporary folder
    removed afterwards."""
    configured = os.environ.get(MULTIPROC_DIR_VARIABLE)
    if configured:
        folder = Path(configured)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="reformgraph-metrics-") as folder_name:
        yield Path(folder_name)


def _die_with_parent() -> None:
    """Ask the kernel to send this worker SIGTERM when the supervisor dies, and leave at once
    if it is already gone (a ``kill -9`` of the parent must not leave workers holding the
    port)."""
    parent = multiprocessing.parent_process()
    if parent is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent.pid:
        raise SystemExit("the service's parent process is gone; this worker stops")


def create_worker_app() -> FastAPI:
    """The app of one worker process (uvicorn calls it in each): the parent's settings from
    the environment, on the parent's engine, loading and preparing nothing at start-up (the
    parent did both before any worker started)."""
    _die_with_parent()
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    return create_app(Settings(), graph_prepared=True)


class _StopSignalError(Exception):
    """SIGINT or SIGTERM arrived while the parent was still starting."""


def _stop_requested(signum: int, frame: FrameType | None) -> None:
    raise _StopSignalError(signal.Signals(signum).name)


def _ignored(signum: int, frame: FrameType | None) -> None:
    """A handler that does nothing (not SIG_IGN, which children would inherit)."""


class Keeper:
    """The parent's graph work on an event loop in a thread of its own: open the runtime,
    apply the start-up data, then watch the engine until :meth:`stop`, then close (which stops
    the local engine)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine_address: tuple[str, int] | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._task = self._loop.create_task(self._main())
        self._thread = threading.Thread(target=self._run, name="reformgraph-keeper")

    def start(self) -> None:
        """Start, and return once the graph is open and the start-up data applied; raise what
        stopped it otherwise."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Stop watching, close the graph (stop the local engine) and end the thread."""
        started = self._thread.ident is not None
        if started and not self._thread.is_alive():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed as the thread ended
            self._loop.call_soon_threadsafe(self._task.cancel)
        if not started:  # stopped before it started: it runs the cancelled task, and ends
            self._thread.start()
        self._thread.join()

    def _run(self) -> None:
        loop = self._loop
        try:
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(self._task)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            self._ready.set()

    async def _main(self) -> None:
        try:
            async with open_runtime(self.settings) as runtime:
                await load_start_up_data(runtime.store, self.settings)
                if runtime.engine is not None:
                    self.engine_address = (runtime.engine.host, runtime.engine.port)
                self._ready.set()
                await runtime.watch_engine()  # returns at once when there is no local engine
                await asyncio.Event().wait()  # until stop()
        except Exception as exc:
            self._error = exc


def serve_workers(settings: Settings, count: int) -> None:
    """Run the service as ``count`` worker processes on ``settings.host:settings.port`` until
    SIGINT or SIGTERM; then stop every worker, and after them the engine."""
    stopping = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, _stop_requested) for sig in stopping}
    keeper = Keeper(settings)
    try:
        try:
            keeper.start()
        except Exception:
            log.exception("start-up failed")
            raise SystemExit(STARTUP_FAILURE) from None
        overrides: dict[str, Any] = {"load_at_start": False, "workers": 1}
        if keeper.engine_address is not None:
            overrides["falkordb_host"], overrides["falkordb_port"] = keeper.engine_address
        with metrics_directory() as metrics:
            variables = {
                **worker_environment(settings, **overrides),
                MULTIPROC_DIR_VARIABLE: str(metrics),
            }
            with environment_set(variables):
                log.info("starting %d workers on %s:%d", count, settings.host, settings.port)
                config = uvicorn.Config(
                    WORKER_APP,
                    factory=True,
                    workers=count,
                    host=settings.host,
                    port=settings.port,
                    log_level="info",
                    timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
                    **uvicorn_options(settings),
                )
                # uvicorn's supervisor takes SIGINT and SIGTERM from here on
                _run_supervisor(config, settings)
    except _StopSignalError as stop:
        log.info("%s during start-up: stopping", stop)
    finally:
        for sig in stopping:  # one more signal must not interrupt stopping the engine
            signal.signal(sig, _ignored)
        keeper.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("every worker has stopped, and the engine after them")
