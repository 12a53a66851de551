"""Only parameterised Cypher from cypher/ reaches the engines: no statement is built from
strings in the code, and only the two adapters talk to a driver."""

from __future__ import annotations

import re

from falkordb.helpers import stringify_param_value

from cypher.registry import CypherRegistry
from graph_store.falkordb_store import encode
from tests.conftest import REPO_ROOT

PACKAGES = ("server", "schema", "graph_store", "graph_loaders", "cypher")
CYPHER_IN_STRING = re.compile(
    r"""["'][^"'\n]*\b(MATCH|MERGE|CREATE|DELETE|DETACH|UNWIND|RETURN)\b[\s(][^"'\n]*["']"""
)
DRIVER_CALL = re.compile(r"(\b(graph|tx|session)\.(query|ro_query|run)|\.execute_query)\(")
ADAPTERS = {"graph_store/falkordb_store.py", "graph_store/neo4j_store.py"}


def _python_files() -> list[str]:
    return sorted(
        str(path.relative_to(REPO_ROOT))
        for package in PACKAGES
        for path in (REPO_ROOT / package).rglob("*.py")
    )


def test_no_cypher_is_written_in_python() -> None:
    offenders = []
    for name in _python_files():
        for number, line in enumerate((REPO_ROOT / name).read_text().splitlines(), start=1):
            if CYPHER_IN_STRING.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == [], "Cypher belongs in cypher/*.cypher:\n" + "\n".join(offenders)


def test_only_the_adapters_call_a_driver() -> None:
    callers = {
        name for name in _python_files() if DRIVER_CALL.search((REPO_ROOT / name).read_text())
    }
    assert callers <= ADAPTERS, callers - ADAPTERS


def test_adapters_pass_statement_text_and_parameters_separately() -> None:
    for name in ADAPTERS:
        source = (REPO_ROOT / name).read_text()
        for line in source.splitlines():
            if DRIVER_CALL.search(line):
                assert (
                    "statement.text" in line
                    or "text, database_" in line
                    or "(query, params," in line
                ), line
                assert "format(" not in line, line
                assert 'f"' not in line, line
        if "(query, params," in source:
            # the FalkorDB adapter's `query` is the statement's own text, or that text
            # pre-encoded by `encode` (an import encodes its next batch while the engine
            # writes), and then it sends no separate parameters
            assert "query = text if text is not None else statement.text" in source
            assert "encode(*step)" in source


def test_pre_encoded_parameters_go_through_the_clients_own_encoder() -> None:
    """What ``encode`` sends is the ``CYPHER name=value`` header FalkorDB's client itself
    writes, every value through the client's ``stringify_param_value``: a value cannot end
    the header and become Cypher."""
    statement = CypherRegistry("falkordb").get("search_entities")
    hostile = "x' }) DETACH DELETE n //"
    text = encode(statement, {"text": hostile, "first": 3})
    assert text == (
        f"CYPHER `text`={stringify_param_value(hostile)} `first`=3 {statement.text}"
    )
    assert text.endswith(statement.text)
    assert encode(statement, {}) == statement.text


def test_every_statement_takes_values_as_parameters() -> None:
    quoted_value = re.compile(r"\{[a-zA-Z]+:\s*'[^']*'\}")  # e.g. {id: 'x'} inlined
    allowed = {"claim_matrix_towns.cypher"}  # a fixed enum value, not input
    for path in sorted((REPO_ROOT / "cypher").glob("*.cypher")):
        if path.name in allowed:
            continue
        assert not quoted_value.search(path.read_text()), path.name
