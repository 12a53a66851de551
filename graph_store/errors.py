"""Errors the graph store raises, independent of the engine underneath."""


class GraphStoreError(Exception):
    """Base class: something went wrong talking to the graph."""


class BackendUnavailableError(GraphStoreError):
    """The engine cannot be reached (down, starting, or timed out)."""


class StatementFailedError(GraphStoreError):
    """The engine refused or failed a statement (syntax, constraint, runtime error)."""

    def __init__(self, statement: str, message: str) -> None:
        super().__init__(f"{statement}: {message}")
        self.statement = statement
        self.message = message
