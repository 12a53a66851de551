"""Errors the graph store raises, independent of the engine underneath."""


class GraphStoreError(Exception):
    """Base class: something went wrong talking to the graph."""


class BackendUnavailableError(GraphStoreError):
    """The engine cannot be reached (down, starting, frozen, or did not answer in time)."""


class StatementFailedError(GraphStoreError):
    """The engine refused or failed a statement (syntax, constraint, runtime error)."""

    def __init__(self, statement: str, message: str) -> None:
        super().__init__(f"{statement}: {message}")
        self.statement = statement
        self.message = message


class DeadlineExceededError(GraphStoreError):
    """The engine answered, but the work ran past its time: the request's deadline, or the
    per-statement timeout (the engine stopped the statement itself). The graph is fine; the
    question was too slow."""


class WriteBusyError(GraphStoreError):
    """Another process held the graph's write lock for longer than this write may wait; nothing
    was written. Retrying later is safe."""


class WriteConflictError(GraphStoreError):
    """A write was acknowledged on the graph after the caller read the version its steps were
    planned against (an import planned its replay of recorded events at that version); nothing
    was written. Planning again from the current graph and retrying is safe."""

    def __init__(self, message: str, *, expected: int | None = None, found: int | None = None):
        super().__init__(message)
        self.expected = expected
        self.found = found
