"""Contracts between the project's parts, checked from the source without running it.

- Every call site of a Cypher statement passes exactly the ``$parameters`` the statement reads
  (none missing: Neo4j refuses the statement, FalkorDB may read null; none unused: a filter the
  caller thinks applies, silently ignored), on each engine's text of it.
- Every ``.cypher`` file is run from somewhere.
- Every GraphQL document the explorer sends, the cookbook shows and the benchmarks time is
  valid against ``schema.graphql`` (graphql-core's ``validate``; no browser, no service).

The call sites are found by ``tests/cypher_contracts.py``; the documents by
``tests/graphql_documents.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLSchema

from bench.load import HEADLINE
from bench.query_bench import HUNDRED_TOWNS, headline_queries
from bench.side_by_side import pick_keys, side_by_side_queries
from cypher.compiler import ENGINES
from cypher.registry import CYPHER_DIR, CypherRegistry
from graph_loaders.synthetic import generate
from tests.cypher_contracts import CallSite, Findings, find, parameters, python_files
from tests.graphql_documents import (
    WEB_JS,
    Document,
    cookbook_documents,
    explorer_calls,
    explorer_documents,
    problems,
    served_schema,
)

REGISTRIES = {engine: CypherRegistry(engine) for engine in ENGINES}
STATEMENTS = frozenset(name for registry in REGISTRIES.values() for name in registry.names())


@pytest.fixture(scope="module")
def findings() -> Findings:
    return find(STATEMENTS, python_files())


def mismatches(sites: list[CallSite]) -> list[str]:
    """Each call site whose keys are not exactly a statement's parameters, on any engine.
    A key read by one engine's twin only is not unused (the other twin reads it)."""
    found = []
    for site in sites:
        for name in sorted(site.statements):
            texts = {e: r.get(name).text for e, r in REGISTRIES.items() if name in r.names()}
            read = {engine: parameters(text) for engine, text in texts.items()}
            for engine, wanted in read.items():
                if wanted - site.keys:
                    found.append(
                        f"{site.where}: {name} ({engine}) misses {sorted(wanted - site.keys)}"
                    )
            unused = site.keys - frozenset().union(*read.values())
            if unused:
                found.append(f"{site.where}: {name} does not read {sorted(unused)}")
    return found


def twin_mismatches(twins: set[str]) -> list[str]:
    """Each staging twin (``staged_<name>``) that does not read exactly its original's
    parameters and ``$generation``: the batched import passes it those."""
    found = []
    for twin in sorted(twins):
        original = twin.removeprefix("staged_")
        for engine, registry in REGISTRIES.items():
            if twin in registry.names():
                wanted = parameters(registry.get(original).text) | {"generation"}
                read = parameters(registry.get(twin).text)
                if read != wanted:
                    found.append(f"{twin} ({engine}) reads {sorted(read)}, not {sorted(wanted)}")
    return found


def test_every_statement_is_passed_exactly_its_parameters(findings: Findings) -> None:
    assert findings.unresolved == []
    assert mismatches(findings.sites) == []
    assert twin_mismatches(findings.twins) == []
    # the walk reached the ways statements are run: a read, a step, a plan's rows, the DDL
    reached = {name for site in findings.sites for name in site.statements}
    assert {"regions_list", "graph_meta_loaded", "link_claims", "ddl_index"} <= reached


def test_every_cypher_file_is_run_from_somewhere(findings: Findings) -> None:
    files = {path.name.split(".")[0] for path in CYPHER_DIR.glob("*.cypher")}
    assert files == STATEMENTS
    reached = {name for site in findings.sites for name in site.statements} | findings.twins
    assert sorted(STATEMENTS - reached) == []


def test_parameters_are_read_from_the_statement_not_its_comments_or_strings() -> None:
    text = "// reads $old no more\nMATCH (n {id: $id}) WHERE n.note <> '$literal' RETURN $limit"
    assert parameters(text) == {"id", "limit"}


def test_the_checks_see_a_wrong_key_an_unused_one_and_an_unknown_shape(tmp_path: Path) -> None:
    """A planted call site of each kind of mistake is reported."""
    source = tmp_path / "calls.py"
    source.write_text(
        "async def f(store, region):\n"
        '    await store.read("regions_list", {"level": None, "under": region})\n'
        '    await store.read("list_items", {"list": "x", "first": 3})\n'
        "    steps = []\n"
        '    steps.append(["graph_counts", {}])\n',
        encoding="utf-8",
    )
    planted = find(STATEMENTS, [source])
    assert [line.split(": ", 1)[1] for line in mismatches(planted.sites)] == [
        "regions_list (neo4j) misses ['limit']",
        "regions_list (falkordb) misses ['limit']",
        "list_items does not read ['first']",
    ]
    assert len(planted.unresolved) == 1
    assert "graph_counts" in planted.unresolved[0]


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return served_schema()


def _bench_documents() -> list[Document]:
    """The benchmarks' queries on keys of small generated datasets, as the benches build them."""
    generated = generate("inner-mongolia", 1, scale=0.02)
    queries = {
        **headline_queries(generated),
        "HUNDRED_TOWNS": HUNDRED_TOWNS,
        **{f"load {name}": query for name, query in HEADLINE.items()},
        **{f"side by side {q.name}": q.ours for q in side_by_side_queries(pick_keys(generated))},
    }
    return [Document(f"bench: {name}", query) for name, query in queries.items()]


def test_every_explorer_query_is_valid(schema: GraphQLSchema) -> None:
    documents = explorer_documents()
    assert len(documents) >= 15  # search, tree, every view, both imports
    assert [p for d in documents for p in problems(schema, d)] == []


def test_every_query_the_explorer_sends_is_one_of_those_checked() -> None:
    """A ``gql(…)`` given anything but a checked constant would escape the check above."""
    checked = {d.where.rsplit(":", 1)[1] for d in explorer_documents()}
    for path, argument in explorer_calls():
        if argument == "spec.mutation":  # import.js: the KINDS table's mutations
            names = re.findall(r"mutation:\s*([A-Z_]+)", path.read_text(encoding="utf-8"))
            assert names, path
            assert set(names) <= checked, path
        else:
            assert argument in checked, f"{path.relative_to(WEB_JS)} sends {argument}"


def test_every_cookbook_query_is_valid(schema: GraphQLSchema) -> None:
    documents = cookbook_documents()
    assert len(documents) >= 20
    assert [p for d in documents for p in problems(schema, d)] == []


def test_every_bench_query_is_valid(schema: GraphQLSchema) -> None:
    documents = _bench_documents()
    assert len(documents) >= 19
    assert [p for d in documents for p in problems(schema, d)] == []


def test_an_invalid_document_is_reported_with_where_it_is(schema: GraphQLSchema) -> None:
    wrong_field = Document("x.js:Q", "{ regions { key nmae } }")
    wrong_type = Document("y.js:Q", "query Q($k: Int!) { region(key: $k) { key } }")
    broken = Document("z.md:3", "{ regions { key ")
    assert problems(schema, wrong_field) == [
        "x.js:Q: Cannot query field 'nmae' on type 'Region'. Did you mean 'name'?"
    ]
    assert problems(schema, wrong_type)[0].startswith("y.js:Q: Variable '$k' of type 'Int!'")
    assert problems(schema, broken)[0].startswith("z.md:3: Syntax Error")
