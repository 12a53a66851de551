"""The GraphQL schema: types, queries, DataLoaders, errors and limits.

It knows the graph only through :class:`graph_store.GraphStore` and never imports ``server``.
"""

import strawberry

from schema.errors import CodedErrors
from schema.metrics import OperationMetrics
from schema.query import Query


def build_schema() -> strawberry.Schema:
    """The service's schema with its extensions (error codes and masking, metrics)."""
    return strawberry.Schema(query=Query, extensions=[OperationMetrics, CodedErrors])


__all__ = ["build_schema"]
