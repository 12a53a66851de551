"""Only parameterised Cypher from cypher/ reaches the engines: the named statements' files, and
the statements the selection compiler writes from the graph's vocabulary and nothing else; no
other statement is built from strings in the code, and only the two adapters talk to a driver.

The compiler is held to it by property tests: here, any shape made of the vocabulary compiles
to a statement of keywords, numbered variables, vocabulary names and ``$ids`` alone, and any
name outside the vocabulary stops it; in ``tests/test_selection_compiler.py``, on both engines,
hypothesis-made selections and hostile argument values run only such statements, the same one
whatever the values, and answer as the resolvers do without the compiler.
"""

from __future__ import annotations

import ast
import re

import pytest
from falkordb.helpers import stringify_param_value
from hypothesis import given
from hypothesis import strategies as st

from cypher.compiler import Direction, Hop, NodeShape, compile_read
from cypher.registry import CypherRegistry
from cypher.vocabulary import NODE_PROPERTIES, RELATIONSHIP_PROPERTIES, NotInVocabularyError
from graph_store.falkordb_store import encode
from tests.conftest import REPO_ROOT
from tests.cypher_tokens import unexpected_tokens

PACKAGES = ("server", "schema", "graph_store", "graph_loaders", "cypher")
CYPHER_IN_STRING = re.compile(
    r"""["'][^"'\n]*\b(MATCH|MERGE|CREATE|DELETE|DETACH|UNWIND|RETURN)\b[\s(][^"'\n]*["']"""
)
DRIVER_CALL = re.compile(r"(\b(graph|tx|session)\.(query|ro_query|run)|\.execute_query)\(")
ADAPTERS = {"graph_store/falkordb_store.py", "graph_store/neo4j_store.py"}
#: The one module that writes Cypher text: from the vocabulary, under the tests below.
COMPILER = "cypher/compiler.py"


def _python_files() -> list[str]:
    return sorted(
        str(path.relative_to(REPO_ROOT))
        for package in PACKAGES
        for path in (REPO_ROOT / package).rglob("*.py")
    )


def test_no_cypher_is_written_in_python() -> None:
    offenders = []
    for name in _python_files():
        if name == COMPILER:
            continue
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
                    # Neo4j's schema commands (`_schema_command`): the texts `apply_schema`
                    # takes from the registry's `ddl_*` statements, with the schema spec's
                    # labels and properties, and no parameters
                    or "tx.run(text))" in line
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
    assert text == (f"CYPHER `text`={stringify_param_value(hostile)} `first`=3 {statement.text}")
    assert text.endswith(statement.text)
    assert encode(statement, {}) == statement.text


def test_every_statement_takes_values_as_parameters() -> None:
    quoted_value = re.compile(r"\{[a-zA-Z]+:\s*'[^']*'\}")  # e.g. {id: 'x'} inlined
    for path in sorted((REPO_ROOT / "cypher").glob("*.cypher")):
        assert not quoted_value.search(path.read_text()), path.name


def test_the_compiler_takes_its_names_from_the_vocabulary_only() -> None:
    """Every label, type and property the compiler writes goes through the vocabulary's
    checks: the module imports nothing else that could supply a name."""
    tree = ast.parse((REPO_ROOT / COMPILER).read_text())
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Import)]
    assert {module for module, _ in imported} == {
        "__future__",
        "cypher.vocabulary",
        "dataclasses",
        "itertools",
        "typing",
    }


_LABELS = sorted(set(NODE_PROPERTIES) - {"Entity", "EnforcementTeam", "GraphMeta"})


@st.composite
def shapes(draw: st.DrawFn, depth: int = 3) -> NodeShape:
    """Any shape the vocabulary allows: a label, some of its properties, hops of any type."""
    label = draw(st.sampled_from(_LABELS))
    props = tuple(draw(st.lists(st.sampled_from(sorted(NODE_PROPERTIES[label])), max_size=4)))
    hops: list[Hop] = []
    if depth > 0:
        for _ in range(draw(st.integers(0, 3))):
            rel_type = draw(st.sampled_from(sorted(RELATIONSHIP_PROPERTIES)))
            rel_props = draw(
                st.lists(st.sampled_from(sorted(RELATIONSHIP_PROPERTIES[rel_type]) or ["x"]))
            )
            rel_props = [p for p in rel_props if p in RELATIONSHIP_PROPERTIES[rel_type]]
            direction: Direction = draw(st.sampled_from(["out", "in"]))
            hops.append(Hop(rel_type, direction, draw(shapes(depth - 1)), tuple(rel_props)))
    return NodeShape(label, props, tuple(hops))


@pytest.mark.parametrize("engine", ["neo4j", "falkordb"])
@given(shape=shapes())
def test_a_compiled_statement_says_only_what_the_vocabulary_lets_it(
    engine: str, shape: NodeShape
) -> None:
    text = compile_read(shape, engine)
    assert unexpected_tokens(text) == [], text
    for quote_or_comment in ("'", '"', "//"):
        assert quote_or_comment not in text


#: Names a compromised table (or a request, if one ever reached a shape) might carry.
_NAMES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["Region`) DETACH DELETE n //", "name}) RETURN 1 //", "Region:Body", "ids"]),
)


@given(name=_NAMES, where=st.sampled_from(["label", "prop", "rel_type", "rel_prop", "target"]))
def test_a_name_outside_the_vocabulary_stops_the_statement(name: str, where: str) -> None:
    if name in NODE_PROPERTIES or name in RELATIONSHIP_PROPERTIES or name in {"id", "name"}:
        return  # a name of the vocabulary, in the right place, is allowed
    target = NodeShape(name if where == "target" else "Region", ("id",))
    hop = Hop(
        name if where == "rel_type" else "PART_OF",
        "in",
        target,
        (name,) if where == "rel_prop" else (),
    )
    shape = NodeShape(
        name if where == "label" else "Region",
        (name,) if where == "prop" else ("id",),
        (hop,),
    )
    for engine in ("neo4j", "falkordb"):
        with pytest.raises(NotInVocabularyError):
            compile_read(shape, engine)
