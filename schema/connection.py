"""Relay connections with ``totalCount``, a page-size cap that answers ``LIMIT_EXCEEDED``, and
cursors that answer ``BAD_INPUT`` when they are not the API's own.

The cost walk (schema/cost.py) refuses ``first``/``last`` over the cap before anything runs;
the check here stays for a connection resolved without it.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from typing import Any, Self, TypeVar

import strawberry
from strawberry import relay
from strawberry.relay.utils import (
    SliceMetadata,
    should_resolve_list_connection_edges,
    to_base64,
)
from strawberry.types.base import StrawberryContainer, get_object_definition
from strawberry.types.nodes import SelectedField

from schema.errors import ApiError, ErrorCode

T = TypeVar("T")


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
        page = cls.pager(info, first=first, last=last, **kwargs)(nodes)
        assert isinstance(page, cls)
        return page

    @classmethod
    def pager(
        cls,
        info: strawberry.Info,
        *,
        first: int | None = None,
        last: int | None = None,
        **kwargs: Any,
    ) -> Callable[[list[Any]], CountedConnection[Any]]:
        """How one field's arguments cut a list into a page: the arguments checked, and the
        window and cursors worked out, once. The executor pages a connection per object of a
        list with the same arguments (``schema/execution.py``), 36 for the body question: each
        worked the window out again (and read the field's selection again) where the list is
        all that differs.

        Strawberry's ``ListConnection.resolve_connection`` for a list (every resolver of the
        API gives one; Strawberry's own takes iterators as well): the same window, cursors and
        page info, without resolving the generic edge type again for each connection. One
        difference, on purpose: ``last: 0`` gives no edges (Strawberry's slice gave the whole
        list), as ``first: 0``."""
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
        if first is None and last is None and kwargs.get("before") is not None:
            # Strawberry slices everything before the cursor then, past the page cap: the
            # cap's worth nearest the cursor instead, as `after` alone gives the cap's worth
            last = cap
        edge_type = _edge_type(cls)
        try:
            window = SliceMetadata.from_arguments(
                info, first=first, last=last, prefix=edge_type.CURSOR_PREFIX, **kwargs
            )
        except (TypeError, ValueError) as exc:  # Strawberry's words for a cursor it cannot read
            raise ApiError(
                ErrorCode.BAD_INPUT,
                "Not a valid cursor: pass a `cursor` or `endCursor` this API gave.",
            ) from exc
        if not should_resolve_list_connection_edges(info):

            def counted(nodes: list[Any]) -> CountedConnection[Any]:
                return cls(edges=[], page_info=_NO_PAGE, total_count=_total(nodes))

            return counted
        prefix = edge_type.CURSOR_PREFIX
        start, overfetch, expected = window.start, window.overfetch, window.expected
        tail_only = window.end == sys.maxsize  # `last` with no cursor: the list's tail

        def page(nodes: list[Any]) -> CountedConnection[Any]:
            rows = nodes[start:overfetch]
            edges = [
                edge_type(cursor=_cursor(prefix, start + i), node=node)
                for i, node in enumerate(rows)
            ]
            has_previous_page = start > 0
            has_next_page = False
            if expected is not None and len(edges) == expected + 1:
                edges = edges[:-1]  # the one row past the page: another page follows
                has_next_page = True
            elif tail_only:
                assert last is not None
                tail = edges[-last:] if last else []
                has_previous_page = len(tail) != len(edges)
                edges = tail
            return cls(
                edges=edges,
                page_info=relay.PageInfo(
                    start_cursor=edges[0].cursor if edges else None,
                    end_cursor=edges[-1].cursor if edges else None,
                    has_previous_page=has_previous_page,
                    has_next_page=has_next_page,
                ),
                total_count=_total(nodes),
            )

        return page


def _total(nodes: list[Any]) -> int:
    """The length of the whole list a page is cut from."""
    return nodes.total if isinstance(nodes, Page) else len(nodes)


@functools.lru_cache(maxsize=4096)
def _cursor(prefix: str, index: int) -> str:
    """The cursor of the item at ``index`` (Strawberry's, base64 of ``prefix:index``): the
    same few hundred cursors are written for every page of every request."""
    return to_base64(prefix, index)


#: The page info of a connection whose edges and page info nobody asked for.
_NO_PAGE = relay.PageInfo(
    start_cursor=None, end_cursor=None, has_previous_page=False, has_next_page=False
)


#: The edge type of each specialised connection type, resolved once (:func:`_edge_type`);
#: emptied before each test (``tests/conftest.py``), so that each test resolves them.
EDGE_TYPES: dict[type[Any], Any] = {}


def _edge_type(connection: type[Any]) -> Any:
    """The edge type of a specialised connection type (``CountedConnection[Body]`` →
    ``Edge[Body]``), resolved once per type where Strawberry resolves it per call."""
    edge = EDGE_TYPES.get(connection)
    if edge is None:
        definition = get_object_definition(connection, strict=True)
        edges_field = definition.get_field("edges")
        assert edges_field is not None
        edge = edges_field.resolve_type(type_definition=definition)
        while isinstance(edge, StrawberryContainer):
            edge = edge.of_type
        EDGE_TYPES[connection] = edge
    return edge


class Page(list[T]):
    """The first rows of a longer list, and the length of the whole list: what a resolver
    returns when its statement counts the matches itself rather than fetching them all."""

    def __init__(self, rows: Iterable[T], *, total: int) -> None:
        super().__init__(rows)
        self.total = total


def rows_for_page(info: strawberry.Info, whole_list: int) -> int:
    """How many rows a connection's resolver must fetch when its statement counts the whole
    list itself (and returns a :class:`Page`): the page plus one, to tell whether another page
    follows, when a forward page is asked for; else ``whole_list``.

    Why: most callers ask for the first page only, and fetching thousands of rows to show
    twenty was most of a broad name search's time. Backward pages (``last``, ``before``) and
    out-of-range arguments give ``whole_list``: :meth:`CountedConnection.resolve_connection`
    slices the former and refuses the latter with the proper error.
    """
    field = info.selected_fields[0]
    assert isinstance(field, SelectedField)  # a resolver's own field is never a fragment
    arguments = field.arguments
    if arguments.get("last") is not None or arguments.get("before") is not None:
        return whole_list
    try:
        first = arguments.get("first")  # a literal comes as its source text, a variable as int
        page = SliceMetadata.from_arguments(
            info, after=arguments.get("after"), first=None if first is None else int(first)
        )
    except (TypeError, ValueError):
        return whole_list
    return min(page.overfetch, whole_list)
