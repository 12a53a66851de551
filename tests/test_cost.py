"""Every operation is priced before it runs (schema/cost.py, schema/limits.py): the documented
queries are admitted, the hostile ones refused before the graph is asked, and the walk that
prices them is linear in the document."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest
import strawberry
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    get_introspection_query,
    get_named_type,
    parse,
    validate,
)

from bench.load import HEADLINE
from bench.query_bench import HUNDRED_TOWNS, headline_queries
from graph_loaders.synthetic import generate
from graph_store import GraphStore, trace_statements
from schema import Limits, build_schema
from schema.context import GraphContext
from schema.cost import Price, price_operation
from schema.errors import ApiError, ErrorCode
from schema.limits import CACHED_QUERIES, PriceCache, admit, price_table
from schema.metrics import EXPLORER_OPERATIONS
from schema.query import Query
from server.cookbook import read_recipes
from tests.conftest import REPO_ROOT

SCHEMA = build_schema()
GRAPHQL_SCHEMA = SCHEMA._schema
LIMITS = Limits()
TABLE = price_table(LIMITS, GRAPHQL_SCHEMA)
PRICES = PriceCache(CACHED_QUERIES)
WEB_JS = REPO_ROOT / "server" / "web" / "js"


def _admit(query: str, variables: dict[str, Any] | None = None) -> tuple[Price | None, Any]:
    document = parse(query, max_tokens=LIMITS.max_tokens)
    assert validate(GRAPHQL_SCHEMA, document) == [], query
    return admit(GRAPHQL_SCHEMA, document, None, variables, LIMITS, TABLE, PRICES, query)


def _price(query: str, variables: dict[str, Any] | None = None) -> Price:
    return price_operation(GRAPHQL_SCHEMA, parse(query), None, variables, TABLE)


# --------------------------------------------------------------------- the documented queries

_CONSTANT = re.compile(r"(?:export )?const ([A-Z_]+) = ([`\"])(.*?)\2;", re.DOTALL)
_INTERPOLATION = re.compile(r"\$\{([A-Z_]+)\}")


def explorer_queries() -> dict[str, str]:
    """The explorer's GraphQL documents: its template-string constants that hold a query,
    with the constants they interpolate (``${FACT}``, ``${EVENT_FIELDS}``) filled in."""
    constants: dict[str, str] = {}
    owners: dict[str, str] = {}
    for path in sorted(WEB_JS.rglob("*.js")):
        for name, _, text in _CONSTANT.findall(path.read_text(encoding="utf-8")):
            key = f"{path.relative_to(WEB_JS)}:{name}"
            constants[key] = text
            owners.setdefault(name, key)

    def filled(text: str) -> str:
        while _INTERPOLATION.search(text):
            text = _INTERPOLATION.sub(lambda m: constants[owners[m.group(1)]], text)
        return text

    return {
        key: filled(text)
        for key, text in constants.items()
        if text.lstrip().startswith(("query", "{", "mutation"))
    }


EXPLORER = explorer_queries()
#: Variables the explorer sends with its queries (its search asks for 20 results).
EXPLORER_VARIABLES = {"first": 20, "bodies": ["body:a", "body:b"], "kinds": ["BODY"]}


def test_the_explorer_queries_are_all_found() -> None:
    # the views that query the service, each found (a renamed constant would hide one)
    names = {key.split(":")[1] for key in EXPLORER}
    assert names >= {"SEARCH", "ROOTS", "CHILDREN", "BODY", "CHAINS", "CLAIMED_BY", "EVENT"}
    assert names >= {"ITEM", "LIST", "MATRIX", "REGION", "IMPACT", "IMPORT_LIST", "IMPORT_CLAIMS"}
    assert all("${" not in query for query in EXPLORER.values())


@pytest.mark.parametrize("name", sorted(EXPLORER))
def test_every_explorer_query_is_admitted(name: str) -> None:
    price, refusal = _admit(EXPLORER[name], EXPLORER_VARIABLES)
    assert refusal is None, refusal
    assert price is not None
    assert 0 < price.cost <= LIMITS.max_cost


def test_the_explorer_operation_names_are_the_metrics_labels() -> None:
    named = {
        match
        for query in EXPLORER.values()
        for match in re.findall(r"^\s*(?:query|mutation) ([A-Za-z_]+)", query)
    }
    assert named == EXPLORER_OPERATIONS


@pytest.mark.parametrize(
    # named by the recipe: the whole text as an id is not a node id pytest can select again
    # (mutmut runs each mutant's tests by node id)
    "recipe",
    read_recipes(REPO_ROOT / "docs" / "cookbook"),
    ids=lambda recipe: recipe.name,
)
def test_every_cookbook_recipe_is_admitted(recipe: Any) -> None:
    price, refusal = _admit(recipe.query)
    assert refusal is None, refusal
    assert price is not None
    assert price.cost > 0


@pytest.fixture(scope="module")
def bench_queries() -> dict[str, str]:
    """The benchmarks' queries: query_bench's headline queries on keys of a small generated
    dataset (their sizes, `first: 20`, 100 towns, two departments merged, are the documented
    ones) and the load generator's on the documented dataset."""
    generated = headline_queries(generate("inner-mongolia", 1, scale=0.02))
    return {
        **generated,
        "100 towns": HUNDRED_TOWNS,
        **{f"load {k}": v for k, v in HEADLINE.items()},
    }


def test_every_benchmark_query_is_admitted(bench_queries: dict[str, str]) -> None:
    assert len(bench_queries) == 13
    for name, query in bench_queries.items():
        price, refusal = _admit(query)
        assert refusal is None, (name, refusal)
        assert price is not None
        assert price.cost > 0


