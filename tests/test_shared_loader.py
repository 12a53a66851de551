"""A field's error never cancels another field's wait for the same DataLoader key.

graphql-core cancels the pending siblings of a field whose error nulls their parent; a sibling
waiting on a DataLoader future shared with a field elsewhere must not take that field down
with it (a ``CancelledError`` is no field error: it ends the whole request)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import strawberry
from strawberry.dataloader import DataLoader

from schema.loaders import SharedLoader

pytestmark = pytest.mark.anyio


async def _double(keys: list[int]) -> list[int]:
    await asyncio.sleep(0.05)  # the batch answers after the failing field has failed
    return [2 * key for key in keys]


async def _fails() -> int:
    await asyncio.sleep(0)
    raise ValueError("this field fails")


@strawberry.type
class Pair:
    @strawberry.field
    async def waits(self, info: strawberry.Info) -> int:
        return await info.context["loader"].load(21)  # type: ignore[no-any-return]

    @strawberry.field
    async def fails(self) -> int:
        return await _fails()


@strawberry.type
class Query:
    @strawberry.field
    async def other(self, info: strawberry.Info) -> int | None:
        return await info.context["loader"].load(21)  # type: ignore[no-any-return]

    @strawberry.field
    def pair(self) -> Pair | None:
        return Pair()


SCHEMA = strawberry.Schema(query=Query)
QUERY = "{ pair { waits fails } other }"


async def _execute(loader: DataLoader[int, int]) -> Any:
    return await SCHEMA.execute(QUERY, context_value={"loader": loader})


async def test_a_failing_sibling_leaves_the_other_fields_answer() -> None:
    result = await _execute(SharedLoader(_double))
    assert result.data == {"pair": None, "other": 42}
    assert [e.message for e in result.errors or []] == ["this field fails"]


async def test_the_plain_dataloader_would_end_the_request() -> None:
    """The failure the shield is for, with Strawberry's own loader: the test above means it."""
    with pytest.raises(asyncio.CancelledError):
        await _execute(DataLoader(_double))
