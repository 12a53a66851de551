"""Turn driver-specific result values into plain Python values.

Statements return maps and scalars by convention, but a node, relationship or path may still
slip through; converting them here keeps engine types from leaking above the graph store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SCALARS = (str, int, float, bool)
_SCALAR_TYPES = frozenset(_SCALARS)


def plain(value: Any) -> Any:
    """Return ``value`` with nodes, edges, paths and ordered dicts made plain.

    Scalars and lists of scalars (most of what statements return) go through untouched: this
    runs for every value of every row, so the common case must cost next to nothing. The exact
    types the drivers give (``dict``, ``list``, ``str``, …) are told apart by ``type()`` first:
    an ``isinstance`` against ``Mapping`` is an ABC check, and a compiled read's answer holds
    hundreds of maps.
    """
    kind = type(value)
    if value is None or kind in _SCALAR_TYPES:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): plain(v) for k, v in value.items()}
    if kind is list:
        if all(v is None or type(v) in _SCALAR_TYPES for v in value):
            return value
        return [plain(v) for v in value]
    return _plain_other(value)


def _plain_other(value: Any) -> Any:
    """:func:`plain` for the values that are not a driver's exact ``dict``, ``list`` or
    scalar: subclasses of those, tuples, and the engines' node, edge, path and time types."""
    if isinstance(value, _SCALARS):
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
