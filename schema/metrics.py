"""Prometheus metrics of GraphQL operations, recorded by a Strawberry schema extension.

The ``operation`` label comes from a bounded set, never from the client as it is: the
operation names of the web explorer, those the service is configured with
(``REFORMGRAPH_METRICS_OPERATIONS``), ``anonymous``, and ``other`` for every other name. A
client sending a new name on each request would otherwise grow ``/metrics`` (and Prometheus)
by a series per request: 5,000 requests made it 9 MB.

With several worker processes (``serve --workers``) each process counts in its own memory, so
``/metrics`` from one worker would show that worker's share alone. prometheus_client's
multiprocess mode fixes this: when ``PROMETHEUS_MULTIPROC_DIR`` is set (before the process
imports prometheus_client; ``serve --workers`` sets it for its workers), every process writes
its samples to files there and :func:`exposition` sums the files of all of them, those of a
worker that has died and been replaced included, so counters never go back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from strawberry.extensions import SchemaExtension

OPERATIONS = Counter(
    "reformgraph_graphql_operations_total",
    "GraphQL operations served, by operation name and outcome.",
    ["operation", "outcome"],
)
OPERATION_SECONDS = Histogram(
    "reformgraph_graphql_operation_seconds",
    "Wall time of one GraphQL operation, by operation name.",
    ["operation"],
)

#: Where the processes of one service write their samples in multiprocess mode.
MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def exposition() -> bytes:
    """The text ``/metrics`` answers: this process's metrics, or in multiprocess mode those of
    every process of the service, summed (histograms by bucket, counters by label)."""
    directory = os.environ.get(MULTIPROC_DIR_VARIABLE)
    if not directory:
        return generate_latest()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


#: The operations the web explorer sends (server/web/js; a test keeps the two in step).
EXPLORER_OPERATIONS = frozenset(
    {
        "Body",
        "Chains",
        "Children",
        "ClaimedBy",
        "Event",
        "Impact",
        "ImportClaims",
        "ImportList",
        "Item",
        "List",
        "Matrix",
        "Region",
        "Search",
        "TownClaims",
        "Vocabulary",
    }
)
#: The label of an operation sent without a name, and of any name not known.
ANONYMOUS = "anonymous"
OTHER = "other"


def operation_label(name: object, known: frozenset[str]) -> str:
    """The ``operation`` label of a request naming ``name``: the name if it is known."""
    if not name:
        return ANONYMOUS
    return name if isinstance(name, str) and name in known else OTHER


class OperationMetrics(SchemaExtension):
    """Count and time each operation, labelled by :func:`operation_label`."""

    known: frozenset[str] = EXPLORER_OPERATIONS

    @classmethod
    def labelled(cls, operations: Iterable[str]) -> Callable[[], OperationMetrics]:
        """A factory of the extension that also knows ``operations`` (configured names)."""
        known = EXPLORER_OPERATIONS | frozenset(operations)

        def make() -> OperationMetrics:
            extension = cls()
            extension.known = known
            return extension

        return make

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        name = operation_label(self.execution_context.operation_name, self.known)
        result = self.execution_context.result
        outcome = "error" if result is not None and result.errors else "ok"
        OPERATIONS.labels(name, outcome).inc()
        OPERATION_SECONDS.labels(name).observe(time.perf_counter() - started)
