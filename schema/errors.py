"""GraphQL errors with a stable ``code`` extension, and the masking of everything else.

Front-ends branch on ``extensions.code``, never on message text. Any exception that is not an
:class:`ApiError` (or an error the service raised with a code) is replaced by an ``INTERNAL``
error with no detail, so stack traces, Cypher text, engine messages and Python's own messages
("max() arg is an empty sequence") never reach a client. What graphql-core says about the
client's document (a syntax error, an unknown field or fragment, a variable of the wrong
type) is the client's mistake: ``BAD_INPUT``, with graphql-core's message.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql.error import GraphQLError
from graphql.language import ValueNode
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError

from graph_store.errors import (
    BackendUnavailableError,
    DeadlineExceededError,
    WriteBusyError,
    WriteConflictError,
)

log = logging.getLogger(__name__)


class ErrorCode(enum.StrEnum):
    """The codes a client can rely on."""

    NOT_FOUND = "NOT_FOUND"
    BAD_INPUT = "BAD_INPUT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    COST_EXCEEDED = "COST_EXCEEDED"
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


#: What a client is told when graphql-core gives up validating (its budget of field
#: comparisons or of fragment work spent, or fragments nested too deeply).
TOO_COMPLEX = (
    "The query is too complex to validate: too many fields of the same name to compare, or "
    "fragments nested too deeply."
)


#: graphql-core's parser limits, which it reports as syntax errors: the limit clients see.
PARSER_LIMITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Document contains more than \d+ tokens"), "tokens"),
    (re.compile(r"Document is nested too deeply"), "depth"),
)


def classify(error: GraphQLError) -> GraphQLError:
    """``error`` with a ``code``: the client's mistakes and refusals as they are, anything
    else masked as ``INTERNAL`` (and logged)."""
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
        return _coded(error, ErrorCode.CONFLICT, "The graph changed while this write was prepared.")
    if error.extensions and "code" in error.extensions and original is None:
        return error  # refused by the service itself (limits, HTTP), already coded
    if isinstance(error, ValidationAbortedError) or isinstance(original, ValidationAbortedError):
        return _coded(error, ErrorCode.LIMIT_EXCEEDED, TOO_COMPLEX, limit="validation")
    if isinstance(original, RecursionError):
        return _coded(error, ErrorCode.LIMIT_EXCEEDED, TOO_COMPLEX, limit="validation")
    if error.path is None and (original is None or isinstance(original, GraphQLError)):
        # graphql-core on the client's document and variables: syntax, validation and
        # coercion errors, in graphql-core's own words
        for pattern, limit in PARSER_LIMITS:
            if pattern.search(error.message):
                return _coded(error, ErrorCode.LIMIT_EXCEEDED, limit=limit)
        return _coded(error, ErrorCode.BAD_INPUT)
    if _is_argument_coercion(original):
        # the client's argument value, refused as graphql-core runs the field: a variable sent
        # as null for an argument that may not be null, though it has a default ($rate: Float
        # for targetRate: Float! = 0.7)
        return _coded(error, ErrorCode.BAD_INPUT)
    log.error("internal error in GraphQL", exc_info=original or error)
    return _coded(error, ErrorCode.INTERNAL, "Internal error.")


def _is_argument_coercion(original: BaseException | None) -> bool:
    """Whether ``original`` is graphql-core's refusal of a field's argument value: its own
    error, located at the value in the client's document. A value the service failed to
    serialise is graphql-core's error too, but located nowhere (raised by the scalar), and a
    result of the wrong type is located at the field, not at a value."""
    return (
        isinstance(original, GraphQLError)
        and original.original_error is None
        and original.path is None
        and bool(original.nodes)
        and all(isinstance(node, ValueNode) for node in original.nodes or [])
    )


class CodedErrors(SchemaExtension):
    """Give every error of a result a ``code``; mask the ones that were not meant for clients.

    A Strawberry extension on public hooks: when the operation is over, the result's errors
    are replaced by their classified copies (as Strawberry's ``MaskErrors`` does)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [classify(error) for error in errors]
