"""Every cap of the API in one place, and the extension that enforces them before anything runs.

:class:`Limits` holds the ceilings (configured from ``REFORMGRAPH_*`` settings by the
service). :class:`OperationLimits` applies them to each request:

* parsing: at most ``max_tokens`` tokens (graphql-core's own parser limit); short texts are
  parsed and validated once (:class:`CachedParse`, :class:`CachedValidation`);
* validation: graphql-core's rules, with the field-merging rule held to ``validation_work``
  comparisons, so that no document within the token limit keeps the event loop for more
  than tens of milliseconds (the rule is quadratic in repeated fields);
* before execution: the operation is priced (:mod:`schema.cost`: depth, aliases and cost in
  one walk, linear in the document) and refused over ``max_depth``, ``max_aliases`` or the
  ``max_cost`` budget; ``first``/``last`` over ``max_page_size``, list arguments over their
  caps and unstorable strings are refused in the same walk. The price is reported in the
  response's ``extensions.cost``.

A refusal carries a stable code (``LIMIT_EXCEEDED`` with the limit's name, ``COST_EXCEEDED``
with the price, ``BAD_INPUT``) and never reaches the graph.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

import orjson
import strawberry
from graphql import DocumentNode, GraphQLError, GraphQLSchema, ValidationContext
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.validation import ASTValidationRule, OverlappingFieldsCanBeMergedRule
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.schema import validate_document

from graph_store.deadline import remaining_s
from schema.cost import (
    DATA_BOUNDS,
    WEIGHTS,
    Price,
    PriceTable,
    introspection_bounds,
    price_operation,
)
from schema.errors import ApiError, ErrorCode

log = logging.getLogger(__name__)

Key = TypeVar("Key")
Value = TypeVar("Value")
Rules = tuple[type[ASTValidationRule], ...]
#: What a validation is kept by: the schema, the query's text and the validation rules.
ValidationKey = tuple[GraphQLSchema, str, Rules]

#: Delegation hops a chain follows at most (a chain is walked, not asked for: not configurable).
MAX_CHAIN_HOPS = 6
#: Reform events ``lineage`` follows at most in each direction (its `depth` argument).
MAX_LINEAGE_DEPTH = 10


@dataclass(frozen=True)
class Limits:
    """The configurable ceilings of one schema (docs/security.md lists them for clients; the
    HTTP body cap is the server's, ``REFORMGRAPH_MAX_BODY_BYTES``)."""

    #: Fields with a selection nested on the deepest path (introspection not counted).
    max_depth: int = 12
    #: Aliased fields in one operation, each fragment spread counting its fragment's again.
    max_aliases: int = 30
    #: Tokens in one document (graphql-core stops parsing past it).
    max_tokens: int = 5_000
    #: Largest ``first``/``last`` of a connection, and the page a connection gives without one.
    max_page_size: int = 500
    #: The most an operation may cost (schema/cost.py): about the fields its answer can hold.
    max_cost: int = 2_500_000
    #: The most the large operations (priced over a tenth of ``max_cost``) one process runs at
    #: once may cost together: by default one of the dearest admitted at a time, or a few
    #: large ones; ordinary operations are not counted. A large operation that does not fit
    #: waits for room up to half its request's time left, then is refused BUSY.
    max_cost_in_flight: int = 2_500_000
    #: Seconds an import through the API (``importDelegationList``, ``importClaimsTable``) may
    #: take, whatever the request deadline: checking a table and staging its write is slower
    #: than a query.
    import_deadline_s: float = 120.0
    #: Towns and subdistricts one claim matrix may hold (more: narrow the region).
    claim_matrix_towns: int = 500
    #: Bodies one ``mergerImpact`` or ``applyMerger`` may merge.
    merger_bodies: int = 50
    #: Items of any other list argument (``kinds`` of a search, …).
    max_list_length: int = 100
    #: Field comparisons graphql-core's field-merging validation may spend on one document
    #: (documented queries spend under a hundred).
    validation_work: int = 10_000


def limits_of(info: strawberry.Info) -> Limits:
    """The limits of the schema a resolver runs in (the defaults for a schema built without)."""
    limits = getattr(info.schema, "limits", None)
    return limits if isinstance(limits, Limits) else Limits()


def price_table(limits: Limits, schema: GraphQLSchema) -> PriceTable:
    """The bounds and weights the cost walk uses: the data model's bounds, the caps the
    service enforces (page size, regions, claim matrix towns, merger bodies) and the
    introspection lists' sizes read off ``schema``."""
    bodies = limits.merger_bodies
    enforced = {
        "Query.regions": limits.max_page_size,
        "Query.sources": limits.max_page_size,
        "Query.disagreements": limits.max_page_size,
        "ClaimMatrix.towns": limits.claim_matrix_towns,
        "ClaimMatrix.shortOfTarget": limits.claim_matrix_towns,
        "MergerImpact.bodies": bodies,
        "MergerImpact.regionsTouched": bodies,
        "MergerImpact.staffQuotaBefore": bodies + 1,
        "PowerOverlap.heldBy": bodies,
        "DelegationChain.hops": MAX_CHAIN_HOPS + 3,  # listing, holding, exercising
        "Region.ancestors": 5,  # one per level above (RegionLevel)
        "Query.search.kinds": 8,  # SearchKind
    }
    return PriceTable(
        bounds={**DATA_BOUNDS, **enforced, **introspection_bounds(schema)},
        weights=WEIGHTS,
        page_size=limits.max_page_size,
        list_caps={
            "Query.mergerImpact.bodies": (bodies, "merger_bodies"),
            "Mutation.applyMerger.bodies": (bodies, "merger_bodies"),
        },
        max_list_length=limits.max_list_length,
    )


#: Distinct query texts whose parse and validation are kept: front-ends send the same few
#: queries again and again; a client sending new texts only turns the cache over.
CACHED_QUERIES = 256
#: Only texts up to this many characters are cached (the explorer's largest query is about
#: 1,500, GraphiQL's introspection about 2,000): a document of 5,000 tokens is about 2 MB of
#: syntax tree, and 256 of them would hold half a gigabyte.
CACHED_QUERY_CHARS = 4_096


def _cacheable(query: str | None) -> bool:
    return query is not None and len(query) <= CACHED_QUERY_CHARS


class CachedParse(ParserCache):
    """Strawberry's ``ParserCache`` for short texts only, and a text that does not parse is
    left to Strawberry's own parse step: raised from the extension, the syntax error skipped
    the error extensions and reached the client without its ``BAD_INPUT`` code."""

    def on_parse(self) -> Iterator[None]:
        if not _cacheable(self.execution_context.query):
            yield
            return
        try:
            yield from super().on_parse()
        except GraphQLError:
            self.execution_context.graphql_document = None
            yield


class TextCache(Generic[Key, Value]):
    """The most recently used ``maxsize`` answers of a step that a query's text decides
    (its validation, its price), least recently used forgotten first."""

    #: Every cache made, for the tests to start each from empty ones (tests/conftest.py): a
    #: test must see its own pricing and validation, never one an earlier test's walk left
    #: behind.
    made: ClassVar[weakref.WeakSet[TextCache[Any, Any]]] = weakref.WeakSet()

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._found: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()
        TextCache.made.add(self)

    def get(self, key: Key) -> Value | None:
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
            return found

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._found[key] = value
            if len(self._found) > self.maxsize:
                self._found.popitem(last=False)

    def clear(self) -> None:
        """Forget every answer kept."""
        with self._lock:
            self._found.clear()


class CachedValidation(SchemaExtension):
    """Validation of short texts, kept by schema, text and validation rules (the same text
    parses to the same document, :class:`CachedParse`).

    Strawberry's ``ValidationCache`` keys its cache on the parsed document, and an AST node
    of graphql-core 3.3 is a frozen dataclass whose hash walks all of the node below it: on
    every request, about 110 calls for a lineage query before anything ran. A text's hash is
    kept by Python once made. Long texts are validated every time (their syntax trees would
    be kept with their errors)."""

    def __init__(self, results: TextCache[ValidationKey, list[GraphQLError]]) -> None:
        self.results = results

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query, document = context.query, context.graphql_document
        if query is None or document is None or not _cacheable(query):
            yield
            return
        schema = context.schema._schema
        key = (schema, query, context.validation_rules)
        errors = self.results.get(key)
        if errors is None:
            errors = validate_document(schema, document, context.validation_rules)
            self.results.put(key, errors)
        context.pre_execution_errors = errors
        yield


class PriceCache:
    """The prices of short operations, by text, operation name and variables: what a
    parsed-and-validated query costs to price again is a walk of its document (about 1 ms
    for a delegation chain in an in-process profile), for the same answer every time. A price
    depends on nothing else but the schema and the price table, so a cache serves one price
    table (:func:`limit_extensions` makes one per set of limits); a refusal (an argument over
    its cap) is not kept, only prices."""

    def __init__(self, maxsize: int) -> None:
        self._prices: TextCache[tuple[int, str, str | None, bytes], Price] = TextCache(maxsize)

    def clear(self) -> None:
        """Forget every price kept."""
        self._prices.clear()

    def price(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        table: PriceTable,
    ) -> Price:
        """:func:`price_operation`, from the cache when the same operation was priced with
        the same variables before."""
        key = self._key(schema, query, operation_name, variables)
        if key is not None:
            found = self._prices.get(key)
            if found is not None:
                return found
        price = price_operation(schema, document, operation_name, variables, table)
        if key is not None:
            self._prices.put(key, price)
        return price

    @staticmethod
    def _key(
        schema: GraphQLSchema,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> tuple[int, str, str | None, bytes] | None:
        """The cache key, or None for what is not kept: a long text, or variables that are
        long or not plain JSON (orjson refuses them)."""
        if query is None or not _cacheable(query):
            return None
        try:
            values = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        if len(values) > CACHED_QUERY_CHARS:
            return None
        return (id(schema), query, operation_name, values)


class RulesWithBoundedMerging:
    """Strawberry's validation rules with graphql-core's field-merging rule replaced by a
    bounded one (:func:`_bounded_merging_rule`): the same tuple for every request, made once
    per set of rules (the rules are part of the validation cache's key). One per schema's
    extensions, so the tuples go with the schema."""

    def __init__(self, merging_rule: type[OverlappingFieldsCanBeMergedRule]) -> None:
        self.merging_rule = merging_rule
        self._made: dict[Rules, Rules] = {}

    def __call__(self, rules: Rules) -> Rules:
        found = self._made.get(rules)
        if found is None:
            found = self._made[rules] = tuple(
                self.merging_rule if rule is OverlappingFieldsCanBeMergedRule else rule
                for rule in rules
            )
        return found


def _bounded_merging_rule(work: int) -> type[OverlappingFieldsCanBeMergedRule]:
    """graphql-core's field-merging rule with a smaller budget of comparisons than its
    default 500,000 (about 1.3 s on this service's machine): past it, validation stops with
    "Validation aborted." (a ``LIMIT_EXCEEDED`` ``validation`` refusal)."""

    class BoundedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.rule_context.remaining_complexity_budget = work

    return BoundedOverlappingFieldsRule


#: How long an operation waits for room among the operations in flight when its request has
#: no deadline (the schema used outside the HTTP service); with one, half the time it has left,
#: so that what it waited for leaves it time to be built.
IN_FLIGHT_WAIT_S = 10.0
#: Operations priced at most this share of the budget are not counted in flight: they are
#: built in milliseconds, and a cookbook query must not wait behind the dearest one.
IN_FLIGHT_SMALL_SHARE = 0.1
#: How often a waiting operation looks for room (a lock-free poll: a schema may serve several
#: event loops, as the test suite's servers do, which asyncio's primitives cannot).
IN_FLIGHT_POLL_S = 0.05


class CostInFlight:
    """The summed price of the operations one schema is running: what keeps a handful of the
    dearest admitted operations from holding the event loop past every request's deadline
    (the red team's eight at once took 11.5 s and failed a cookbook query meanwhile; issue 14).
    Like GitHub's rate-limit points, but spent while an answer is built, not per hour."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self._lock = threading.Lock()

    def _try_take(self, cost: int) -> bool:
        with self._lock:
            # one operation alone always fits (its price is within the budget)
            if self.used and self.used + cost > self.capacity:
                return False
            self.used += cost
            return True

    async def take(self, cost: int, wait_s: float) -> bool:
        """Count ``cost`` in, waiting up to ``wait_s`` for room; False if none came."""
        loop = asyncio.get_running_loop()
        until = loop.time() + wait_s
        while not self._try_take(cost):
            if loop.time() >= until:
                return False
            await asyncio.sleep(IN_FLIGHT_POLL_S)
        return True

    def give_back(self, cost: int) -> None:
        with self._lock:
            self.used -= cost


class OperationLimits(SchemaExtension):
    """Applies :class:`Limits` to one request: tokens and validation work before and while
    parsing and validating, then depth, aliases, page sizes, list lengths and the cost
    budget before execution. Built per request by the factory :func:`limit_extensions`
    makes."""

    def __init__(
        self,
        limits: Limits,
        table: Callable[[GraphQLSchema], PriceTable],
        validation_rules: RulesWithBoundedMerging,
        in_flight: CostInFlight,
        prices: PriceCache,
    ) -> None:
        self.limits = limits
        self.table = table
        self.prices = prices
        self.validation_rules = validation_rules
        self.in_flight = in_flight
        self.price: Price | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.limits.max_tokens
        context.validation_rules = self.validation_rules(context.validation_rules)
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        taken = 0
        if document is not None and context.result is None:
            schema = context.schema._schema  # graphql-core's schema, as Strawberry's caches use
            self.price, refusal = admit(
                schema,
                document,
                context.operation_name,
                context.variables,
                self.limits,
                self.table(schema),
                self.prices,
                context.query,
            )
            large = self.limits.max_cost * IN_FLIGHT_SMALL_SHARE
            if refusal is None and self.price is not None and self.price.cost > large:
                left = remaining_s()
                wait_s = IN_FLIGHT_WAIT_S if left is None else max(0.0, left / 2)
                if await self.in_flight.take(self.price.cost, wait_s):
                    taken = self.price.cost
                else:
                    refusal = GraphQLError(
                        "The service is busy answering other large queries; ask again shortly, "
                        "or ask a smaller one (smaller pages, fewer aliases).",
                        extensions={"code": ErrorCode.BUSY.value, "cost": self.price.cost},
                    )
            if refusal is not None:
                # graphql-core's executor is skipped when a result is already there
                context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        try:
            yield
        finally:
            if taken:
                self.in_flight.give_back(taken)

    def get_results(self) -> dict[str, Any]:
        if self.price is None:
            return {}
        return {"cost": {"requested": self.price.cost, "budget": self.limits.max_cost}}


def admit(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    limits: Limits,
    table: PriceTable,
    prices: PriceCache,
    query: str | None,
) -> tuple[Price | None, GraphQLError | None]:
    """The price of the operation a (valid) document runs with these variables (kept in
    ``prices`` by the text of ``query``), and the refusal to answer, if it must be refused:
    over a limit, over the budget, or an argument the walk refuses. A bug in the walk refuses
    rather than lets an unpriced query through."""
    try:
        price = prices.price(schema, document, query, operation_name, variables, table)
    except ApiError as error:
        return None, GraphQLError(
            str(error), extensions={"code": error.code.value, **error.details}
        )
    except Exception:
        log.exception("pricing the operation failed")
        return None, GraphQLError("Internal error.", extensions={"code": ErrorCode.INTERNAL.value})
    if price.depth > limits.max_depth:
        return price, _limit(
            f"The query nests {price.depth} levels deep; at most {limits.max_depth} are allowed.",
            "depth",
        )
    if price.aliases > limits.max_aliases:
        return price, _limit(
            f"The query uses {price.aliases} aliases (fragment spreads counted each time); at "
            f"most {limits.max_aliases} are allowed.",
            "aliases",
        )
    if price.cost > limits.max_cost:
        return price, GraphQLError(
            f"The query could cost {price.cost:,} (the most fields its answer can hold, and "
            f"the analyses it runs); the budget is {limits.max_cost:,}. Ask for smaller pages "
            "(`first`), fewer aliases or fewer nested lists.",
            extensions={
                "code": ErrorCode.COST_EXCEEDED.value,
                "cost": price.cost,
                "budget": limits.max_cost,
            },
        )
    return price, None


def _limit(message: str, limit: str) -> GraphQLError:
    return GraphQLError(
        message, extensions={"code": ErrorCode.LIMIT_EXCEEDED.value, "limit": limit}
    )


def limit_extensions(
    limits: Limits, in_flight: CostInFlight | None = None
) -> list[Callable[[], SchemaExtension]]:
    """The extensions that enforce ``limits``, with parsing and validation cached, counting
    what operations cost while they run in ``in_flight`` (one of its own if not given).

    Validation cost 1.3 ms of a 13 ms county claim matrix (2 ms for 100 towns), for the same
    text every time. The validation cache keys on the validation rules, so the bounded
    merging rule is built here once per schema, and the price table (on the first request,
    from the schema built with these extensions); every request still gets fresh extension
    objects.
    """
    tables: dict[int, PriceTable] = {}

    def table(schema: GraphQLSchema) -> PriceTable:
        if id(schema) not in tables:
            tables[id(schema)] = price_table(limits, schema)
        return tables[id(schema)]

    rules = RulesWithBoundedMerging(_bounded_merging_rule(limits.validation_work))
    in_flight = in_flight or CostInFlight(limits.max_cost_in_flight)
    prices = PriceCache(CACHED_QUERIES)
    validated: TextCache[ValidationKey, list[GraphQLError]] = TextCache(CACHED_QUERIES)
    return [
        lambda: OperationLimits(limits, table, rules, in_flight, prices),
        lambda: CachedParse(maxsize=CACHED_QUERIES),
        lambda: CachedValidation(validated),
    ]