def test_graphiql_introspection_is_admitted() -> None:
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)
    price, refusal = _admit(query)
    assert refusal is None, refusal
    assert price is not None
    assert price.depth == 0


# ------------------------------------------------------------------------------ the model


def test_a_plain_list_is_priced_at_its_bound() -> None:
    # at most 500 regions (the page cap, enforced by `regions`), two fields each
    assert _price("{ regions { name key } }") == Price(cost=500 * 3, depth=1, aliases=0)


def test_a_connection_is_priced_at_its_page() -> None:
    query = 'query($n: Int) { search(text: "局", first: $n) { totalCount edges { node { id } } } }'
    # search (1, and its analysis weight 1,000) + totalCount (1) + n edges × (edge 1 + node 1
    # + id 1)
    assert _price(query, {"n": 10}).cost == 1 + 1_000 + 1 + 10 * 3
    assert _price(query, {"n": 2}).cost == 1 + 1_000 + 1 + 2 * 3
    # without `first`, a connection gives a whole page of 500
    assert _price(query, {}).cost == 1 + 1_000 + 1 + 500 * 3
    literal = query.replace("query($n: Int) ", "").replace("$n", "7")
    assert _price(literal).cost == 1 + 1_000 + 1 + 7 * 3


def test_an_abstract_selection_costs_its_dearest_type() -> None:
    query = """{ node(id: "x") { ... on Region { name } ... on Body { name kind key } } }"""
    assert _price(query).cost == 1 + 3


def test_a_fragment_is_priced_once_and_counted_at_every_spread() -> None:
    fragment = "fragment F on Region { name parent { name } }"
    once = _price('{ region(key: "r") { ...F } } ' + fragment)
    twice = _price('{ region(key: "r") { ...F ...F } } ' + fragment)
    assert once.cost == 1 + 1 + 2
    assert twice.cost == 1 + 2 * (1 + 2)


def test_every_list_field_has_a_bound() -> None:
    """A new list field must be priced on purpose: its bound in schema/cost.py or
    schema/limits.py (a connection's edges are priced at its page)."""
    missing = []
    for type_ in GRAPHQL_SCHEMA.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.endswith("Connection"):
            continue
        for name, field in type_.fields.items():
            output = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if isinstance(output, GraphQLList) and TABLE.bound(type_.name, name) is None:
                missing.append(f"{type_.name}.{name}: {get_named_type(output).name}")
    assert missing == []


# ------------------------------------------------------------------- the attacks of issue 14


def doubling_fragments(levels: int, leaf: str = "name") -> str:
    """Each fragment spreads the next twice: 2**levels spreads of the last one (1.3 KB at
    22 levels stalled the service for 17 s when every spread was walked again)."""
    fragments = "\n".join(
        f"fragment F{i} on Region {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"{{ regions {{ ...F0 }} }}\n{fragments}\nfragment F{levels} on Region {{ {leaf} }}"


def nested_connections(aliases: int) -> str:
    """Aliases of connections nested three deep, `first: 500` at each level: inside every
    documented limit, 36 s and about 1 GB on the demo graph before pricing."""
    one = (
        'search(text: "局", first: 500) { edges { node { ... on Body { subordinates(first: 500) '
        "{ edges { node { name holds(first: 500) { edges { node { name } } } } } } } } } }"
    )
    return "{ " + " ".join(f"a{i}: {one}" for i in range(aliases)) + " }"


def test_pricing_is_linear_in_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """The doubling document at 30 levels: 2**30 spreads, priced from 33 selection sets
    (the operation's, `regions`', and 31 fragments), each once."""
    from schema import cost

    priced: list[int] = []
    combine = cost._Walk._combine

    def counted(self: Any, item: Any) -> Price:
        priced.append(1)
        return combine(self, item)

    monkeypatch.setattr(cost._Walk, "_combine", counted)
    price = _price(doubling_fragments(30))
    assert len(priced) == 33
    assert price.cost == 500 * (1 + 2**30)  # each spread counted: far over the budget


@pytest.fixture
def refusals(store: GraphStore) -> Any:
    """Run a query on the service's schema and return its errors, asserting that no statement
    reached the graph."""

    async def run(query: str, variables: dict[str, Any] | None = None) -> Any:
        with trace_statements() as trace:
            result = await SCHEMA.execute(
                query, variable_values=variables, context_value=GraphContext(store=store)
            )
        assert trace.names == [], "a refused query must not touch the graph"
        assert result.errors, result
        return result

    return run


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("leaf", "code", "limit"),
    [
        ("name", "COST_EXCEEDED", None),
        ("parent { name }", "COST_EXCEEDED", None),
        ("a: name", "LIMIT_EXCEEDED", "aliases"),
    ],
)
async def test_the_doubling_fragment_document_is_refused(
    refusals: Any, leaf: str, code: str, limit: str | None
) -> None:
    result = await refusals(doubling_fragments(30, leaf))
    [error] = result.errors
    assert error.extensions["code"] == code
    assert error.extensions.get("limit") == limit


@pytest.mark.anyio
async def test_nested_connections_in_every_limit_are_refused_on_cost(refusals: Any) -> None:
    query = nested_connections(30)
    assert 5_000 < len(query) < 7_000
    result = await refusals(query)
    [error] = result.errors
    assert error.extensions["code"] == "COST_EXCEEDED"
    assert error.extensions["budget"] == LIMITS.max_cost
    assert error.extensions["cost"] > 30 * 500 * 500  # at least the nodes of two levels
    assert result.extensions["cost"] == {
        "requested": error.extensions["cost"],
        "budget": LIMITS.max_cost,
    }
    assert "first" in error.message  # says what to do


