"""Lists of flat objects completed in one loop answer exactly as graphql-core's field-by-field
path: the same data and the same errors at the same paths, whatever the objects hold, and only
selections of fields read from the object itself take the one-loop path."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import pytest
import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry import relay

from schema import build_schema
from schema.execution import ScalarListExecutionContext

pytestmark = pytest.mark.anyio


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Leaf(Named):
    size: int | None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class Other(Named):
    colour: Colour | None


@strawberry.type
class Thing(relay.Node):
    """A relay node whose ``id`` is Strawberry's own: its type name and key, base64'd."""

    code: relay.NodeID[str]
    name: str


@strawberry.type
class Renamed(relay.Node):
    """A relay node that answers its own id: its ``id`` needs Strawberry's resolver."""

    code: relay.NodeID[str]

    @classmethod
    def resolve_id(cls, root: Any, *, info: strawberry.Info) -> str:
        return f"renamed-{root.code}"


@strawberry.type
class Cell:
    text: str
    count: int | None
    colour: Colour | None
    tags: list[str | None] | None
    leaf: Leaf | None
    thing: Named | None
    node: relay.Node | None = None
    # lists of an enum: completed by one look-up per item when every item is a member
    palette: list[Colour | None] | None = None
    required_palette: list[Colour] | None = None

    @strawberry.field
    def label(self) -> str:
        return f"{self.text}:{self.count}"

    @strawberry.field
    async def later(self) -> str:
        return self.text

    @strawberry.field
    def times(self, n: int) -> int:
        return (self.count or 0) * n


def _cells(info: strawberry.Info) -> Any:
    return info.context["cells"]


@strawberry.type
class Query:
    cells: list[Cell | None] | None = strawberry.field(resolver=_cells)
    required_cells: list[Cell] = strawberry.field(resolver=_cells)


TYPES = [Leaf, Other, Thing, Renamed]
FAST = strawberry.Schema(
    query=Query, types=TYPES, execution_context_class=ScalarListExecutionContext
)
GENERAL = strawberry.Schema(query=Query, types=TYPES)

SELECTIONS = [
    "{ cells { text count colour } }",
    "{ requiredCells { text label } }",
    "{ cells { __typename a: text b: text tags } }",
    "{ cells { leaf { name size shout __typename } } }",
    "{ cells { thing { __typename name ... on Leaf { size } ... on Other { colour } } } }",
    "{ cells { ...F } } fragment F on Cell { text leaf { name } }",
    "query($s: Boolean!) { cells { text count @skip(if: $s) } }",
    "{ cells { node { id __typename ... on Thing { name } } } }",
    "{ cells { palette requiredPalette } }",
    # not flat: an async resolver, an argument
    "{ cells { text later } }",
    "{ cells { text times(n: 2) } }",
]

TEXTS = st.one_of(st.text(max_size=3), st.none(), st.integers(-3, 3), st.builds(object))
INTS = st.one_of(st.none(), st.integers(-(2**40), 2**40), st.text(max_size=2))
COLOURS = st.one_of(st.none(), st.sampled_from(list(Colour)), st.text(max_size=2))
#: Members mostly, and now and then what is no member: a string, None, an unhashable list
PALETTES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.lists(st.sampled_from(list(Colour)), max_size=4),
    st.lists(st.one_of(COLOURS, st.builds(list)), max_size=4),
    st.text(max_size=2),
)
LEAVES = st.one_of(
    st.none(),
    st.builds(Leaf, name=TEXTS, size=INTS),
    st.builds(Other, name=TEXTS, colour=COLOURS),
    st.builds(object),
)
NODES = st.one_of(
    st.none(),
    st.builds(Thing, code=st.one_of(st.text(max_size=3), st.none()), name=TEXTS),
    st.builds(Renamed, code=st.text(max_size=3)),
)
CELLS = st.one_of(
    st.none(),
    st.builds(
        Cell,
        text=TEXTS,
        count=INTS,
        colour=COLOURS,
        tags=st.one_of(st.none(), st.lists(TEXTS, max_size=3), st.text(max_size=2)),
        leaf=LEAVES,
        thing=LEAVES,
        node=NODES,
        palette=PALETTES,
        required_palette=PALETTES,
    ),
    st.builds(object),
)


