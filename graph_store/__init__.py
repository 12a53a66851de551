"""The graph-store port: one small interface, two adapters (FalkorDB, Neo4j).

Everything above this package (resolvers, loaders) calls :class:`GraphStore` with a statement
name and parameters and gets plain Python values back, so it never knows which engine is there.
"""

from graph_store.base import GraphStore, StatementTrace, trace_statements
from graph_store.errors import BackendUnavailableError, GraphStoreError, StatementFailedError

__all__ = [
    "BackendUnavailableError",
    "GraphStore",
    "GraphStoreError",
    "StatementFailedError",
    "StatementTrace",
    "trace_statements",
]
