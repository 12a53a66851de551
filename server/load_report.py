"""What the CLI tells whoever runs a load: what each file brought, and why the graph could not
be written, in one line.

A load that cannot reach or lock its engine used to end in a Python traceback (47 lines, the
reason on the last); a load that succeeded counted the rows of the context folder as if the
named files held them. Here each failure the engine can cause becomes one line — what failed,
why, what to do — and the records are counted per file they came from, the context folder's
apart. ``reformgraph -v`` still logs the whole exception.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from graph_loaders.dataset import SECTIONS, Dataset
from graph_loaders.recorded import UnreplayableRecordError
from graph_store.errors import (
    BackendUnavailableError,
    DeadlineExceededError,
    StatementFailedError,
    WriteBusyError,
    WriteConflictError,
)
from graph_store.local_engine import EngineStartError
from server.settings import Settings

log = logging.getLogger(__name__)

#: Exceptions :func:`failure_line` turns into one line.
GRAPH_FAILURES: tuple[type[Exception], ...] = (
    EngineStartError,
    BackendUnavailableError,
    DeadlineExceededError,
    StatementFailedError,
    WriteBusyError,
    WriteConflictError,
    UnreplayableRecordError,
)


def engine_named(settings: Settings) -> str:
    """The graph a command uses, as its user configured it."""
    if settings.uses_neo4j:
        return f"Neo4j at {settings.neo4j_uri}"
    if settings.falkordb_port is not None:
        return f"FalkorDB at {settings.falkordb_host}:{settings.falkordb_port}"
    return f"the local graph engine in {settings.data_dir}"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].rstrip(":") if lines else type(exc).__name__


def failure_line(exc: Exception, settings: Settings, action: str = "not loaded") -> str:
    """One line for a failure of the graph: what, why, what to do. Nothing was written in any
    of these cases (an import is one atomic step)."""
    log.debug("%s", action, exc_info=exc)
    engine = engine_named(settings)
    if isinstance(exc, EngineStartError):
        return (
            f"{action}: {engine} could not start: {_first_line(exc)}; nothing was written "
            "(a running `reformgraph serve` holds its folder: stop it first, or point the "
            "load at the graph it serves with NEO4J_URI or REFORMGRAPH_FALKORDB_PORT)"
        )
    if isinstance(exc, BackendUnavailableError):
        where = (
            "set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) to a running Neo4j"
            if settings.uses_neo4j
            else "set REFORMGRAPH_FALKORDB_PORT to a running FalkorDB, or unset it to "
            "start a local engine"
        )
        return (
            f"{action}: cannot reach {engine}: it refused or did not answer the connection; "
            f"nothing was written; start it, or {where}"
        )
    if isinstance(exc, WriteBusyError):
        return (
            f"{action}: another write held the graph's write lock on {engine} for longer than "
            f"this load waits (REFORMGRAPH_WRITE_LOCK_WAIT_S={settings.write_lock_wait_s:g} s); "
            "nothing was written; run it again when that write (a merger, an upload or "
            "another load) has finished, or wait longer with a larger "
            "REFORMGRAPH_WRITE_LOCK_WAIT_S"
        )
    if isinstance(exc, DeadlineExceededError):
        return (
            f"{action}: {engine} stopped the import at its timeout "
            f"(REFORMGRAPH_IMPORT_TIMEOUT_S={settings.import_timeout_s:g} s), waiting for "
            "another write that held the graph or writing too much at once; nothing was "
            "written; run it again when other writes have finished, or raise "
            "REFORMGRAPH_IMPORT_TIMEOUT_S"
        )
    if isinstance(exc, StatementFailedError):
        return (
            f"{action}: {engine} refused a statement of the import ({_first_line(exc)}); "
            "nothing was written; this is a bug or an engine fault: run again with -v and "
            "report the log"
        )
    return f"{action}: {_first_line(exc)}"  # conflicts, unreplayable records: they say it


def records_by_file(dataset: Dataset) -> dict[str | None, Counter[str]]:
    """How many records of each section came from each file (``None``: made in code)."""
    counts: dict[str | None, Counter[str]] = {}
    for section in SECTIONS:
        for record in getattr(dataset, section):
            origin = record.origin
            counts.setdefault(origin.file if origin else None, Counter())[section] += 1
    return counts


def _counted(counts: Counter[str]) -> str:
    return ", ".join(
        f"{section.replace('_', ' ')} {counts[section]:,}"
        for section in SECTIONS
        if counts[section]
    )


def loaded_lines(
    dataset: Dataset, files: Iterable[Path], context_dir: Path | None, rows: int
) -> list[str]:
    """What a load wrote: each named file's records, then the context folder's (written with
    them, so that what they refer to is in the graph), then the graph rows in total."""
    counts = records_by_file(dataset)
    named = [str(path) for path in files]
    lines = [f"{path}: {_counted(counts.get(path, Counter())) or 'no records'}" for path in named]
    context: Counter[str] = Counter()
    for file, found in counts.items():
        if file not in named:
            context.update(found)
    if context:
        folder = f"the context folder {context_dir}" if context_dir else "other sources"
        lines.append(f"with {folder}: {_counted(context)}")
    lines.append(f"loaded {len(named)} file(s) in one step: {rows:,} node and relationship rows")
    return lines
