"""The price of a GraphQL operation, worked out from its document before anything runs.

The model (graphql-ruby's field complexity, with connections priced as GitHub prices nodes;
docs/security.md explains it to clients):

* every field of the answer costs 1, scalars and ``__typename`` included;
* a field that returns an object costs 1 plus the price of its selection;
* a connection's ``edges`` hold ``first`` (or ``last``; the page cap when neither is given)
  items, so a connection costs about ``first × (1 + selection)``;
* a plain list holds at most its bound in :func:`price_table` (a cap the service enforces,
  or the most the data model gives, e.g. a region's ancestors), each item priced like a
  field: ``bound × (1 + selection)``;
* an analysis (``claimMatrix``, ``mergerImpact``, …) adds its weight from :data:`WEIGHTS`,
  for the statements and the aggregation behind it.

So the price is the most fields an answer can hold, plus the analyses' weights: an upper
bound, since ``@skip``/``@include`` are not evaluated and fields merged by graphql-core are
counted once per selection. Fragments are priced once per type and page size and memoised,
and the walk keeps its own stack, so pricing takes time linear in the document whatever
fragments spread what, and a long chain of fragments cannot exhaust Python's recursion.

The same walk checks what no price can express: ``first``/``last`` against the page cap, the
length of every list argument, strings a graph engine cannot store (NUL, an unpaired
surrogate) and empty selection sets, so those are refused before the graph is asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    value_from_ast_untyped,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from schema.errors import ApiError, ErrorCode

#: Prices are kept below 2**53, the largest integer a JavaScript client reads exactly: a
#: document that asks for more is far over any budget anyway.
SATURATED = 2**53

#: Plain lists whose length the data model bounds (not a cap the service enforces): the
#: most items each holds. Analyses' lists are bounded by what they are built from.
DATA_BOUNDS: Mapping[str, int] = {
    # a fact's sources: the documented data cites at most 3 per fact
    "provenance": 5,
    "Body.signboards": 20,
    "Body.aliases": 20,
    "Region.aliases": 20,
    # the sources and the generator give a region at most about 40 regions below it
    "Region.children": 100,
    "Region.statistics": 50,
    # the documents disagree about six facts, each between two of the five sources
    "Statistic.disagreements": 10,
    "PowerList.disagreements": 10,
    "Disagreement.statements": 10,
    "Region.powerLists": 10,
    "PowerList.countsByType": 10,
    "Body.endedIn": 10,
    "Body.createdBy": 10,
    # the largest documented event merged 20 teams
    "ReformEvent.inputs": 50,
    "ReformEvent.outputs": 50,
    "ReformEvent.follows": 10,
    "Lineage.predecessors": 50,
    "Lineage.successors": 50,
    # the items of one list (99 and 160 in the documents and the generator)
    "ClaimMatrix.items": 200,
    "ClaimMatrix.itemKeys": 200,
    "ClaimMatrix.itemClaimCounts": 200,
    "TownClaims.claims": 200,
    "TownClaims.claimedItems": 200,
    "TownClaims.itemModes": 200,
    "TownClaims.unclaimed": 200,
    # chains of an item (one per town reached, and per body exercising it there)
    "Query.delegationChains": 1_000,
    "Query.chainsThrough": 1_000,
    "MergerImpact.powers": 500,
    "MergerImpact.overlaps": 500,
    "MergerImpact.reroutedDelegations": 1_000,
    "MergerImpact.superiorChanges": 200,
    "MergerImpact.conflicts": 20,
    "Conflict.bodies": 50,
    # an uploaded list's report (importDelegationList / importClaimsTable): bounded by the
    # upload cap; a county's list holds a few hundred items, its claims towns × items
    "ImportResult.problems": 1_000,
    "ImportResult.warnings": 1_000,
    "ImportResult.items": 1_000,
    "ImportResult.claims": 10_000,
    "ImportedItem.towns": 100,
}

#: Work an analysis does beyond the fields it answers (its statements, the walk or the
#: aggregation in Python), in fields: a thousand, about what a statement and its rows cost.
WEIGHTS: Mapping[str, int] = {
    "Query.claimMatrix": 1_000,
    "Query.lineage": 1_000,
    "Query.delegationChains": 1_000,
    "Query.chainsThrough": 1_000,
    "Query.mergerImpact": 1_000,
    "Query.recordedMergerImpact": 1_000,
    "Query.search": 1_000,
    "Mutation.applyMerger": 1_000,
    # reading and checking an uploaded file against data/ (seconds of CPU in a worker
    # thread for a 300-row list), then a dry run's look-ups or the import
    "Mutation.importDelegationList": 10_000,
    "Mutation.importClaimsTable": 10_000,
}

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: The introspection fields of the query root, which its type does not list.
_ROOT_INTROSPECTION: Mapping[str, GraphQLField] = {
    "__schema": SchemaMetaFieldDef,
    "__type": TypeMetaFieldDef,
}


@dataclass(frozen=True)
class PriceTable:
    """What the walk needs to know beyond the schema: list bounds, weights and caps."""

    bounds: Mapping[str, int]
    weights: Mapping[str, int]
    page_size: int
    list_caps: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    max_list_length: int = 100

    def bound(self, type_name: str, field_name: str) -> int | None:
        """The most items ``type_name.field_name`` holds, if it is priced as a list."""
        found = self.bounds.get(f"{type_name}.{field_name}")
        return found if found is not None else self.bounds.get(field_name)


@dataclass(frozen=True)
class Price:
    """What one selection (or a whole operation) may cost.

    ``depth`` counts the fields with a selection on the deepest path, as Strawberry's
    ``QueryDepthLimiter`` did (introspection fields not counted), ``aliases`` the aliased
    fields, each fragment spread counting its fragment's again.
    """

    cost: int
    depth: int
    aliases: int


def introspection_bounds(schema: GraphQLSchema) -> dict[str, int]:
    """Bounds of the introspection lists, read off the schema itself: the number of types,
    the most fields of any type, the most arguments of any field, and so on."""
    types = list(schema.type_map.values())
    objects = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in objects for f in t.fields.values()]

    def count(values: Iterator[int]) -> int:
        return max(values, default=0)

    return {
        "__Schema.types": len(types),
        "__Schema.directives": len(schema.directives),
        "__Type.fields": count(len(t.fields) for t in objects),
        "__Type.interfaces": count(len(t.interfaces) for t in objects),
        "__Type.possibleTypes": count(
            len(schema.get_possible_types(t))
            for t in types
            if isinstance(t, GraphQLInterfaceType | GraphQLUnionType)
        ),
        "__Type.enumValues": count(len(getattr(t, "values", {})) for t in types),
        "__Type.inputFields": count(len(getattr(t, "fields", {})) for t in types),
        "__Field.args": count(len(f.args) for f in fields),
        "__Directive.args": count(len(d.args) for d in schema.directives),
        "__Directive.locations": count(len(d.locations) for d in schema.directives),
    }


def price_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    table: PriceTable,
) -> Price:
    """The price of the operation the request runs; raises :class:`ApiError` for what must
    be refused whatever the budget. A document graphql-core will refuse anyway (no such
    operation) is priced 0 and left to it."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Price(0, 0, 0)
    _check_storable(variables or {}, "Variable")
    values = _variable_values(operation, variables or {})
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Price(0, 0, 0)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return _Walk(schema, fragments, values, table).price(operation.selection_set, root)