@pytest.mark.anyio
async def test_caps_on_arguments_refuse_before_the_graph(refusals: Any) -> None:
    bodies = [f"body:{i}" for i in range(2_062)]
    impact = 'query($b: [String!]!) { mergerImpact(bodies: $b, newName: "x") { targetName } }'
    over = await refusals(impact, {"b": bodies})
    assert over.errors[0].extensions == {"code": "LIMIT_EXCEEDED", "limit": "merger_bodies"}
    assert "2062" in over.errors[0].message
    assert "50" in over.errors[0].message
    names = ", ".join(f'"b{i}"' for i in range(51))
    literal = f'{{ mergerImpact(bodies: [{names}], newName: "x") {{ targetName }} }}'
    assert (await refusals(literal)).errors[0].extensions["limit"] == "merger_bodies"
    many = ", ".join(["BODY"] * 101)
    kinds = f'{{ search(text: "x", kinds: [{many}]) {{ totalCount }} }}'
    assert (await refusals(kinds)).errors[0].extensions == {
        "code": "LIMIT_EXCEEDED",
        "limit": "list_length",
    }
    page = 'query($n: Int) { search(text: "x", first: $n) { totalCount } }'
    [over_page] = (await refusals(page, {"n": 501})).errors
    assert over_page.extensions == {"code": "LIMIT_EXCEEDED", "limit": "page_size"}
    assert over_page.message == "Argument 'first' is 501; at most 500 items fit in one page."
    nested = '{ region(key: "r") { bodies(last: -1) { totalCount } } }'
    [negative] = (await refusals(nested)).errors
    assert negative.extensions == {"code": "BAD_INPUT"}
    assert negative.message == "Argument 'last' must not be negative."
    # a page of none is a page: priced, not refused
    assert _admit('{ search(text: "x", first: 0) { totalCount } }')[1] is None
    assert _admit('{ search(text: "x", last: 500) { totalCount } }')[1] is None


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ region(key: "a\\u0000b") { name } }', None),
        ("query($k: String!) { region(key: $k) { name } }", {"k": "a\x00b"}),
        ("query($k: String!) { region(key: $k) { name } }", {"k": "\ud800"}),
        ("query($t: String!) { search(text: $t) { totalCount } }", {"t": "执法\udc00"}),
    ],
)
async def test_unstorable_strings_are_bad_input(
    refusals: Any, query: str, variables: dict[str, Any] | None
) -> None:
    [error] = (await refusals(query, variables)).errors
    assert error.extensions == {"code": "BAD_INPUT"}
    assert "NUL character or an unpaired surrogate" in error.message


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("query { }", "A selection set must name at least one field."),
        ("{ regions { } }", "A selection set must name at least one field."),
        ("{ regions { ...Nope } }", "Unknown fragment 'Nope'."),
    ],
)
async def test_internal_messages_are_not_answered(refusals: Any, query: str, message: str) -> None:
    [error] = (await refusals(query)).errors
    assert error.extensions == {"code": "BAD_INPUT"}
    assert error.message == message


@pytest.mark.anyio
async def test_chained_fragments_are_refused_with_a_readable_message(refusals: Any) -> None:
    chain = "\n".join(f"fragment F{i} on Region {{ ...F{i + 1} }}" for i in range(550))
    query = f"{{ regions {{ ...F0 }} }}\n{chain}\nfragment F550 on Region {{ name }}"
    [error] = (await refusals(query)).errors
    assert error.extensions == {"code": "LIMIT_EXCEEDED", "limit": "validation"}
    assert "recursion" not in error.message
    assert error.message.startswith("The query is too complex to validate")


@pytest.mark.anyio
async def test_repeated_fields_stop_validation_early(refusals: Any) -> None:
    """Fields of one name spread from 300 fragments: graphql-core compares them pairwise
    (1.4 s at its default budget); past the service's budget it stops and says so."""
    spreads = " ".join(f"...F{i}" for i in range(300))
    fragments = "\n".join(
        f"fragment F{i} on Region {{ name parent {{ name }} }}" for i in range(300)
    )
    [error] = (await refusals(f"{{ regions {{ {spreads} }} }}\n{fragments}")).errors
    assert error.extensions == {"code": "LIMIT_EXCEEDED", "limit": "validation"}


@pytest.mark.anyio
async def test_a_claim_matrix_over_the_town_cap_is_refused(store: GraphStore) -> None:
    from tests.datasets import load_fixture

    await load_fixture(store, "mini.yaml")
    query = '{ claimMatrix(list: "t:list", region: "t:county") { towns { town { key } } } }'
    capped = build_schema(Limits(claim_matrix_towns=1))
    result = await capped.execute(query, context_value=GraphContext(store=store))
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "LIMIT_EXCEEDED", "limit": "claim_matrix_towns"}
    whole = await SCHEMA.execute(query, context_value=GraphContext(store=store))
    assert whole.errors is None
    assert whole.data is not None
    assert len(whole.data["claimMatrix"]["towns"]) > 1  # the cap, not the data, refused it
    # a schema built on the service's types without its limits holds to the default caps
    plain = strawberry.Schema(query=Query)
    unlimited = await plain.execute(query, context_value=GraphContext(store=store))
    assert unlimited.errors is None
    assert unlimited.data == whole.data


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        # the variable named, wherever the string sits in it: a value, a nested list, a key
        (
            "query($k: String!) { region(key: $k) { name } }",
            {"k": "a\x00b"},
            "Variable 'k' holds",
        ),
        (
            "query($k: String!) { region(key: $k) { name } }",
            {"k": "fine", "unused": {"deep": ["ok", ["a\x00"]]}},
            "Variable 'unused' holds",
        ),
        (
            "query($k: String!) { region(key: $k) { name } }",
            {"k": "fine", "unused": {"a\x00": 1}},
            "Variable 'unused' holds",
        ),
        # the argument named, in a list literal too
        ('{ region(key: "a\\u0000b") { name } }', None, "Argument 'key' holds"),
        (
            '{ mergerImpact(bodies: ["a", "b\\u0000"]) { targetName } }',
            None,
            "Argument 'bodies' holds",
        ),
    ],
)
async def test_an_unstorable_string_is_refused_naming_where_it_is(
    refusals: Any, query: str, variables: dict[str, Any] | None, message: str
) -> None:
    [error] = (await refusals(query, variables)).errors
    assert error.extensions == {"code": "BAD_INPUT"}
    assert error.message == (
        f"{message} a NUL character or an unpaired surrogate, which no text can store."
    )


