"""Relay connections with ``totalCount`` and a page-size cap that answers ``LIMIT_EXCEEDED``."""

from __future__ import annotations

from typing import Any, Self

import strawberry
from strawberry import relay

from schema.errors import ApiError, ErrorCode


@strawberry.type(description="A page of a list, with cursors and the size of the whole list.")
class CountedConnection(relay.ListConnection[relay.NodeType]):
    total_count: int = strawberry.field(
        default=0, description="How many items the whole list holds, across all pages."
    )

    @classmethod
    def resolve_connection(  # type: ignore[override]
        cls,
        nodes: list[relay.NodeType],
        *,
        info: strawberry.Info,
        first: int | None = None,
        last: int | None = None,
        **kwargs: Any,
    ) -> Self:
        cap = info.schema.config.relay_max_results
        for name, value in (("first", first), ("last", last)):
            if value is not None and value > cap:
                raise ApiError(
                    ErrorCode.LIMIT_EXCEEDED,
                    f"Argument '{name}' is {value}; at most {cap} items fit in one page.",
                    limit="page_size",
                )
            if value is not None and value < 0:
                raise ApiError(ErrorCode.BAD_INPUT, f"Argument '{name}' must not be negative.")
        connection = super().resolve_connection(nodes, info=info, first=first, last=last, **kwargs)
        assert isinstance(connection, cls)  # a list resolves synchronously
        connection.total_count = len(nodes)
        return connection
