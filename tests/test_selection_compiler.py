"""The selection compiler gives the same answers as the resolvers it replaces, on both engines,
for selections hypothesis makes up over the whole schema; its statements say only what the
vocabulary lets them say, whatever the request holds.

The selections are drawn from the GraphQL schema itself (every field of every node type, its
connections with random pages, aliases, repeated fields, inline and named fragments), not from
the compiler's own tables, so a field the tables get wrong (a property not read, a relationship
followed the wrong way) shows as a difference. Each query runs twice on the same graph: with
compiled reads, and with every relationship resolved through the DataLoaders
(``compile_selections=False``, the resolvers as they were before the compiler). The graph holds
the documented dataset (``data/``: the real region tree, documented bodies, lists, events and
statistics with their quotes), a synthetic sample (claims, holdings, delegations) and the
hand-built answers fixture.
"""

from __future__ import annotations

import ast
import base64
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from graph_loaders.importer import import_dataset
from graph_loaders.pipeline import dataset_files, load, validate
from graph_loaders.synthetic import generate
from graph_store import GraphStore, trace_statements
from schema import Limits, build_schema
from schema.context import GraphContext
from schema.execution import ScalarListExecutionContext
from schema.nodes import GraphNode
from tests.cypher_tokens import unexpected_tokens
from tests.datasets import DATA_DIR, load_fixture

pytestmark = pytest.mark.anyio

SCHEMA = build_schema(Limits(max_cost=20_000_000))
GRAPHQL: GraphQLSchema = SCHEMA._schema
SYNTHETIC = generate("inner-mongolia", seed=3, scale=0.02)

#: Values no key has, some of them shaped to break out of a statement if one were spliced in.
HOSTILE = [
    "x' }) DETACH DELETE n //",
    'region:haibowan"}) RETURN 1 //',
    "`Region` {id: 1}",
    "$ids",
    "}\nMATCH (n) DETACH DELETE n",
    "region:nowhere",
    "",
]

DOCUMENTED = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus").dataset


def _richest(records: Sequence[BaseModel], n: int = 4) -> list[str]:
    """The ids of the ``n`` records that state the most fields: the keys whose every field
    a selection can tell apart."""

    def stated(record: BaseModel) -> int:
        return sum(1 for _, value in record if value not in (None, [], "", False))

    richest = sorted(records, key=stated, reverse=True)[:n]
    return [str(record.id) for record in richest]  # type: ignore[attr-defined]


def _keys(section: str) -> list[str]:
    return _richest(getattr(DOCUMENTED, section)) + _richest(getattr(SYNTHETIC, section))


#: Keys each root lookup is asked about: documented and synthetic records that state the most,
#: records of the answers fixture, and keys that name nothing or a node of another type.
KEYS: dict[str, list[str]] = {
    "region": [
        "region:nmg",
        "region:wuhai",
        "region:haibowan:qianlishan",
        "150302",
        "a:county",
        *_keys("regions"),
        "body:qianlishan:enforcement-bureau",
    ],
    "body": [
        "a:county-gov",
        *_keys("bodies"),
        *[h.body for h in SYNTHETIC.holdings[:2]],
        "region:haibowan",
    ],
    "powerItem": [*_keys("power_items"), *[c.item for c in SYNTHETIC.claims[:2]], "a:item-1"],
    "powerList": [*_keys("power_lists"), "a:list"],
    "reformEvent": _keys("reform_events"),
    "document": [*_keys("documents"), "a:doc"],
}


@pytest.fixture(scope="module")
async def graph(module_store: GraphStore) -> GraphStore:
    """The documented dataset, a synthetic sample and the answers fixture, loaded once."""
    await load(module_store, dataset_files(DATA_DIR), DATA_DIR / "corpus")
    await import_dataset(module_store, SYNTHETIC)
    await load_fixture(module_store, "answers.yaml")
    return module_store


# --- selections, drawn from the schema -------------------------------------------------------

#: The node types (``Node`` implementers) among the types a selection is drawn for.
REQUIRED_NODE_TYPES = {
    "Region",
    "Body",
    "PowerItem",
    "PowerList",
    "Document",
    "ReformEvent",
    "Statistic",
}

#: Aliases a client may write, some of them the names of other fields of the same types.
ALIASES = ["a", "b_1", "parent", "children", "name", "key", "edges", "node", "holds", "x"]


