"""The per-request deadline (graph_store/deadline.py): the engine is given a little less time
than the request has, so that its own refusal arrives in time, and the client stops waiting at
the deadline itself (the red team saw answers a second past it when the grace was on top)."""

from __future__ import annotations

import asyncio

import pytest

from graph_store.deadline import (
    GRACE_S,
    remaining_s,
    request_deadline,
    statement_timeout_s,
    within_deadline,
)
from graph_store.errors import BackendUnavailableError, DeadlineExceededError

pytestmark = pytest.mark.anyio


async def test_the_engine_gets_the_time_left_less_the_grace() -> None:
    assert statement_timeout_s(30.0) == 30.0  # no request: the store's own timeout
    with request_deadline(10.0):
        left = remaining_s()
        assert left is not None
        assert statement_timeout_s(30.0) == pytest.approx(left - GRACE_S, abs=0.05)
        assert statement_timeout_s(2.0) == 2.0  # the store's own when that is shorter
    with request_deadline(0.4):  # less than the grace left: half of what is left
        assert statement_timeout_s(30.0) == pytest.approx(0.2, abs=0.05)


async def test_an_engine_that_does_not_answer_is_given_up_at_the_deadline() -> None:
    with request_deadline(0.3):
        with pytest.raises(BackendUnavailableError, match="did not answer"):
            async with within_deadline("falkordb"):
                await asyncio.sleep(30)  # a frozen engine
        left = remaining_s()
        assert left is not None
        assert left <= 0  # not before the deadline
        assert left > -GRACE_S  # and not a grace period after it


async def test_a_statement_after_the_deadline_is_not_sent() -> None:
    with request_deadline(0.05):
        await asyncio.sleep(0.1)
        with pytest.raises(DeadlineExceededError):
            async with within_deadline("falkordb"):
                pytest.fail("the statement ran past the deadline")


async def test_no_deadline_means_no_bound() -> None:
    with request_deadline(0):
        assert remaining_s() is None
        async with within_deadline("falkordb"):
            await asyncio.sleep(0)
