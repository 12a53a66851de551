"""Execution of a query: graphql-core's executor with lists of plain scalars completed at once.

graphql-core completes a list item by item: a path entry, an awaitable check, a type dispatch
and a leaf coercion per item (graphql-core #189). The compact claim matrix is built from such
lists (`itemKeys`, a town's `itemModes`: one entry per item of the list, a hundred per town),
and completing them that way took about a tenth of a county matrix's request. Here a list of
a scalar type whose items are all ``None`` or plain Python scalars is coerced in one loop; any
other list, and any list where an item is missing from a non-null type or fails to coerce,
goes through graphql-core's own path, which reports the error at the item's path as before.

``complete_iterable_value`` is an executor internal: graphql-core is pinned to the minor
version this is tested on (pyproject.toml), and ``tests/test_execution.py`` fails if the
service's lists are completed item by item or the method's signature changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import GraphQLNonNull, GraphQLOutputType, GraphQLResolveInfo, GraphQLScalarType
from graphql.pyutils import AwaitableOrValue, Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_PLAIN_SCALARS = frozenset({str, int, float, bool})


class ScalarListExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with a one-loop completion for lists of scalars."""

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        # the type first: graphql-core's path checks the stream directive again anyway
        scalar = _scalar_of(item_type)
        if (
            scalar is not None
            and type(items) is list
            and self.get_stream_usage(field_details_list, path) is None
        ):
            non_null = isinstance(item_type, GraphQLNonNull)
            completed = _coerced_scalars(scalar, non_null, items)
            if completed is not None:
                return completed
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )


def _scalar_of(item_type: GraphQLOutputType) -> GraphQLScalarType | None:
    """The scalar type of a list's items (nullable or not), or None for any other type."""
    inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
    return inner if isinstance(inner, GraphQLScalarType) else None


def _coerced_scalars(
    scalar: GraphQLScalarType, non_null: bool, items: list[Any]
) -> list[Any] | None:
    """``items`` coerced to ``scalar``, or None when the general path must complete them (an
    item that is not a plain scalar, or one that would be an error: missing where ``non_null``
    or refused by the scalar)."""
    coerce = scalar.coerce_output_value
    completed: list[Any] = []
    append = completed.append
    try:
        for item in items:
            if item is None:
                if non_null:
                    return None
                append(None)
            elif type(item) in _PLAIN_SCALARS:
                value = coerce(item)
                if value is None or value is Undefined:
                    return None
                append(value)
            else:
                return None
    except Exception:  # the general path raises it again, located at the item
        return None
    return completed
