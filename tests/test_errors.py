"""What a client sees when something goes wrong: one stable ``code`` per kind of failure, the
whole error spelled out, and nothing of the engine's or Python's own text when the failure is
the service's (``INTERNAL``: logged for the operator, masked for the client).

The internal failures are real ones, on the real engine: a statement the engine fails at run
time (division by zero, through a test-only registry), and a stored value the service cannot
read (written past validation, as a bad migration or another writer could).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from graphql import FieldNode, GraphQLError, NameNode, located_error

from graph_store import GraphStore, StatementFailedError
from graph_store.errors import (
    BackendUnavailableError,
    DeadlineExceededError,
    WriteBusyError,
    WriteConflictError,
)
from schema import build_schema
from schema.context import GraphContext
from schema.errors import classify
from tests.conftest import LiveServer, with_extra_statements

pytestmark = pytest.mark.anyio

#: What every INTERNAL error says, whatever went wrong.
INTERNAL = {"message": "Internal error.", "extensions": {"code": "INTERNAL"}}


async def _execute(store: GraphStore, query: str, **variables: Any) -> dict[str, Any]:
    """The response as a client gets it (``ExecutionResult`` formatted)."""
    result = await build_schema().execute(
        query, variable_values=variables, context_value=GraphContext(store=store)
    )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return body


async def test_an_engine_failure_is_masked_for_the_client_and_logged_for_the_operator(
    store: GraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # regions_list replaced by a statement the engine fails while running it
    failing = with_extra_statements(store, tmp_path / "cypher", regions_list="RETURN 1 / 0 AS n")
    try:
        with caplog.at_level(logging.ERROR, logger="schema.errors"):
            body = await _execute(failing, "{ regions { name } }")
    finally:
        await failing.close()
    assert body == {
        "data": None,
        "errors": [{**INTERNAL, "locations": [{"line": 1, "column": 3}], "path": ["regions"]}],
    }
    # the operator's log has the engine's own words (FalkorDB: "Division by zero", Neo4j:
    # "/ by zero"); the client had none of them
    [record] = [r for r in caplog.records if r.name == "schema.errors"]
    assert record.getMessage() == "internal error in GraphQL"
    assert record.exc_info is not None
    error = record.exc_info[1]
    assert isinstance(error, StatementFailedError)
    assert error.statement == "regions_list"
    assert "by zero" in error.message
    assert "zero" not in str(body)


async def test_a_value_the_service_cannot_read_is_masked_through_http(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    # a region whose level is none of the schema's: Python's ValueError, not the client's fault
    await store.write(
        "upsert_regions",
        {"rows": [{"id": "x:bad", "props": {"id": "x:bad", "name": "坏区", "level": "PLANET"}}]},
    )
    server = live_server()
    body = await server.graphql("{ regions { name } }")
    assert body.pop("extensions")["cost"]["requested"] > 0  # priced before it ran
    assert body == {
        "data": None,
        "errors": [{**INTERNAL, "locations": [{"line": 1, "column": 3}], "path": ["regions"]}],
    }
    assert "PLANET" not in str(body)


async def test_client_errors_say_what_was_wrong_with_a_code(store: GraphStore) -> None:
    def bad_input(message: str, line: int, column: int) -> dict[str, Any]:
        location = {"line": line, "column": column}
        return {"message": message, "locations": [location], "extensions": {"code": "BAD_INPUT"}}

    # the client's query: graphql-core's own words (no path: nothing ran), BAD_INPUT
    assert await _execute(store, "{ regions { name ") == {
        "data": None,
        "errors": [bad_input("Syntax Error: Expected Name, found <EOF>.", 1, 18)],
    }
    unknown = await _execute(store, "{ regions { nope } }")
    assert unknown["errors"] == [
        bad_input(
            "Cannot query field 'nope' on type 'Region'. Did you mean 'code' or 'name'?", 1, 13
        )
    ]
    variable = await _execute(
        store, "query($l: RegionLevel) { regions(level: $l) { name } }", l="PLANET"
    )
    assert variable["errors"] == [
        bad_input(
            "Variable '$l' has invalid value: Value 'PLANET' does not exist in 'RegionLevel' enum.",
            1,
            7,
        )
    ]
    # the service's refusals: their own message and code, with the details a client needs
    missing = await _execute(store, '{ region(key: "r:nowhere") { name } }')
    assert missing["errors"] == [
        {
            "message": "No Region with key 'r:nowhere'.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["region"],
            "extensions": {"code": "NOT_FOUND", "key": "r:nowhere"},
        }
    ]
    # null sent for an argument that may not be null but has a default: graphql-core refuses it
    # as the field runs (with a path), and it is still the client's mistake
    rate = await _execute(
        store,
        'query($r: Float) { claimMatrix(list: "l", region: "r", targetRate: $r) { itemKeys } }',
        r=None,
    )
    assert rate["errors"] == [
        {
            "message": "Argument 'targetRate' has invalid value: Expected variable '$r' "
            "provided to non-null type 'Float!' not to be None.",
            "locations": [{"line": 1, "column": 68}],
            "path": ["claimMatrix"],
            "extensions": {"code": "BAD_INPUT"},
        }
    ]
    deep = "{ regions { " + "parent { " * 12 + "name" + " }" * 12 + " } }"
    [limit] = (await _execute(store, deep))["errors"]
    assert limit["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "depth"}
    assert "path" not in limit


@pytest.mark.parametrize(
    "global_id",
    [
        "not-a-global-id",  # not base64 of "Type:key"
        base64.b64encode(b"Planet:t:market").decode(),  # a type the schema does not have
    ],
)
async def test_a_malformed_global_id_is_bad_input(store: GraphStore, global_id: str) -> None:
    body = await _execute(store, "query($id: ID!) { node(id: $id) { id } }", id=global_id)
    assert body == {
        "data": {"node": None},
        "errors": [
            {
                "message": "Not a valid global id.",
                "locations": [{"line": 1, "column": 19}],
                "path": ["node"],
                "extensions": {"code": "BAD_INPUT"},
            }
        ],
    }


async def test_a_request_out_of_time_is_deadline_exceeded_before_the_graph_is_asked(
    store: GraphStore,
) -> None:
    from graph_store.deadline import request_deadline

    with request_deadline(30.0) as deadline:
        assert deadline is not None
        deadline.at -= 60  # the request's time ran out before its first statement
        body = await _execute(store, '{ region(key: "r:nowhere") { name } }')
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "The graph took longer than this request may.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["region"],
                "extensions": {"code": "DEADLINE_EXCEEDED"},
            }
        ],
    }


@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (
            BackendUnavailableError("connection refused"),
            "BACKEND_UNAVAILABLE",
            "The graph is unavailable.",
        ),
        (
            DeadlineExceededError("statement timed out"),
            "DEADLINE_EXCEEDED",
            "The graph took longer than this request may.",
        ),
        (
            WriteBusyError("lock held by import-7"),
            "BUSY",
            "Another write to the graph is in progress; try again.",
        ),
        (
            WriteConflictError("version 7 expected, 8 found", expected=7, found=8),
            "CONFLICT",
            "The graph changed while this write was prepared.",
        ),
    ],
    ids=["unavailable", "deadline", "busy", "conflict"],
)
def test_each_failure_of_the_graph_has_its_code_and_says_what_to_do(
    failure: Exception, code: str, message: str
) -> None:
    """What a resolver's failed graph call becomes for the client (a write conflict cannot be
    provoked on demand through the API: an import plans again on it, several times, first):
    the store's own words, which name locks and versions, stay with the operator."""
    raised = located_error(
        failure, [FieldNode(name=NameNode(value="applyMerger"))], ["applyMerger"]
    )
    assert classify(raised).formatted == {
        "message": message,
        "path": ["applyMerger"],
        "extensions": {"code": code},
    }


def test_validation_that_ran_out_of_stack_is_a_validation_limit() -> None:
    """graphql-core validates recursively: a document that exhausts Python's stack is refused
    as too complex to validate, not masked as the service's own failure."""
    raised = located_error(RecursionError("maximum recursion depth exceeded"), None, None)
    assert classify(raised).formatted == {
        "message": (
            "The query is too complex to validate: too many fields of the same name to compare, "
            "or fragments nested too deeply."
        ),
        "extensions": {"code": "LIMIT_EXCEEDED", "limit": "validation"},
    }


def test_a_stored_value_graphql_cannot_serialise_is_masked() -> None:
    """graphql-core's own error while completing a field (a path, and its GraphQLError as the
    cause) is the service's failure, not the client's: INTERNAL, without graphql-core's words
    about the value."""
    cause = GraphQLError("Int cannot represent non 32-bit signed integer value: 1099511627776")
    raised = located_error(cause, [FieldNode(name=NameNode(value="staffQuota"))], ["staffQuota"])
    assert classify(raised).formatted == {**INTERNAL, "path": ["staffQuota"]}