# --------------------------------------------------------------------------- the walk

#: One selection set priced on one object type, with the page size of the connection it
#: belongs to (None outside a connection): (selection set, type, page).
_Item = tuple[SelectionSetNode, GraphQLObjectType, int | None]
_Key = tuple[int, str, int | None]


def _key(item: _Item) -> _Key:
    return (id(item[0]), item[1].name, item[2])


class _Walk:
    """Prices selection sets bottom-up with an explicit stack, each (selection set, type,
    page) once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        values: Mapping[str, Any],
        table: PriceTable,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.values = values
        self.table = table
        self.memo: dict[_Key, Price] = {}
        self.possible: dict[str, list[GraphQLObjectType]] = {}

    def price(self, selection_set: SelectionSetNode, root: GraphQLObjectType) -> Price:
        start: _Item = (selection_set, root, None)
        stack: list[tuple[_Item, bool]] = [(start, False)]
        open_keys: set[_Key] = set()  # priced once their selections are: the current path
        while stack:
            item, expanded = stack.pop()
            key = _key(item)
            if key in self.memo:
                continue
            if expanded:
                self.memo[key] = self._combine(item)
                open_keys.discard(key)
                continue
            if key in open_keys:  # NoFragmentCycles refuses these first; never loop
                raise ApiError(ErrorCode.BAD_INPUT, "Fragments must not spread each other.")
            open_keys.add(key)
            stack.append((item, True))
            stack.extend((child, False) for child in self._children(item, check=True))
        return self.memo[_key(start)]

    # -- the selections of one item

    def _children(self, item: _Item, *, check: bool = False) -> Iterator[_Item]:
        """The items ``item``'s price depends on; with ``check``, its arguments are checked
        on the way (once per item)."""
        selection_set, parent, page = item
        if not selection_set.selections:
            raise ApiError(ErrorCode.BAD_INPUT, "A selection set must name at least one field.")
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                definition = self._field(parent, selection.name.value)
                if definition is None:
                    continue
                if check:
                    self._check_arguments(parent, selection, definition)
                if selection.selection_set is None:
                    continue
                named = get_named_type(definition.type)
                child_page = self._page(selection) if _is_connection(named) else None
                for runtime in self._possible(named):
                    yield (selection.selection_set, runtime, child_page)
            else:
                inner = self._fragment_selection(selection, parent)
                if inner is not None:
                    yield (inner, parent, page)

    def _combine(self, item: _Item) -> Price:
        selection_set, parent, page = item
        cost = depth = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                aliases += selection.alias is not None
                name = selection.name.value
                definition = self._field(parent, name)
                if definition is None:  # __typename, or a field validation refused
                    cost += 1
                    continue
                size = self._size(parent, name, definition, page)
                child = Price(0, -1, 0)
                if selection.selection_set is not None:
                    named = get_named_type(definition.type)
                    child_page = self._page(selection) if _is_connection(named) else None
                    child = _widest(
                        self.memo[(id(selection.selection_set), runtime.name, child_page)]
                        for runtime in self._possible(named)
                    )
                    aliases += child.aliases
                    if not name.startswith("__"):
                        depth = max(depth, child.depth + 1)
                weight = self.table.weights.get(f"{parent.name}.{name}", 0)
                cost += size * (1 + child.cost) + weight
            else:
                inner = self._fragment_selection(selection, parent)
                if inner is not None:
                    child = self.memo[(id(inner), parent.name, page)]
                    cost += child.cost
                    depth = max(depth, child.depth)
                    aliases += child.aliases
            cost = min(cost, SATURATED)
        return Price(cost, depth, min(aliases, SATURATED))

    # -- schema lookups

    def _field(self, parent: GraphQLObjectType, name: str) -> GraphQLField | None:
        found: GraphQLField | None = parent.fields.get(name)
        if found is None and parent is self.schema.query_type:
            found = _ROOT_INTROSPECTION.get(name)
        return found

    def _possible(self, named: GraphQLNamedType) -> list[GraphQLObjectType]:
        if named.name not in self.possible:
            if isinstance(named, GraphQLObjectType):
                self.possible[named.name] = [named]
            elif isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
                self.possible[named.name] = list(self.schema.get_possible_types(named))
            else:
                self.possible[named.name] = []
        return self.possible[named.name]

    def _fragment_selection(
        self, selection: Any, parent: GraphQLObjectType
    ) -> SelectionSetNode | None:
        """The selection set of an inline fragment or a spread, if it applies to ``parent``."""
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            fragment = self.fragments.get(selection.name.value)
            if fragment is None:  # KnownFragmentNames refuses it
                return None
            condition = fragment.type_condition
            inner = fragment.selection_set
        else:  # pragma: no cover - graphql-core has no other selection
            return None
        if condition is not None:
            target = self.schema.get_type(condition.name.value)
            if target is None or parent not in self._possible(target):
                return None
        return inner

    def _size(
        self, parent: GraphQLObjectType, name: str, definition: GraphQLField, page: int | None
    ) -> int:
        """How many times the field appears per ``parent`` object."""
        if name == "edges" and _is_connection(parent):
            return page if page is not None else self.table.page_size
        output = definition.type
        if isinstance(output, GraphQLNonNull):
            output = output.of_type
        if not isinstance(output, GraphQLList):
            return 1
        bound = self.table.bound(parent.name, name)
        return bound if bound is not None else self.table.page_size

    # -- arguments

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.values.get(node.name.value)
        if isinstance(node, NullValueNode):
            return None
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return [self._value(v) for v in node.values]
        return None  # not needed: strings are checked on the node itself

    def _page(self, selection: FieldNode) -> int:
        """The page a connection field asks for: ``first``, else ``last``, else the cap."""
        arguments = {a.name.value: a.value for a in selection.arguments or ()}
        for name in ("first", "last"):
            node = arguments.get(name)
            value = None if node is None else self._value(node)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, min(value, self.table.page_size))
        return self.table.page_size

    def _check_arguments(
        self, parent: GraphQLObjectType, selection: FieldNode, definition: GraphQLField
    ) -> None:
        for argument in selection.arguments or ():
            name = argument.name.value
            _check_storable_node(argument.value, name)
            declared = definition.args.get(name)
            if declared is None:
                continue
            if name in ("first", "last") and _is_connection(get_named_type(definition.type)):
                self._check_page(name, self._value(argument.value))
            kind = declared.type
            if isinstance(kind, GraphQLNonNull):
                kind = kind.of_type
            if isinstance(kind, GraphQLList):
                value = self._value(argument.value)
                length = len(value) if isinstance(value, list) else int(value is not None)
                cap, limit = self.table.list_caps.get(
                    f"{parent.name}.{selection.name.value}.{name}",
                    (self.table.max_list_length, "list_length"),
                )
                if length > cap:
                    raise ApiError(
                        ErrorCode.LIMIT_EXCEEDED,
                        f"Argument '{name}' holds {length} items; at most {cap} are accepted.",
                        limit=limit,
                    )

    def _check_page(self, name: str, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            return  # coercion refuses it with graphql-core's own message
        if value > self.table.page_size:
            raise ApiError(
                ErrorCode.LIMIT_EXCEEDED,
                f"Argument '{name}' is {value}; at most {self.table.page_size} items fit in "
                "one page.",
                limit="page_size",
            )
        if value < 0:
            raise ApiError(ErrorCode.BAD_INPUT, f"Argument '{name}' must not be negative.")


def _widest(prices: Iterator[Price]) -> Price:
    """The price of a selection on an abstract type: its dearest runtime type."""
    cost, depth, aliases = 0, -1, 0
    for price in prices:
        cost = max(cost, price.cost)
        depth = max(depth, price.depth)
        aliases = max(aliases, price.aliases)
    return Price(cost, max(depth, 0), aliases)


def _is_connection(named: GraphQLNamedType) -> bool:
    return (
        isinstance(named, GraphQLObjectType)
        and "edges" in named.fields
        and "pageInfo" in named.fields
    )


def _variable_values(
    operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """The variables as sent, with the operation's defaults for those not sent."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in variables:
            values[name] = variables[name]
        elif definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