def _unwrapped(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def _is_leaf(graphql_type: Any) -> bool:
    return isinstance(_unwrapped(graphql_type), GraphQLScalarType | GraphQLEnumType)


def _flat(object_type: Any) -> str:
    """A selection of every field of a small value type (``Provenance``, ``TypeCount``,
    ``PageInfo``): its scalars, and the scalars of an object it holds (a source's document)."""
    parts = []
    for name, field in sorted(object_type.fields.items()):
        if _is_leaf(field.type):
            parts.append(name)
        else:
            inner = get_named_type(field.type).fields
            leaves = sorted(n for n in inner if _is_leaf(inner[n].type))
            parts.append(f"{name} {{ {' '.join(leaves)} }}")
    return "{ " + " ".join(parts) + " }"


def _cursor(offset: int) -> str:
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


@st.composite
def _page(draw: st.DrawFn) -> str:
    """Connection arguments: a forward or backward page, a cursor of ours or a bad one."""
    args = []
    if draw(st.booleans()):
        args.append(f"first: {draw(st.integers(0, 6))}")
    elif draw(st.booleans()):
        args.append(f"last: {draw(st.integers(0, 4))}")
    if draw(st.booleans()):
        after = draw(st.one_of(st.integers(0, 8).map(_cursor), st.sampled_from(["bm9wZQ=="])))
        args.append(f'after: "{after}"')
    return f"({', '.join(args)})" if args else ""


@st.composite
def selection(draw: st.DrawFn, type_name: str, depth: int) -> str:
    """A selection set on ``type_name``: some of its fields, relationships ``depth`` deep."""
    object_type = GRAPHQL.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType)
    fields = object_type.fields
    leaves = sorted(n for n, f in fields.items() if _is_leaf(f.type))
    objects = sorted(n for n, f in fields.items() if not _is_leaf(f.type))
    parts = draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=8))
    if depth > 0:
        parts += draw(st.lists(st.sampled_from(objects), max_size=3))
    elif "provenance" in objects and draw(st.booleans()):
        parts.append("provenance")
    used: dict[str, str] = {}
    out = []
    for name in parts:
        field_type = get_named_type(fields[name].type)
        alias = draw(st.one_of(st.none(), st.sampled_from(ALIASES)))
        response_key = alias or name
        if response_key in used and (used[response_key] != name or name in objects):
            continue  # would not merge: a field of another name, or other arguments
        used[response_key] = name
        text = f"{alias}: {name}" if alias else name
        if _is_leaf(fields[name].type):
            out.append(text)
            continue
        if field_type.name.endswith("CountedConnection"):
            node_type = get_named_type(field_type.fields["edges"].type).fields["node"].type
            node_name = get_named_type(node_type).name
            inner = draw(selection(node_name, depth - 1))
            extra = draw(
                st.lists(
                    st.sampled_from(["totalCount", "pageInfo { hasNextPage endCursor }"]),
                    max_size=2,
                    unique=True,
                )
            )
            cursor = " cursor" if draw(st.booleans()) else ""
            out.append(
                f"{text}{draw(_page())} {{ {' '.join(extra)} edges {{{cursor} node {inner} }} }}"
            )
        elif field_type.name in ("Provenance", "TypeCount", "PageInfo"):
            out.append(f"{text} {_flat(field_type)}")
        else:
            out.append(f"{text} {draw(selection(field_type.name, max(depth - 1, 0)))}")
    if draw(st.booleans()):  # some of it through an inline fragment on the type or Node
        cut = draw(st.integers(0, len(out)))
        out = [*out[:cut], f"... on {type_name} {{ {' '.join(out[cut:])} id }}"]
    if type_name in REQUIRED_NODE_TYPES and draw(st.booleans()):
        out.append("... on Node { id }")
    return "{ " + " ".join(out) + " }"


