"""Lists of scalars completed in one loop answer exactly as graphql-core's item-by-item path:
the same data, and the same errors at the same item paths, whatever the resolver returns."""

from __future__ import annotations

import datetime
import importlib.metadata
import inspect
import tomllib
from pathlib import Path
from typing import Any, ClassVar

import pytest
import strawberry
from hypothesis import given
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.version import Version

from schema import build_schema
from schema.execution import ScalarListExecutionContext

ROOT = Path(__file__).resolve().parent.parent


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


def _spying(base: type[Any]) -> type[Any]:
    """``base`` (an execution context class) recording what completed the lists: each call of
    the list override, and each item completed one by one as a leaf (graphql-core's path)."""

    class Spy(base):  # type: ignore[misc]
        lists: ClassVar[list[str]] = []
        leaves: ClassVar[list[object]] = []

        def complete_iterable_value(self, *args: Any, **kwargs: Any) -> Any:
            Spy.lists.append(args[3].key)  # the path of the list's field
            return super().complete_iterable_value(*args, **kwargs)

        def complete_leaf_value(self, return_type: Any, result: Any) -> Any:
            Spy.leaves.append(result)
            return super().complete_leaf_value(return_type, result)

    return Spy


def _completions(context_class: type[Any], values: list[Any]) -> tuple[Any, list[str], int]:
    spy = _spying(context_class)
    schema = strawberry.Schema(query=Query, execution_context_class=spy)
    result = schema.execute_sync("{ lists { texts } }", context_value={"values": values})
    return result.data, spy.lists, len(spy.leaves)


def test_the_service_completes_scalar_lists_in_one_loop_not_item_by_item() -> None:
    """If graphql-core stopped calling the override (as 3.2 never did) or it fell back to the
    item-by-item path, the hundred items would be completed as a hundred leaves."""
    values = [f"t{index}" for index in range(100)]
    data, lists, leaves = _completions(build_schema().execution_context_class, values)
    assert data == {"lists": {"texts": values}}
    assert lists == ["texts"]
    assert leaves == 0
    # the same spy on graphql-core's own path sees every item: the count above is meaningful
    assert _completions(GENERAL.execution_context_class, values)[2] == 100


@pytest.mark.parametrize(
    "method", ["complete_iterable_value", "complete_object_value", "complete_abstract_value"]
)
def test_the_override_has_the_signature_of_the_method_it_replaces(method: str) -> None:
    """A graphql-core that renamed or reordered the parameters would otherwise be called with
    arguments the override misreads."""
    base: Any = ScalarListExecutionContext.__mro__[1]
    ours = inspect.signature(getattr(ScalarListExecutionContext, method))
    theirs = inspect.signature(getattr(base, method))
    assert list(ours.parameters) == list(theirs.parameters)


def test_graphql_core_is_pinned_to_the_minor_version_installed_and_tested() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [
        Requirement(line)
        for line in pyproject["project"]["dependencies"]
        if Requirement(line).name == "graphql-core"
    ]
    assert len(pins) == 1, "graphql-core must be pinned in pyproject.toml's dependencies"
    specifier = pins[0].specifier
    installed = Version(importlib.metadata.version("graphql-core"))
    assert installed in specifier
    # one minor version only: the next minor and the previous one are both refused
    assert Version(f"{installed.major}.{installed.minor + 1}.0") not in specifier
    assert Version(f"{installed.major}.{installed.minor - 1}.99") not in specifier
