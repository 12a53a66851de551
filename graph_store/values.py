"""Turn driver-specific result values into plain Python values.

Statements return maps and scalars by convention, but a node, relationship or path may still
slip through; converting them here keeps engine types from leaking above the graph store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SCALARS = (str, int, float, bool)


def plain(value: Any) -> Any:
    """Return ``value`` with nodes, edges, paths and ordered dicts made plain.

    Scalars and lists of scalars (most of what statements return) go through untouched: this
    runs for every value of every row, so the common case must cost next to nothing.
    """
    if value is None or isinstance(value, _SCALARS):
        return value
    if isinstance(value, list) and all(v is None or isinstance(v, _SCALARS) for v in value):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    properties = getattr(value, "properties", None)  # FalkorDB Node / Edge
    if isinstance(properties, Mapping):
        return {str(k): plain(v) for k, v in properties.items()}
    if hasattr(value, "nodes") and callable(value.nodes):  # FalkorDB Path
        return [plain(n) for n in value.nodes()]
    if hasattr(value, "iso_format"):  # neo4j temporal types
        return value.iso_format()
    if hasattr(value, "items") and callable(value.items):  # neo4j Node / Relationship
        return {str(k): plain(v) for k, v in value.items()}
    return value