@st.composite
def query(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A whole query: a lookup by key (or a list) with a selection below it."""
    root = draw(
        st.sampled_from([*KEYS, "regions", "search", "reformEvents", "statistics", "fragment"])
    )
    depth = draw(st.integers(1, 3))
    if root in KEYS:
        type_name = root[0].upper() + root[1:]
        key = draw(st.one_of(st.sampled_from(KEYS[root]), st.sampled_from(HOSTILE)))
        body = draw(selection(type_name, depth))
        return f"query($key: String!) {{ {root}(key: $key) {body} }}", {"key": key}
    if root == "fragment":  # a named fragment, spread at two depths
        inner = draw(selection("Region", 1))
        text = (
            "query($key: String!) { region(key: $key) { ...R parent { ...R } } } "
            f"fragment R on Region {inner}"
        )
        return text, {"key": draw(st.sampled_from(KEYS["region"]))}
    if root == "regions":
        body = draw(selection("Region", min(depth, 2)))
        return f'{{ regions(under: "region:wuhai") {body} }}', {}
    if root == "search":
        region, body_sel = draw(selection("Region", 1)), draw(selection("Body", 1))
        text = draw(st.sampled_from(["海勃湾", "合成", "执法"]))
        return (
            f'{{ search(text: "{text}", first: {draw(st.integers(1, 8))}) {{ totalCount '
            f"edges {{ node {{ ... on Region {region} ... on Body {body_sel} }} }} }} }}"
        ), {}
    type_name = "ReformEvent" if root == "reformEvents" else "Statistic"
    body = draw(selection(type_name, depth))
    return f"{{ {root}{draw(_page())} {{ totalCount edges {{ node {body} }} }} }}", {}


def compiled_texts(store: GraphStore, names: list[str]) -> list[str]:
    return [store.registry.get(n).text for n in names if n.startswith("compiled_")]


async def _run(store: GraphStore, text: str, variables: dict[str, Any], compiled: bool) -> Any:
    with trace_statements() as trace:
        result = await SCHEMA.execute(
            text,
            variable_values=variables,
            context_value=GraphContext(store=store, compile_selections=compiled),
        )
    # Where several items of a list fail alike, which one graphql-core reports first depends
    # on the order they finish in: errors compare by message, code and path without indexes.
    errors = sorted(
        (e.message, str([p for p in e.path or [] if isinstance(p, str)]), str(e.extensions))
        for e in result.errors or []
    )
    return (result.data, errors), trace.names


def assert_same_answer(compiled: Any, resolved: Any, text: str) -> None:
    """The same data and the same errors; except that where an error nulls an object, an
    error of another field below that object is reported only if the field finished before
    the object was nulled (graphql-core drops the later ones), and a compiled read finishes
    fields sooner than the DataLoaders: then one side names a subset of the other's paths."""
    (data, errors), (resolved_data, resolved_errors) = compiled, resolved
    assert data == resolved_data, text
    if errors == resolved_errors:
        return
    assert {(m, code) for m, _, code in errors} == {
        (m, code) for m, _, code in resolved_errors
    }, text
    paths, resolved_paths = {p for _, p, _ in errors}, {p for _, p, _ in resolved_errors}
    assert paths <= resolved_paths or resolved_paths <= paths, text
    reported_once = set(errors) ^ set(resolved_errors)
    assert all(_below_null(data, ast.literal_eval(p)) for _, p, _ in reported_once), text


def _below_null(data: Any, path: list[str]) -> bool:
    """Whether an object on ``path`` (field names, list indexes left out) is null in ``data``:
    the error at the path's end was under an object another error nulled."""
    value = data
    for key in path[:-1]:
        if value is None:
            return True
        while isinstance(value, list):
            if not value:
                return False
            value = value[0]
        value = value.get(key) if isinstance(value, dict) else None
    return value is None


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(asked=query())
async def test_compiled_reads_answer_as_the_resolvers_do(
    graph: GraphStore, asked: tuple[str, dict[str, Any]]
) -> None:
    text, variables = asked
    compiled, names = await _run(graph, text, variables, compiled=True)
    resolved, _ = await _run(graph, text, variables, compiled=False)
    assert_same_answer(compiled, resolved, text)
    for statement in compiled_texts(graph, names):
        assert unexpected_tokens(statement) == [], statement


@PROPERTY
@given(body=selection("Region", 2), key=st.sampled_from(HOSTILE + KEYS["region"]))
async def test_argument_values_never_change_the_statement(
    graph: GraphStore, body: str, key: str
) -> None:
    """The key a client sends is a parameter: the same selection runs the same statement,
    whatever the key, hostile or not."""
    text = f"query($key: String!) {{ region(key: $key) {body} }}"
    _, asked = await _run(graph, text, {"key": key}, compiled=True)
    _, baseline = await _run(graph, text, {"key": "region:haibowan"}, compiled=True)
    assert compiled_texts(graph, asked) == compiled_texts(graph, baseline)


def whole(type_name: str, depth: int) -> str:
    """Every field of ``type_name``, and of the types below it ``depth`` relationships deep
    (connections through their first page, with their counts and cursors)."""
    object_type = GRAPHQL.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType)
    out = []
    for name, field in object_type.fields.items():
        field_type = get_named_type(field.type)
        if _is_leaf(field.type):
            out.append(name)
        elif field_type.name in ("Provenance", "TypeCount"):
            out.append(f"{name} {_flat(field_type)}")
        elif depth == 0:
            continue
        elif field_type.name.endswith("CountedConnection"):
            node_type = get_named_type(field_type.fields["edges"].type).fields["node"].type
            node = whole(get_named_type(node_type).name, depth - 1)
            out.append(f"{name}(first: 50) {{ totalCount edges {{ cursor node {node} }} }}")
        else:
            out.append(f"{name} {whole(field_type.name, depth - 1)}")
    return "{ " + " ".join(out) + " }"


