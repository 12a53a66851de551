"""Lists of scalars completed in one loop answer exactly as graphql-core's item-by-item path:
the same data, and the same errors at the same item paths, whatever the resolver returns."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from hypothesis import given
from hypothesis import strategies as st

from schema import build_schema
from schema.execution import ScalarListExecutionContext


def _values(info: strawberry.Info) -> Any:
    return info.context["values"]


@strawberry.type
class Lists:
    """The same resolver's list under every item type the fast path may see."""

    texts: list[str | None] = strawberry.field(resolver=_values)
    required_texts: list[str] = strawberry.field(resolver=_values)
    ints: list[int | None] = strawberry.field(resolver=_values)
    floats: list[float | None] = strawberry.field(resolver=_values)
    flags: list[bool | None] = strawberry.field(resolver=_values)
    dates: list[datetime.date | None] = strawberry.field(resolver=_values)
    nested: list[list[str | None] | None] = strawberry.field(resolver=_values)


@strawberry.type
class Query:
    @strawberry.field
    def lists(self) -> Lists:
        return Lists()


FAST = strawberry.Schema(query=Query, execution_context_class=ScalarListExecutionContext)
GENERAL = strawberry.Schema(query=Query)
FIELDS = ("texts", "requiredTexts", "ints", "floats", "flags", "dates", "nested")

ITEMS = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(min_value=-(2**40), max_value=2**40),  # some beyond GraphQL's 32-bit Int
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=3),
    st.builds(object),
)


def _answer(schema: strawberry.Schema, field: str, values: Any) -> tuple[Any, list[Any]]:
    result = schema.execute_sync(f"{{ lists {{ {field} }} }}", context_value={"values": values})
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


@given(values=st.lists(ITEMS, max_size=8))
def test_every_list_answers_as_the_general_path(values: list[Any]) -> None:
    for field in FIELDS:
        assert _answer(FAST, field, values) == _answer(GENERAL, field, values), field


def test_a_missing_required_item_is_an_error_at_its_index() -> None:
    data, errors = _answer(FAST, "requiredTexts", ["a", None, "c"])
    assert data is None
    assert [path for _, path in errors] == [["lists", "requiredTexts", 1]]


def test_an_item_out_of_range_is_an_error_at_its_index_and_only_it_is_null() -> None:
    data, errors = _answer(FAST, "ints", [1, 2**40, None])
    assert data == {"lists": {"ints": [1, None, None]}}
    assert [path for _, path in errors] == [["lists", "ints", 1]]


def test_items_are_coerced_as_their_type_says() -> None:
    assert _answer(FAST, "floats", [1, 2.5, None]) == ({"lists": {"floats": [1.0, 2.5, None]}}, [])
    assert _answer(FAST, "dates", [datetime.date(2020, 1, 2)])[0] == {
        "lists": {"dates": ["2020-01-02"]}
    }


def test_the_service_schema_executes_with_it() -> None:
    assert build_schema().execution_context_class is ScalarListExecutionContext