async def _answer(schema: strawberry.Schema, query: str, cells: Any) -> tuple[Any, Any]:
    result = await schema.execute(
        query, variable_values={"s": True}, context_value={"cells": cells}
    )
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(CELLS, max_size=5))
async def test_every_selection_answers_as_the_general_path(cells: list[Any]) -> None:
    for query in SELECTIONS:
        assert await _answer(FAST, query, cells) == await _answer(GENERAL, query, cells), query


def _counting(base: type[Any]) -> type[Any]:
    """``base`` counting the fields graphql-core executes one by one."""

    class Counting(base):  # type: ignore[misc]
        fields: ClassVar[list[str]] = []

        def execute_field(self, parent_type: Any, *args: Any, **kwargs: Any) -> Any:
            Counting.fields.append(parent_type.name)
            return super().execute_field(parent_type, *args, **kwargs)

    return Counting


async def _executed(base: type[Any], query: str, cells: list[Any]) -> tuple[Any, list[str]]:
    counting = _counting(base)
    schema = strawberry.Schema(query=Query, types=TYPES, execution_context_class=counting)
    result = await schema.execute(query, context_value={"cells": cells})
    assert result.errors is None
    return result.data, counting.fields


CELL = Cell(
    text="a", count=1, colour=Colour.RED, tags=["x"], leaf=Leaf(name="l", size=2), thing=None
)


async def test_flat_objects_are_completed_in_one_loop_not_field_by_field() -> None:
    query = "{ cells { text label colour leaf { shout } } }"
    data, fields = await _executed(ScalarListExecutionContext, query, [CELL] * 50)
    assert data == {
        "cells": [{"text": "a", "label": "a:1", "colour": "RED", "leaf": {"shout": "L"}}] * 50
    }
    assert fields == ["Query"]  # only the list's own field
    # graphql-core's own path executes every field of every cell: the count above means it
    general = await _executed(GENERAL.execution_context_class, query, [CELL] * 50)
    assert general == (data, ["Query"] + ["Cell", "Cell", "Cell", "Cell", "Leaf"] * 50)


@pytest.mark.parametrize("field", ["later", "times(n: 2)"])
async def test_a_field_that_needs_its_resolver_is_executed_by_graphql_core(field: str) -> None:
    _, fields = await _executed(
        ScalarListExecutionContext, f"{{ cells {{ text {field} }} }}", [CELL] * 3
    )
    assert fields.count("Cell") == 6


async def test_the_service_has_no_per_field_hook_that_the_one_loop_path_would_skip() -> None:
    """An extension with a ``resolve`` hook turns the one-loop path off (it must see every
    field); the service's own extensions have none, or the path would never run."""
    hooked = [type(e).__name__ for e in build_schema().get_extensions() if e._implements_resolve()]
    assert hooked == []


async def test_a_relay_id_is_read_from_the_node_and_a_custom_one_through_its_resolver() -> None:
    """A node's relay ``id`` (name search, a connection's nodes) is completed in the one loop,
    as Strawberry's resolver answers it; a type that answers its own id keeps the resolver."""
    def cell(node: relay.Node) -> Cell:
        return Cell(text="a", count=1, colour=None, tags=None, leaf=None, thing=None, node=node)

    things = [cell(Thing(code=f"k{i}", name="n")) for i in range(20)]
    query = "{ cells { node { id } } }"
    data, fields = await _executed(ScalarListExecutionContext, query, things)
    ids = [relay.to_base64("Thing", f"k{i}") for i in range(20)]
    assert data == {"cells": [{"node": {"id": id_}} for id_ in ids]}
    assert fields == ["Query"]
    renamed = [cell(Renamed(code="x"))]
    data, fields = await _executed(ScalarListExecutionContext, query, renamed)
    assert data == {"cells": [{"node": {"id": relay.to_base64("Renamed", "renamed-x")}}]}
    assert "Renamed" in fields