_STORABLE_MESSAGE = (
    "{what} '{name}' holds a NUL character or an unpaired surrogate, which no text can store."
)


def _check_storable(values: Mapping[str, Any], what: str) -> None:
    """Refuse strings a graph engine cannot store, anywhere in ``values`` (iteratively:
    JSON may nest as deep as the body allows)."""
    for name, value in values.items():
        pending = [value]
        while pending:
            current = pending.pop()
            if isinstance(current, str):
                if _UNSTORABLE.search(current):
                    raise ApiError(
                        ErrorCode.BAD_INPUT, _STORABLE_MESSAGE.format(what=what, name=name)
                    )
            elif isinstance(current, dict):
                pending.extend(current.keys())
                pending.extend(current.values())
            elif isinstance(current, list):
                pending.extend(current)


def _check_storable_node(node: ValueNode, name: str) -> None:
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, StringValueNode) and _UNSTORABLE.search(current.value):
            raise ApiError(
                ErrorCode.BAD_INPUT, _STORABLE_MESSAGE.format(what="Argument", name=name)
            )
        if isinstance(current, ListValueNode):
            pending.extend(current.values)
        elif isinstance(current, ObjectValueNode):
            pending.extend(f.value for f in current.fields)


__all__ = [
    "DATA_BOUNDS",
    "WEIGHTS",
    "Price",
    "PriceTable",
    "introspection_bounds",
    "price_operation",
]