def test_fragments_that_spread_each_other_are_refused_by_the_walk_too() -> None:
    # validation refuses them first in the service; the walk does not rely on it
    document = parse(
        "fragment A on Region { ...B } fragment B on Region { ...A } { regions { ...A } }"
    )
    with pytest.raises(ApiError) as refused:
        price_operation(GRAPHQL_SCHEMA, document, None, None, TABLE)
    assert (refused.value.code, str(refused.value)) == (
        ErrorCode.BAD_INPUT,
        "Fragments must not spread each other.",
    )


def test_an_operation_the_document_does_not_hold_is_priced_nothing() -> None:
    # left to graphql-core (Strawberry refuses it before pricing, in the service)
    document = parse("query A { regions { name } }")
    assert price_operation(GRAPHQL_SCHEMA, document, "B", None, TABLE) == Price(0, 0, 0)


@pytest.mark.parametrize(
    ("query", "price"),
    [
        # regions: 500 (the page cap) × (1 + name)
        ("{ regions { name } }", Price(1_000, 1, 0)),
        # __typename costs 1 where it is asked, and the fields after it are priced too
        ("{ __typename regions { name } }", Price(1_001, 1, 0)),
        ("{ regions { __typename name } }", Price(1_500, 1, 0)),
        ("{ regions { name } __typename }", Price(1_001, 1, 0)),
        # aliases are counted in fields, inline fragments and named fragments alike
        ("{ a: regions { b: name } }", Price(1_000, 1, 2)),
        ("{ ... on Query { a: regions { b: name } } }", Price(1_000, 1, 2)),
        ("fragment F on Query { a: regions { b: name } } { ...F }", Price(1_000, 1, 2)),
        # one fragment spread in two places is priced in each (and is no cycle)
        (
            "fragment F on Region { name } { a: regions { ...F } b: regions { ...F } }",
            Price(2_000, 1, 2),
        ),
        # a connection: 1 × (1 + edges: 3 × (1 + node: 1 + title)), three levels deep
        ("{ reformEvents(first: 3) { edges { node { title } } } }", Price(10, 3, 0)),
        ("{ reformEvents(last: 3) { edges { node { title } } } }", Price(10, 3, 0)),
        (
            "query($n: Int = 3) { reformEvents(first: $n) { edges { node { title } } } }",
            Price(10, 3, 0),
        ),
        ("{ reformEvents(first: 0) { edges { node { title } } } }", Price(1, 3, 0)),
        # search: its weight 1,000 + 1 × (1 + totalCount); one kind given alone is a list of one
        ('{ search(text: "x", kinds: BODY) { totalCount } }', Price(1_002, 1, 0)),
        (
            '{ search(text: "x", kinds: [BODY, REGION], first: 2) { totalCount } }',
            Price(1_002, 1, 0),
        ),
        # a union's node is priced as its widest member (Region: name and level)
        (
            '{ search(text: "x", first: 2) { edges { node { ... on Body { name } '
            "... on Region { name level } } } } }",
            Price(1_009, 3, 0),
        ),
        # a named fragment applies to its own type only (Body's name is not Region's)
        (
            'fragment B on Body { name } { search(text: "x", first: 2) { edges { node { ...B '
            "... on Region { name level } } } } }",
            Price(1_009, 3, 0),
        ),
    ],
)
def test_prices_worked_out_by_hand(query: str, price: Price) -> None:
    assert _price(query) == price


@pytest.mark.anyio
async def test_the_price_is_reported_on_success(store: GraphStore) -> None:
    result = await SCHEMA.execute("{ regions { name } }", context_value=GraphContext(store=store))
    assert result.errors is None
    assert result.extensions == {"cost": {"requested": 1_000, "budget": LIMITS.max_cost}}


