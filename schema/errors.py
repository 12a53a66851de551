"""GraphQL errors with a stable ``code`` extension, and the masking of everything else.

Front-ends branch on ``extensions.code``, never on message text. Any exception that is not an
:class:`ApiError` is replaced by an ``INTERNAL`` error with no message detail, so stack traces,
Cypher text and engine messages never reach a client.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.relay.types import GlobalIDValueError

from graph_store.errors import (
    BackendUnavailableError,
    DeadlineExceededError,
    WriteBusyError,
    WriteConflictError,
)
from schema.limits import limit_of

log = logging.getLogger(__name__)


class ErrorCode(enum.StrEnum):
    """The codes a client can rely on."""

    NOT_FOUND = "NOT_FOUND"
    BAD_INPUT = "BAD_INPUT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BACKEND_UNAVAILABLE = "BACKEND_UNAVAILABLE"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    BUSY = "BUSY"
    CONFLICT = "CONFLICT"
    INTERNAL = "INTERNAL"


class ApiError(Exception):
    """An error meant for the client: its message is safe to show, its code is stable."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


def _coded(
    error: GraphQLError, code: ErrorCode, message: str | None = None, **details: Any
) -> GraphQLError:
    return GraphQLError(
        message=message if message is not None else error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code.value, **details},
    )


class CodedErrors(MaskErrors):
    """Give every error a ``code``; mask the ones that were not meant for clients."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._classify(error) for error in errors]

    def _classify(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ApiError):
            return _coded(error, original.code, str(original), **original.details)
        if isinstance(original, GlobalIDValueError):
            return _coded(error, ErrorCode.BAD_INPUT, "Not a valid global id.")
        if isinstance(original, BackendUnavailableError):
            return _coded(error, ErrorCode.BACKEND_UNAVAILABLE, "The graph is unavailable.")
        if isinstance(original, DeadlineExceededError):
            return _coded(
                error, ErrorCode.DEADLINE_EXCEEDED, "The graph took longer than this request may."
            )
        if isinstance(original, WriteBusyError):
            return _coded(
                error, ErrorCode.BUSY, "Another write to the graph is in progress; try again."
            )
        if isinstance(original, WriteConflictError):
            return _coded(
                error, ErrorCode.CONFLICT, "The graph changed while this write was prepared."
            )
        if original is None or error.path is None or isinstance(original, GraphQLError):
            # Parse, validation, variable- and argument-coercion errors (no path, or
            # graphql-core's own error as the cause): they describe the client's query.
            if error.extensions and "code" in error.extensions:
                return error
            limit = limit_of(error.message)
            if limit is not None:
                return _coded(error, ErrorCode.LIMIT_EXCEEDED, limit=limit)
            return _coded(error, ErrorCode.BAD_INPUT)
        log.error("internal error in GraphQL execution", exc_info=original)
        return _coded(error, ErrorCode.INTERNAL, "Internal error.")
