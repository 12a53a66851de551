"""A per-request deadline that every graph call of the request honours.

The HTTP layer opens :func:`request_deadline` around each request; the store reads it for
every statement (:meth:`graph_store.GraphStore.read` and friends) without it being passed
through resolvers and DataLoaders: it is a context variable, which the tasks a request starts
(DataLoader batches) inherit. Outside a request (start-up import, ``reformgraph load``) there is
no deadline and the store's own timeouts apply.

Two outcomes, two errors (``docs/operations.md``):

* the engine answered that the work took too long (each statement is sent with the time left
  less :data:`GRACE_S` as its engine-side timeout), or the deadline passed between statements:
  :class:`~graph_store.errors.DeadlineExceededError`;
* the engine did not answer at all by the deadline (frozen, a network partition):
  :class:`~graph_store.errors.BackendUnavailableError`.

Either way the answer leaves by the deadline itself: the engine is given a little less time
than the request has, so that its own "timed out" answer arrives before the client stops
waiting (the red team measured answers at the deadline plus the grace when the grace was added
on top).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from graph_store.errors import BackendUnavailableError, DeadlineExceededError

#: How much sooner than the deadline the engine's own timeout ends (at most: never more than
#: half the time left), so that its "timed out" answer arrives before the client stops waiting
#: at the deadline and decides that the engine is not answering at all.
GRACE_S = 0.5


@dataclass
class Deadline:
    """When the current request's graph calls must end (loop time); movable, so that the
    clock can start again once the request's body has arrived."""

    seconds: float
    at: float

    def restart(self) -> None:
        """Count the deadline from now (the request has arrived whole)."""
        self.at = asyncio.get_running_loop().time() + self.seconds


_deadline: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "reformgraph_request_deadline", default=None
)


@contextmanager
def request_deadline(seconds: float | None) -> Iterator[Deadline | None]:
    """Graph calls made in this context (and in tasks it starts) end within ``seconds``
    from now; ``None`` or a non-positive value: no deadline. Yields the
    :class:`Deadline`, which the caller may :meth:`~Deadline.restart`."""
    if seconds is None or seconds <= 0:
        yield None
        return
    deadline = Deadline(seconds, asyncio.get_running_loop().time() + seconds)
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)


def extend_deadline(seconds: float) -> None:
    """Give the current request (if it has a deadline) at least ``seconds`` from now: an import
    through the API checks a table and stages its write, which takes longer than a query (a
    CI run on a loaded machine saw uploads cut off at 10 s), and the user waits for it."""
    deadline = _deadline.get()
    if deadline is not None:
        deadline.at = max(deadline.at, asyncio.get_running_loop().time() + seconds)


def remaining_s() -> float | None:
    """Seconds left before the current deadline (may be negative), or None without one."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    return deadline.at - asyncio.get_running_loop().time()


def statement_timeout_s(default_s: float, grace_s: float = GRACE_S) -> float:
    """The engine-side timeout for the next statement: the store's own, or the time left
    before the deadline less ``grace_s`` (at most half of it) if that is shorter; at least
    10 ms, as zero means "none" to engines. An engine that notices its timeouts late is given
    a larger grace (Neo4j: :data:`graph_store.neo4j_store.TIMEOUT_GRACE_S`)."""
    left = remaining_s()
    if left is None:
        return default_s
    engine_s = max(left - grace_s, left / 2)
    return max(0.01, min(default_s, engine_s))


@asynccontextmanager
async def within_deadline(engine: str) -> AsyncIterator[None]:
    """Bound the enclosed graph call by the current deadline (if any).

    Raises :class:`DeadlineExceededError` if the deadline passed before the call, and
    :class:`BackendUnavailableError` if the engine had not answered by the deadline.
    """
    deadline = _deadline.get()
    if deadline is None:
        yield
        return
    if deadline.at <= asyncio.get_running_loop().time():
        raise DeadlineExceededError("the request's deadline passed before the graph was asked")
    try:
        async with asyncio.timeout_at(deadline.at):
            yield
    except TimeoutError as exc:
        raise BackendUnavailableError(
            f"{engine} did not answer within the request deadline"
        ) from exc