@pytest.mark.parametrize("root", sorted(KEYS))
async def test_every_field_of_every_key_answers_as_the_resolvers_do(
    graph: GraphStore, root: str
) -> None:
    """Not left to chance: every field of the type and of its neighbours, for every key."""
    type_name = root[0].upper() + root[1:]
    text = f"query($key: String!) {{ {root}(key: $key) {whole(type_name, 2)} }}"
    for key in KEYS[root]:
        compiled, names = await _run(graph, text, {"key": key}, compiled=True)
        resolved, _ = await _run(graph, text, {"key": key}, compiled=False)
        assert compiled == resolved, key
        assert any(n.startswith("compiled_") for n in names)


def _nbs_tree() -> dict[str, list[str]]:
    """Names of the regions under each code in the NBS file the region tree is loaded from."""
    children: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    lines = (DATA_DIR / "regions" / "nbs-2023-inner-mongolia.csv").read_text().splitlines()
    for line in lines[1:]:
        code, name, parent = line.split(",")
        names[code] = name
        children.setdefault(parent, []).append(code)
    return {names[code]: sorted(names[c] for c in kids) for code, kids in children.items() if code}


async def test_the_table_queries_compile_to_one_statement(graph: GraphStore) -> None:
    """The nested lookups of issue 19 are one statement each, answering as the resolvers do;
    the region tree as the NBS file gives it."""
    body = next(b for b in SYNTHETIC.bodies if any(s.superior == b.id for s in SYNTHETIC.bodies))
    queries = [
        '{ region(key: "region:nmg") { key name level children { key name level '
        "children { key name level } } } }",
        f'{{ body(key: "{body.id}") {{ key name subordinates(first: 100) {{ edges {{ node '
        "{ key name holds(first: 100) { edges { node { key name } } } } } } } }",
    ]
    for text in queries:
        compiled, names = await _run(graph, text, {}, compiled=True)
        resolved, loaded = await _run(graph, text, {}, compiled=False)
        assert compiled == resolved
        [name] = names
        assert name.startswith("compiled_")
        assert len(loaded) >= 3, loaded
        if "region:nmg" in text:
            tree = compiled[0]["region"]
    nbs = _nbs_tree()
    assert tree["name"] == "内蒙古自治区"
    assert [c["name"] for c in tree["children"]] == nbs["内蒙古自治区"]
    for league in tree["children"]:
        assert [c["name"] for c in league["children"]] == nbs[league["name"]]
        assert {c["level"] for c in league["children"]} == {"BANNER_COUNTY"}


