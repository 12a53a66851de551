"""The GraphQL schema: types, queries, DataLoaders, errors and limits.

It knows the graph only through :class:`graph_store.GraphStore` and never imports ``server``.
"""

import strawberry

from schema.errors import CodedErrors
from schema.limits import Limits, limit_extensions
from schema.metrics import OperationMetrics
from schema.query import Query


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The service's schema with its extensions: cost limits, error codes and masking,
    metrics."""
    return strawberry.Schema(
        query=Query,
        extensions=[*limit_extensions(limits or Limits()), OperationMetrics, CodedErrors],
    )


__all__ = ["Limits", "build_schema"]
