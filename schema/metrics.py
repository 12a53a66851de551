"""Prometheus metrics of GraphQL operations, recorded by a Strawberry schema extension."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
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


class OperationMetrics(SchemaExtension):
    """Count and time each operation; anonymous operations are labelled ``anonymous``."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        name = self.execution_context.operation_name or "anonymous"
        result = self.execution_context.result
        outcome = "error" if result is not None and result.errors else "ok"
        OPERATIONS.labels(name, outcome).inc()
        OPERATION_SECONDS.labels(name).observe(time.perf_counter() - started)