def _executed_fields(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fields graphql-core executes one by one (with their resolvers), as ``Type.field``,
    from now on."""
    executed: list[str] = []
    execute_field = ScalarListExecutionContext.execute_field

    def counting(self: Any, parent_type: Any, source: Any, details: Any, *args: Any) -> Any:
        executed.append(f"{parent_type.name}.{details[0].node.name.value}")
        return execute_field(self, parent_type, source, details, *args)

    monkeypatch.setattr(ScalarListExecutionContext, "execute_field", counting)
    return executed


def _body_with_subordinates() -> str:
    """The synthetic body with the most subordinates."""
    superiors = Counter(b.superior for b in SYNTHETIC.bodies if b.superior)
    return superiors.most_common(1)[0][0]


async def test_a_compiled_list_is_completed_without_a_resolver_per_object(
    graph: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below a compiled lookup, the objects of a list answer their relationship fields (a
    page of a connection, a list, a single node) from the compiled read: graphql-core runs
    the fields down to the list once, not once per object and field, and the answer is the
    resolvers' own."""
    text = (
        'query($key: String!) { body(key: $key) { key subordinates(first: 100) { edges { node '
        "{ key superior { key } region { key } holds(first: 3) { totalCount edges "
        "{ cursor node { key list { key } } } } } } } } }"
    )
    variables = {"key": _body_with_subordinates()}
    resolved, _ = await _run(graph, text, variables, compiled=False)
    executed = _executed_fields(monkeypatch)
    compiled, _ = await _run(graph, text, variables, compiled=True)
    assert compiled == resolved
    subordinates = compiled[0]["body"]["subordinates"]["edges"]
    assert len(subordinates) >= 2
    assert any(s["node"]["holds"]["edges"] for s in subordinates)
    assert executed == [
        "Query.body",
        "Body.key",
        "Body.subordinates",
        "BodyCountedConnection.edges",
    ]


async def test_below_the_first_list_no_node_object_is_made(
    graph: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nodes below a compiled lookup (a body's subordinates and their powers) are
    completed from the compiled read's maps: only the lookup's node becomes a node object. A
    field without a raw reader (``legalBasis``) makes the objects again, and the answer stays
    the resolvers'."""
    made: Counter[str] = Counter()
    from_entity = GraphNode.from_entity.__func__  # type: ignore[attr-defined]

    def counting(cls: type[GraphNode], *args: Any, **kwargs: Any) -> Any:
        made[cls.label] += 1
        return from_entity(cls, *args, **kwargs)

    monkeypatch.setattr(GraphNode, "from_entity", classmethod(counting))
    key = _body_with_subordinates()
    for item_fields, powers_made in (("key name seq", False), ("key legalBasis", True)):
        holds = "holds(first: 100) { edges { node { " + item_fields + " } } }"
        text = (
            "query($key: String!) { body(key: $key) { key subordinates(first: 100) { edges { "
            "node { key name " + holds + " } } } } }"
        )
        resolved, _ = await _run(graph, text, {"key": key}, compiled=False)
        made.clear()
        compiled, _ = await _run(graph, text, {"key": key}, compiled=True)
        assert compiled == resolved
        subordinates = compiled[0]["body"]["subordinates"]["edges"]
        powers = sum(len(s["node"]["holds"]["edges"]) for s in subordinates)
        assert powers > 0
        assert made["Body"] == 1
        assert made["PowerItem"] == (powers if powers_made else 0)


@pytest.mark.parametrize("directive", ["@include(if: true)", "@skip(if: true)"])
async def test_raw_nodes_on_graphql_cores_path_answer_as_node_objects(
    graph: GraphStore, directive: str
) -> None:
    """A directive sends a list to graphql-core's own path (``schema/execution.py``); the
    compiled read's raw nodes in it are completed as the node objects they stand for."""
    text = (
        "query($key: String!) { body(key: $key) { subordinates(first: 100) { edges { node { "
        f"key name {directive} holds(first: 5) {{ edges {{ node {{ key name {directive} }} }} }} "
        "} } } } }"
    )
    variables = {"key": _body_with_subordinates()}
    compiled, _ = await _run(graph, text, variables, compiled=True)
    resolved, _ = await _run(graph, text, variables, compiled=False)
    assert compiled == resolved
    assert compiled[1] == []
    assert len(compiled[0]["body"]["subordinates"]["edges"]) >= 2


@pytest.mark.parametrize(
    "page",
    [
        {"first": 2, "after": None},
        {"first": 1, "after": base64.b64encode(b"arrayconnection:0").decode()},
        {"first": None, "after": base64.b64encode(b"arrayconnection:1").decode()},
        {"first": 2, "after": "bm9wZQ=="},  # not a cursor of ours: BAD_INPUT at each page
    ],
)
async def test_pages_of_a_compiled_list_take_their_arguments_from_variables(
    graph: GraphStore, page: dict[str, Any]
) -> None:
    """A connection's arguments given as variables page every object's list alike, and a bad
    cursor is the error the resolver gives, at the same paths."""
    text = (
        "query($key: String!, $first: Int, $after: String) { body(key: $key) { "
        "subordinates(first: 100) { edges { node { key holds(first: $first, after: $after) "
        "{ totalCount pageInfo { hasNextPage endCursor } edges { node { key } } } } } } } }"
    )
    variables = {"key": _body_with_subordinates(), **page}
    compiled, _ = await _run(graph, text, variables, compiled=True)
    resolved, _ = await _run(graph, text, variables, compiled=False)
    assert compiled == resolved
    data, errors = compiled
    if page["after"] == "bm9wZQ==":
        assert errors
        for _, path, extensions in errors:
            assert "BAD_INPUT" in extensions
            assert path == "['body', 'subordinates', 'edges', 'node', 'holds']"
    else:
        assert errors == []
        pages = [e["node"]["holds"] for e in data["body"]["subordinates"]["edges"]]
        assert any(p["edges"] for p in pages)