@pytest.mark.anyio
async def test_a_fault_in_pricing_refuses_rather_than_runs_unpriced(
    refusals: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from schema import limits

    def broken(*args: Any) -> Price:
        raise RuntimeError("the walk failed")

    monkeypatch.setattr(limits, "price_operation", broken)
    # a text not priced before (a price kept from an earlier ask is not walked again)
    [error] = (await refusals(f"{{ regions {{ name }} }} # {uuid.uuid4()}")).errors
    assert error.extensions == {"code": "INTERNAL"}
    assert error.message == "Internal error."
    # the operator's log says what failed, with the exception
    [record] = [r for r in caplog.records if r.name == "schema.limits"]
    assert record.getMessage() == "pricing the operation failed"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "the walk failed"


@pytest.mark.anyio
async def test_a_kept_price_is_given_only_to_the_same_operation_and_variables(
    store: GraphStore,
) -> None:
    """Prices are kept by text, operation name and variables: a page size given in a
    variable changes the price, and so does the operation a document names."""
    text = (
        "query Page($n: Int) { reformEvents(first: $n) { edges { node { title } } } } "
        f"query Whole {{ regions {{ name }} }} # {uuid.uuid4()}"
    )
    context = GraphContext(store=store)

    async def requested(operation: str, variables: dict[str, Any] | None) -> Any:
        result = await SCHEMA.execute(
            text, variable_values=variables, operation_name=operation, context_value=context
        )
        assert result.errors is None, result.errors
        assert result.extensions is not None
        return result.extensions["cost"]["requested"]

    def walked(operation: str, variables: dict[str, Any] | None) -> int:
        return price_operation(GRAPHQL_SCHEMA, parse(text), operation, variables, TABLE).cost

    asks = [("Page", {"n": 5}), ("Page", {"n": 50}), ("Whole", None), ("Page", {"n": 5})]
    assert len({walked(*ask) for ask in asks}) == 3  # three different prices
    for ask in asks:
        assert await requested(*ask) == walked(*ask), ask
    # a refusal after a kept price for the same text
    result = await SCHEMA.execute(
        text, variable_values={"n": 501}, operation_name="Page", context_value=context
    )
    assert result.errors is not None
    assert [e.extensions for e in result.errors] == [
        {"code": "LIMIT_EXCEEDED", "limit": "page_size"}
    ]


@pytest.mark.anyio
async def test_the_service_prices_an_operation_once_per_variables(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from schema import limits

    walked: list[Any] = []

    def counted(*args: Any) -> Price:
        walked.append(args[3])  # the variables
        return price_operation(*args)

    monkeypatch.setattr(limits, "price_operation", counted)
    text = f"query($n: Int) {{ reformEvents(first: $n) {{ totalCount }} }} # {uuid.uuid4()}"
    context = GraphContext(store=store)
    for n in (5, 5, 6, 5):
        result = await SCHEMA.execute(text, variable_values={"n": n}, context_value=context)
        assert result.errors is None, result.errors
    assert walked == [{"n": 5}, {"n": 6}]


def test_prices_are_walked_once_and_as_many_kept_as_the_cache_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from schema import limits

    walked: list[str | None] = []

    def counted(*args: Any) -> Price:
        walked.append(args[2])  # the operation name
        return price_operation(*args)

    monkeypatch.setattr(limits, "price_operation", counted)
    cache = limits.PriceCache(maxsize=2)
    text = "query A { regions { name } } query B { regions { key } } query C { regions { level } }"
    document = parse(text)
    for name in ["A", "A", "B", "A", "C", "B"]:
        price = cache.price(GRAPHQL_SCHEMA, document, text, name, None, TABLE)
        assert price == price_operation(GRAPHQL_SCHEMA, document, name, None, TABLE)
    # A kept, then asked again (the most recent); C pushed out B, the least recent
    assert walked == ["A", "B", "C", "B"]

    walked.clear()
    long_text = text + "\n# " + "padding " * (limits.CACHED_QUERY_CHARS // 8)
    search = "query S($t: String!) { search(text: $t) { totalCount } }"
    long_value = {"t": "字" * limits.CACHED_QUERY_CHARS}
    for _ in range(2):
        cache.price(GRAPHQL_SCHEMA, parse(long_text), long_text, "A", None, TABLE)
        cache.price(GRAPHQL_SCHEMA, parse(search), search, "S", long_value, TABLE)
    # a long text, or long variables, are priced every time
    assert walked == ["A", "S", "A", "S"]


@pytest.mark.anyio
async def test_only_short_documents_are_kept_in_the_caches(store: GraphStore) -> None:
    """A document of 5,000 tokens is about 2 MB of syntax tree: kept for 256 texts, a client
    sending new long texts would hold half a gigabyte. Long texts are parsed every time."""
    from schema.limits import CACHED_QUERIES, CACHED_QUERY_CHARS, CachedParse

    cache: Any = CachedParse(maxsize=CACHED_QUERIES).cached_parse_document  # an lru_cache
    context = GraphContext(store=store)
    long_query = "{ regions { name } }\n# " + "padding " * (CACHED_QUERY_CHARS // 8)
    assert len(long_query) > CACHED_QUERY_CHARS
    before = cache.cache_info()
    for _ in range(2):
        result = await SCHEMA.execute(long_query, context_value=context)
        assert result.errors is None
    after_long = cache.cache_info()
    assert (after_long.hits, after_long.misses) == (before.hits, before.misses)
    short_query = f"{{ regions {{ key }} }} # new text {uuid.uuid4()}"
    for _ in range(2):
        assert (await SCHEMA.execute(short_query, context_value=context)).errors is None
    after_short = cache.cache_info()
    assert after_short.misses == before.misses + 1
    assert after_short.hits == before.hits + 1


@pytest.mark.anyio
async def test_a_short_text_is_validated_once_per_schema_and_its_errors_kept(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The validation cache is keyed by the text (hashing the parsed document walked all of it
    on every request): the same text is validated once, an invalid one keeps answering its
    errors with their code, a long text is validated every time, and a schema with other
    limits (other rules) validates the text for itself."""
    from schema import limits

    validated: list[str] = []

    def counted(schema: Any, document: Any, rules: Any) -> Any:
        validated.append(document.loc.source.body)
        return validate_document(schema, document, rules)

    from strawberry.schema import schema as strawberry_schema
    from strawberry.schema.schema import validate_document

    monkeypatch.setattr(limits, "validate_document", counted)  # the cache's
    monkeypatch.setattr(strawberry_schema, "validate_document", counted)  # Strawberry's own
    context = GraphContext(store=store)
    valid = f"{{ regions {{ key }} }} # {uuid.uuid4()}"
    invalid = f"{{ regions {{ nosuchfield }} }} # {uuid.uuid4()}"
    long_query = "{ regions { name } }\n# " + "padding " * (limits.CACHED_QUERY_CHARS // 8)
    schema = build_schema()
    for _ in range(2):
        assert (await schema.execute(valid, context_value=context)).errors is None
        refused = await schema.execute(invalid, context_value=context)
        assert refused.errors is not None
        [error] = refused.errors
        assert "nosuchfield" in error.message
        assert error.extensions == {"code": "BAD_INPUT"}
        assert (await schema.execute(long_query, context_value=context)).errors is None
    assert validated == [valid, invalid, long_query, long_query]

    other = build_schema(Limits(validation_work=10_000))
    assert (await other.execute(valid, context_value=context)).errors is None
    assert validated == [valid, invalid, long_query, long_query, valid]


# ------------------------------------------------------ the caps the service enforces, priced

#: Caps set away from their defaults, so that a list priced at the page cap (500) or at a
#: default instead of at its own configured cap shows in the price.
SMALL_CAPS = Limits(max_page_size=40, claim_matrix_towns=7, merger_bodies=3, max_list_length=2)


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        # claimMatrix: 1 + its weight 1,000 + 7 towns × (1 + hasEnforcementBureau)
        ('{ claimMatrix(list: "l", region: "r") { towns { hasEnforcementBureau } } }', 1_015),
        (
            '{ claimMatrix(list: "l", region: "r") { shortOfTarget { hasEnforcementBureau } } }',
            1_015,
        ),
        # mergerImpact: 1 + 1,000 + 3 bodies × (1 + name)
        ('{ mergerImpact(bodies: ["a"]) { bodies { name } } }', 1_007),
        ('{ mergerImpact(bodies: ["a"]) { regionsTouched { name } } }', 1_007),
        # the staff quota before the merger: one per body and the target's (3 + 1)
        ('{ mergerImpact(bodies: ["a"]) { staffQuotaBefore } }', 1_005),
        # 500 overlaps (the data bound) × (1 + 3 holders)
        ('{ mergerImpact(bodies: ["a"]) { overlaps { heldBy } } }', 1 + 1_000 + 500 * 4),
        # a list of chains is priced per chain: 1,000 chains × (1 + 9 hops × (1 + relation)),
        # 9 hops being 6 delegations, the listing, the holding and the exercising; + 1,000
        ('{ delegationChains(item: "i") { hops { relation } } }', 1_000 * 19 + 1_000),
        ('{ chainsThrough(body: "b") { hops { relation } } }', 1_000 * 19 + 1_000),
        # a region's ancestors: one per level above it, at most 5
        ('{ region(key: "r") { ancestors { name } } }', 1 + 5 * 2),
        # a page of 40 (the configured page cap) when no `first` is given
        ("{ regions { name } }", 40 * 2),
    ],
)
def test_the_lists_the_service_caps_are_priced_at_the_configured_cap(query: str, cost: int) -> None:
    table = price_table(SMALL_CAPS, GRAPHQL_SCHEMA)
    assert price_operation(GRAPHQL_SCHEMA, parse(query), None, None, table).cost == cost


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ('{ mergerImpact(bodies: ["a", "b", "c", "d"]) { targetName } }', "merger_bodies"),
        (
            'mutation { applyMerger(bodies: ["a", "b", "c", "d"], date: "2020-01-01") '
            "{ applied } }",
            "merger_bodies",
        ),
        ('{ search(text: "x", kinds: [BODY, REGION, DOCUMENT]) { totalCount } }', "list_length"),
    ],
)
def test_list_arguments_are_held_to_the_configured_caps(query: str, limit: str) -> None:
    document = parse(query)
    assert validate(GRAPHQL_SCHEMA, document) == [], query
    table = price_table(SMALL_CAPS, GRAPHQL_SCHEMA)
    prices = PriceCache(CACHED_QUERIES)  # a cache serves one price table
    _, refusal = admit(GRAPHQL_SCHEMA, document, None, None, SMALL_CAPS, table, prices, query)
    assert refusal is not None
    assert refusal.extensions == {"code": "LIMIT_EXCEEDED", "limit": limit}
    within = query.replace(', "d"]', "]").replace(", DOCUMENT]", "]")
    admitted = admit(GRAPHQL_SCHEMA, parse(within), None, None, SMALL_CAPS, table, prices, within)
    assert admitted[1] is None


# ------------------------------------------------- what the operations in flight cost together


@pytest.fixture
def shared_budget(store: GraphStore) -> Any:
    """A schema whose large operations may cost 2,000 together (``{ regions { name } }``,
    priced 1,000, is large under a budget of 5,000), its store's context, and a run with a
    request deadline."""
    from graph_store.deadline import request_deadline

    schema = build_schema(Limits(max_cost=5_000, max_cost_in_flight=2_000))
    context = GraphContext(store=store)

    async def run(query: str, deadline_s: float = 2.0) -> Any:
        with request_deadline(deadline_s):
            return await schema.execute(query, context_value=context)

    return schema, run


@pytest.mark.anyio
async def test_operations_that_fill_the_shared_budget_exactly_run_together(
    shared_budget: Any,
) -> None:
    schema, run = shared_budget
    assert await schema.in_flight.take(1_000, 0)  # an operation of 1,000 is running
    try:
        fits = await run("{ regions { name } }")  # 1,000 + 1,000: the whole budget
        assert fits.errors is None
        assert fits.data == {"regions": []}
        # the one still running is still counted: 1,000 + 1,500 does not fit
        over = await run("{ regions { name key } }", deadline_s=0.2)
        assert over.data is None
        [busy] = over.errors
        assert busy.extensions == {"code": "BUSY", "cost": 1_500}
        assert busy.message == (
            "The service is busy answering other large queries; ask again shortly, or ask a "
            "smaller one (smaller pages, fewer aliases)."
        )
    finally:
        schema.in_flight.give_back(1_000)
    assert (await run("{ regions { name key } }")).errors is None  # alone, it runs


@pytest.mark.anyio
async def test_an_operation_that_waited_runs_when_room_is_given_back(shared_budget: Any) -> None:
    """It waits for room (up to half its deadline), rather than answering BUSY at once."""
    schema, run = shared_budget
    assert await schema.in_flight.take(2_000, 0)  # the whole budget is in use
    waiting = asyncio.ensure_future(run("{ regions { name } }", deadline_s=20.0))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    schema.in_flight.give_back(2_000)
    result = await waiting
    assert result.errors is None
    assert result.data == {"regions": []}
    assert schema.in_flight.used == 0


def _longest(lists: Any) -> int:
    return max(len(items or []) for items in lists)


def test_introspection_lists_are_priced_at_the_longest_the_schema_answers() -> None:
    """GraphiQL's introspection is priced at what the schema can answer: each introspection
    list at the longest such list the schema's own introspection gives (counted here from
    the answer), not at the page cap."""
    from graphql import graphql_sync

    def answer(query: str) -> Any:
        result = graphql_sync(GRAPHQL_SCHEMA, query)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data["__schema"]

    every = answer(
        "{ __schema { types { fields { name args { name } } interfaces { name } "
        "possibleTypes { name } enumValues { name } inputFields { name } } "
        "directives { name args { name } locations } } }"
    )
    types, directives = every["types"], every["directives"]
    n, d = len(types), len(directives)
    fields = _longest(t["fields"] for t in types)
    field_args = _longest(f["args"] for t in types for f in t["fields"] or [])
    # inputFields are bounded by the most fields of any type, input or output
    input_fields = max(fields, _longest(t["inputFields"] for t in types))
    expected = {
        "{ __schema { types { name } } }": 1 + n * 2,
        "{ __schema { directives { name } } }": 1 + d * 2,
        "{ __schema { types { fields { name } } } }": 1 + n * (1 + fields * 2),
        "{ __schema { types { interfaces { name } } } }": (
            1 + n * (1 + _longest(t["interfaces"] for t in types) * 2)
        ),
        "{ __schema { types { possibleTypes { name } } } }": (
            1 + n * (1 + _longest(t["possibleTypes"] for t in types) * 2)
        ),
        "{ __schema { types { enumValues { name } } } }": (
            1 + n * (1 + _longest(t["enumValues"] for t in types) * 2)
        ),
        "{ __schema { types { inputFields { name } } } }": 1 + n * (1 + input_fields * 2),
        "{ __schema { types { fields { args { name } } } } }": (
            1 + n * (1 + fields * (1 + field_args * 2))
        ),
        "{ __schema { directives { args { name } } } }": (
            1 + d * (1 + _longest(x["args"] for x in directives) * 2)
        ),
        "{ __schema { directives { locations } } }": (
            1 + d * (1 + _longest(x["locations"] for x in directives))
        ),
    }
    assert 50 < n < 500  # the schema's types, far fewer than a page
    table = price_table(LIMITS, GRAPHQL_SCHEMA)  # read off the schema now, not at import

    def price(query: str) -> int:
        return price_operation(GRAPHQL_SCHEMA, parse(query), None, None, table).cost

    assert {query: price(query) for query in expected} == expected


@pytest.mark.anyio
async def test_one_large_operation_alone_runs_whatever_the_shared_budget(store: GraphStore) -> None:
    schema = build_schema(Limits(max_cost=5_000, max_cost_in_flight=10))  # under any large one
    result = await schema.execute("{ regions { name } }", context_value=GraphContext(store=store))
    assert result.errors is None
    assert result.extensions == {"cost": {"requested": 1_000, "budget": 5_000}}
    assert schema.in_flight.used == 0


def test_each_limit_admits_its_own_value_and_refuses_one_more() -> None:
    def nested(levels: int) -> str:
        return "{ regions { " + "parent { " * (levels - 1) + "name" + " }" * (levels - 1) + " } }"

    def aliased(count: int) -> str:
        return "{ " + " ".join(f'a{i}: region(key: "r") {{ name }}' for i in range(count)) + " }"

    assert _price(nested(12)).depth == 12
    assert _admit(nested(12))[1] is None
    deep = _admit(nested(13))[1]
    assert deep is not None
    assert deep.extensions == {"code": "LIMIT_EXCEEDED", "limit": "depth"}
    assert deep.message == "The query nests 13 levels deep; at most 12 are allowed."
    assert _admit(aliased(30))[1] is None
    many = _admit(aliased(31))[1]
    assert many is not None
    assert many.extensions == {"code": "LIMIT_EXCEEDED", "limit": "aliases"}
    assert many.message == (
        "The query uses 31 aliases (fragment spreads counted each time); at most 30 are allowed."
    )
    # the budget: { regions { name key } } costs 500 × 3
    budget = Limits(max_cost=1_500)
    table = price_table(budget, GRAPHQL_SCHEMA)
    prices = PriceCache(CACHED_QUERIES)  # a cache serves one price table

    def priced(query: str) -> tuple[Price | None, Any]:
        return admit(GRAPHQL_SCHEMA, parse(query), None, None, budget, table, prices, query)

    assert priced("{ regions { name key } }") == (Price(1_500, 1, 0), None)
    price, over = priced("{ regions { name key level } }")
    assert price == Price(2_000, 1, 0)
    assert over is not None
    assert over.extensions == {"code": "COST_EXCEEDED", "cost": 2_000, "budget": 1_500}
    assert over.message.startswith("The query could cost 2,000 (the most fields its answer")
    assert "the budget is 1,500. Ask for smaller pages" in over.message


@pytest.mark.anyio
async def test_an_operation_priced_at_a_tenth_of_the_budget_is_not_held_for_room(
    store: GraphStore,
) -> None:
    """Only operations over a tenth of ``max_cost`` are counted in flight."""
    from graph_store.deadline import request_deadline

    schema = build_schema(Limits(max_cost=10_000, max_cost_in_flight=1_000))
    assert await schema.in_flight.take(1_000, 0)  # the whole shared budget is in use
    try:
        # held for room, it would wait half its time and be refused BUSY; the time is ample
        # so that a loaded machine does not refuse it DEADLINE_EXCEEDED instead (at 0.5 s it
        # did once, under `make mutate` at load average 15)
        with request_deadline(5.0):
            result = await schema.execute(  # priced 1,000: a tenth
                "{ regions { name } }", context_value=GraphContext(store=store)
            )
    finally:
        schema.in_flight.give_back(1_000)
    assert result.errors is None
    assert result.data == {"regions": []}


@pytest.mark.anyio
async def test_a_refused_operation_is_refused_at_once_for_what_it_asks(shared_budget: Any) -> None:
    """Over the cost budget is COST_EXCEEDED whatever else is running, not BUSY after a wait."""
    schema, run = shared_budget
    assert await schema.in_flight.take(2_000, 0)
    try:
        # 500 regions × (1 + 4 fields + parent (1 + 3 fields + parent (1 + name))): 5,500
        query = "{ regions { name key level code parent { name key level parent { name } } } }"
        result = await run(query, deadline_s=0.5)
    finally:
        schema.in_flight.give_back(2_000)
    assert result.data is None
    [error] = result.errors
    assert error.extensions == {"code": "COST_EXCEEDED", "cost": 5_500, "budget": 5_000}
    assert error.message == (
        "The query could cost 5,500 (the most fields its answer can hold, and the analyses it "
        "runs); the budget is 5,000. Ask for smaller pages (`first`), fewer aliases or fewer "
        "nested lists."
    )


@pytest.mark.anyio
async def test_the_operation_named_is_the_one_priced(store: GraphStore) -> None:
    document = "query Small { __typename } query Large { regions { name key } }"
    context = GraphContext(store=store)
    small = await SCHEMA.execute(document, operation_name="Small", context_value=context)
    assert small.errors is None
    assert small.extensions == {"cost": {"requested": 1, "budget": LIMITS.max_cost}}
    capped = build_schema(Limits(max_cost=1_000))
    large = await capped.execute(document, operation_name="Large", context_value=context)
    assert large.data is None
    assert large.errors is not None
    assert large.errors[0].extensions == {"code": "COST_EXCEEDED", "cost": 1_500, "budget": 1_000}


@pytest.mark.anyio
async def test_a_document_that_fails_validation_gets_its_validation_errors_unpriced(
    store: GraphStore,
) -> None:
    """A document graphql-core refuses is answered with what is wrong in it, even when it is
    over a limit too (31 aliases here), and is not priced."""
    query = "{ " + " ".join(f"a{i}: regions {{ nope }}" for i in range(31)) + " }"
    result = await SCHEMA.execute(query, context_value=GraphContext(store=store))
    assert result.errors is not None
    assert [error.extensions for error in result.errors] == [{"code": "BAD_INPUT"}] * 31
    assert result.errors[0].message.startswith("Cannot query field 'nope' on type 'Region'.")
    assert not (result.extensions or {}).get("cost")


@pytest.mark.anyio
async def test_an_operation_with_no_time_left_does_not_wait_for_room(store: GraphStore) -> None:
    """It waits at most half the time its request has left: none left, no wait (room given
    back half a second later does not reach it)."""
    from graph_store.deadline import request_deadline

    schema = build_schema(Limits(max_cost=5_000, max_cost_in_flight=2_000))

    async def out_of_time() -> Any:
        with request_deadline(30.0) as deadline:
            assert deadline is not None
            deadline.at -= 60
            return await schema.execute(
                "{ regions { name } }", context_value=GraphContext(store=store)
            )

    assert await schema.in_flight.take(2_000, 0)
    asked = asyncio.ensure_future(out_of_time())
    try:
        await asyncio.sleep(0.5)
    finally:
        schema.in_flight.give_back(2_000)
    result = await asked
    assert result.data is None
    assert result.errors[0].extensions == {"code": "BUSY", "cost": 1_000}


@pytest.mark.anyio
async def test_the_validation_budget_is_the_configured_one(store: GraphStore) -> None:
    """graphql-core's field merging compares eight fields of one name pairwise: over a budget
    of 5 comparisons, within the default (the schemas are built here, as the service builds
    its own from its settings)."""
    query = "{ regions { name name name name name name name name } }"
    context = GraphContext(store=store)
    tight = await build_schema(Limits(validation_work=5)).execute(query, context_value=context)
    assert tight.errors is not None
    [error] = tight.errors
    assert error.extensions == {"code": "LIMIT_EXCEEDED", "limit": "validation"}
    roomy = await build_schema(Limits()).execute(query, context_value=context)
    assert roomy.errors is None
    assert roomy.data == {"regions": []}
