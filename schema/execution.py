"""Execution of a query: graphql-core's executor with lists of plain values completed at once.

graphql-core completes a list item by item: a path entry, an awaitable check, a type dispatch
and a leaf coercion per item (graphql-core #189). The compact claim matrix is built from such
lists (`itemKeys`, a town's `itemModes`: one entry per item of the list, a hundred per town),
and completing them that way took about a tenth of a county matrix's request. Here a list of
a scalar type whose items are all ``None`` or plain Python scalars is coerced in one loop; any
other list, and any list where an item is missing from a non-null type or fails to coerce,
goes through graphql-core's own path, which reports the error at the item's path as before.

Lists of *flat objects* are completed the same way: objects whose selected fields are all read
from the object itself (an attribute, or a method of the object with no argument, no ``info``
and no ``await``: Strawberry's "basic" fields and ``key``-like getters), of a leaf type, a list
of leaves, or again a flat object (an interface's too, its concrete type resolved as
graphql-core resolves it). A county's cell-shaped claim matrix is thousands of ``Claim``
objects of two such fields, where graphql-core's per-field dispatch (a resolve info, an
awaitable check, a path entry per field; strawberry #3544) was most of the request. Anything
else in the selection (arguments, directives, a resolver that is async or takes ``info``, a
field extension or a per-field hook of an extension), and any value that would be an error,
sends the whole list to graphql-core's path, so answers and errors are graphql-core's own.

The relationship fields of objects a compiled read made (``schema/selection.py``) count as
flat too: their nodes are read from the object (``linked_raw``, in the order the field's
resolver gives them) and a connection's page is built by the field's own connection type,
with the field's arguments, which are the same for every object of the list. So below the
first list of a compiled lookup, graphql-core runs no field per object; a relationship the
read did not fetch (not compiled, or a plan still to load) sends the list to graphql-core's
path, whose resolvers load it.

Those nodes are not made into node objects: they stay the statement's maps
(:class:`~schema.selection.RawNode`), as do the nodes the list and connection resolvers of a
compiled lookup answer (``answered`` in ``schema/nodes.py``), and their fields are read from
the maps by the readers of ``RAW_FIELDS`` (``schema/nodes.py``), which give what
``from_props`` gives. A selection with a field that has no reader completes those nodes
through node objects, as before, and so does graphql-core's path
(``complete_object_value``, ``complete_abstract_value``) for a raw node that reaches it.

``complete_iterable_value`` is an executor internal: graphql-core is pinned to the minor
version this is tested on (pyproject.toml), and ``tests/test_execution.py`` fails if the
service's lists are completed item by item or the method's signature changes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    GraphQLScalarType,
    GraphQLString,
    GraphQLUnionType,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import AwaitableOrValue, Path, Undefined
from strawberry import relay
from strawberry.relay.fields import ConnectionExtension
from strawberry.relay.utils import to_base64
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

from schema.errors import ApiError
from schema.nodes import RAW_FIELDS, node_object
from schema.selection import RELATIONS, RawNode

_PLAIN_SCALARS = frozenset({str, int, float, bool})

#: What a getter or completer returns when the general path must complete the list.
_MISS: Any = object()

#: How a field of a flat object is answered: its response key, how its value is read from the
#: object, how that value is completed.
FlatField = tuple[str, Callable[[Any], Any], Callable[[Any], Any]]


@dataclass(frozen=True, slots=True)
class FlatFields:
    """The fields a field group selects on an object type: read from its objects, and, for
    a node type, from the raw nodes of a compiled read (:class:`RawNode`) where every field
    selected has a raw reader (``RAW_FIELDS`` of ``schema/nodes.py``), else None."""

    of_object: list[FlatField]
    of_raw: list[FlatField] | None


class ScalarListExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with a one-loop completion for lists of scalars and of
    flat objects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core gives resolvers this context's own methods (``info.async_helpers``):
        # a reference cycle through the context, which holds the request's whole state (its
        # GraphQL context, loaders, what they read), so that all of it waited for the cyclic
        # garbage collector instead of being freed when the request ended; those passes were
        # a tenth of a nested request's CPU (docs/performance.md). The same helpers, through
        # a weak reference: they are only used while the execution runs.
        executor = weakref.ref(self)
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=lambda values: _alive(executor).gather_async_work(values),
            track=lambda values: _alive(executor).track_async_work(values),
        )
        #: the flat fields of an object type under a field group (for its objects, and for
        #: the raw nodes of a compiled read), None where not flat
        self._flat: dict[tuple[GraphQLObjectType, int], tuple[Any, FlatFields | None]] = {}
        # an extension's per-field hook runs as middleware: then every field must resolve
        middleware = self.middleware_manager
        self._flat_allowed = middleware is None or not middleware.middlewares

    # A compiled read's raw node that reaches graphql-core's path (a list the one loop could
    # not take) is completed as the node object it stands for: where graphql-core completes
    # an object, not for every value (complete_value runs for each leaf too).

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        if type(result) is RawNode:
            result = node_object(result)
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_abstract_value(
        self,
        return_type: GraphQLAbstractType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        if type(result) is RawNode:
            result = node_object(result)
        return super().complete_abstract_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        # the type first: graphql-core's path checks the stream directive again anyway
        if type(items) is list and self.get_stream_usage(field_details_list, path) is None:
            completed = self._list_at_once(item_type, field_details_list, info, items)
            if completed is not _MISS:
                return completed  # type: ignore[no-any-return]
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    def _list_at_once(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        items: list[Any],
    ) -> Any:
        """``items`` completed in one loop, or :data:`_MISS`."""
        non_null = isinstance(item_type, GraphQLNonNull)
        inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(inner, GraphQLScalarType):
            completed = _coerced_scalars(inner, non_null, items)
            return _MISS if completed is None else completed
        if not self._flat_allowed or not isinstance(
            inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
        ):
            return _MISS
        complete = self._completer(item_type, field_details_list, info)
        if complete is None:
            return _MISS
        try:
            return [complete(item) for item in items]
        except _NotFlatError:
            return _MISS
        except Exception:  # the general path raises it again, located at the item
            return _MISS

    def _completer(
        self, field_type: GraphQLOutputType, field_details_list: Any, info: GraphQLResolveInfo[Any]
    ) -> Callable[[Any], Any] | None:
        """How a value of ``field_type`` is completed without graphql-core's per-field path
        (raising :class:`_NotFlatError` for a value it cannot take), or None if the type and
        selection are not flat."""
        non_null = isinstance(field_type, GraphQLNonNull)
        inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
        if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
            return _leaf(inner, non_null)
        if isinstance(inner, GraphQLList):
            return self._list_completer(inner, non_null, field_details_list, info)
        if isinstance(inner, GraphQLObjectType):
            fields = self._flat_fields(inner, field_details_list, info)
            if fields is None:
                return None
            return _nullable(non_null, _object(inner, fields, info))
        if isinstance(inner, GraphQLInterfaceType | GraphQLUnionType):
            return _nullable(non_null, self._abstract(inner, field_details_list, info))
        return None

    def _list_completer(
        self,
        list_type: GraphQLList[Any],
        non_null: bool,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
    ) -> Callable[[Any], Any] | None:
        item = self._completer(list_type.of_type, field_details_list, info)
        if item is None:
            return None
        complete_item = item
        names = _enum_list_names(list_type.of_type)

        def complete(value: Any) -> Any:
            if type(value) is not list:
                raise _NotFlatError
            if names is not None:
                try:
                    return [names[v] for v in value]
                except (KeyError, TypeError):  # not all members: item by item, as Strawberry
                    pass
            return [complete_item(v) for v in value]

        return _nullable(non_null, complete)

    def _abstract(
        self, abstract: GraphQLAbstractType, field_details_list: Any, info: GraphQLResolveInfo[Any]
    ) -> Callable[[Any], Any]:
        """An interface's or union's value: its concrete type resolved as graphql-core does,
        then completed as that type's flat object."""
        resolve_type = abstract.resolve_type or self.type_resolver
        by_type: dict[GraphQLObjectType, Callable[[Any], Any] | None] = {}
        schema = self.schema
        # The completer is kept in this context's ``_flat``: through a weak reference to the
        # context, so that the two make no reference cycle (see ``__init__``).
        executor = weakref.ref(self)

        def complete(value: Any) -> Any:
            if type(value) is RawNode:  # the general path makes it its node object
                raise _NotFlatError
            name = resolve_type(value, info, abstract)
            concrete = schema.get_type(name) if isinstance(name, str) else None
            if not isinstance(concrete, GraphQLObjectType) or not schema.is_sub_type(
                abstract, concrete
            ):
                raise _NotFlatError
            if concrete not in by_type:
                fields = _alive(executor)._flat_fields(concrete, field_details_list, info)
                by_type[concrete] = None if fields is None else _object(concrete, fields, info)
            completer = by_type[concrete]
            if completer is None:
                raise _NotFlatError
            return completer(value)

        return complete

    def _flat_fields(
        self, object_type: GraphQLObjectType, field_details_list: Any, info: GraphQLResolveInfo[Any]
    ) -> FlatFields | None:
        """The fields ``field_details_list`` selects on ``object_type``, each with its getter
        and completer, if every one is flat; else None. Kept per field group, as graphql-core
        keeps the collected subfields."""
        key = (object_type, id(field_details_list))
        cached = self._flat.get(key)
        if cached is not None:
            return cached[1]
        fields = self._collect_flat_fields(object_type, field_details_list, info)
        self._flat[key] = (field_details_list, fields)  # the list kept alive: its id stays
        return fields

    def _collect_flat_fields(
        self, object_type: GraphQLObjectType, field_details_list: Any, info: GraphQLResolveInfo[Any]
    ) -> FlatFields | None:
        grouped, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        fields: list[FlatField] = []
        readers = RAW_FIELDS.get(object_type.name)
        raw: list[FlatField] | None = [] if readers is not None else None
        for response_key, details in grouped.items():
            nodes = [d.node for d in details]
            if any(node.directives for node in nodes):
                return None
            name = nodes[0].name.value
            if name == "__typename":
                fields.append((response_key, _constant(object_type.name), _same))
                if raw is not None:
                    raw.append(fields[-1])
                continue
            field = object_type.fields.get(name)
            if field is None:
                return None
            definition = field.extensions.get("strawberry-definition")
            relation = RELATIONS.get(object_type.name, {}).get(name)
            getter: Callable[[Any], Any] | None
            raw_getter: Callable[[Any], Any] | None = None
            if relation is not None and not relation.claims:
                getter = raw_getter = self._linked_getter(
                    object_type, field, details, response_key, info
                )
            elif field.args or any(node.arguments for node in nodes):
                return None
            elif (global_id := _global_id(object_type, definition)) is not None:
                getter, raw_getter = global_id
            else:
                getter = _getter(definition)
                reader = readers.get(name) if readers is not None else None
                raw_getter = None if reader is None else _raw_getter(reader)
            completer = self._completer(field.type, details, info) if getter else None
            if getter is None or completer is None:
                return None
            fields.append((response_key, getter, completer))
            if raw is not None:
                raw = None if raw_getter is None else [*raw, (response_key, raw_getter, completer)]
        return FlatFields(fields, raw)

    def _linked_getter(
        self,
        object_type: GraphQLObjectType,
        field: GraphQLField,
        details: Any,
        response_key: str,
        info: GraphQLResolveInfo[Any],
    ) -> Callable[[Any], Any] | None:
        """How a relationship field's value is read from an object a compiled read made
        (``linked_nodes`` of ``schema/nodes.py``, in the order its resolver gives): the node
        or nodes, or for a connection its page, built by the field's own connection type.
        The value raises :class:`_NotFlatError` where the read did not fetch the field, so
        the general path runs its resolver (which loads it)."""
        definition = field.extensions.get("strawberry-definition")
        if not isinstance(definition, StrawberryField) or definition.permission_classes:
            return None
        name = details[0].node.name.value
        if not definition.extensions:
            if field.args:
                return None
            many = isinstance(_nullable_type(field.type), GraphQLList)

            def nodes_or_node(source: Any) -> Any:
                nodes = _linked_nodes(source, response_key, name)
                return nodes if many else (nodes[0] if nodes else None)

            return nodes_or_node
        page = self._page_builder(object_type, field, definition, details, response_key, info)
        if page is None:
            return None
        build_page = page

        def connection(source: Any) -> Any:
            return build_page(_linked_nodes(source, response_key, name))

        return connection

    def _page_builder(
        self,
        object_type: GraphQLObjectType,
        field: GraphQLField,
        definition: StrawberryField,
        details: Any,
        response_key: str,
        info: GraphQLResolveInfo[Any],
    ) -> Callable[[list[Any]], Any] | None:
        """How a relay connection field makes its page of a list of nodes: its
        ``ConnectionExtension``'s connection type with the field's arguments (the same for
        every object of the list), as the extension does after the resolver; None for a field
        with any other extension or argument."""
        extensions = definition.extensions
        if len(extensions) != 1 or not isinstance(extensions[0], ConnectionExtension):
            return None
        extension = extensions[0]
        connection_type = extension.connection_type
        if connection_type is None or not set(field.args) <= _PAGE_ARGUMENTS:
            return None
        first = details[0]
        try:
            arguments = get_argument_values(
                field, first.node, self.variable_values, first.fragment_variable_values
            )
        except GraphQLError:
            return None  # the general path reports it at the field
        path = info.path.add_key(response_key, object_type.name)
        field_info = Info(
            _raw_info=self.build_resolve_info(field, [d.node for d in details], object_type, path),
            _field=definition,
        )
        pager = getattr(connection_type, "pager", None)
        if pager is None:
            return None
        try:
            # the field's arguments checked and its window worked out once, for every page
            build_page: Callable[[list[Any]], Any] = pager(
                field_info, max_results=extension.max_results, **arguments
            )
        except ApiError:  # e.g. a bad cursor: the general path reports it at each object
            return None
        return build_page


def _alive(executor: weakref.ref[ScalarListExecutionContext]) -> ScalarListExecutionContext:
    """The execution context a weak reference names, which runs while its helpers are used."""
    context = executor()
    if context is None:
        raise RuntimeError("an execution context was used after its execution ended")
    return context


class _NotFlatError(Exception):
    """A value the one-loop completion cannot take: the general path completes the list."""


#: The arguments of a relay connection field (Strawberry's ``ConnectionExtension``).
_PAGE_ARGUMENTS: Final = frozenset({"first", "after", "last", "before"})


def _linked_nodes(source: Any, response_key: str, field_name: str) -> list[Any]:
    """The nodes of a relationship field that the compiled read which made ``source`` (a
    node object or a :class:`RawNode`) holds, as raw nodes; :class:`_NotFlatError` where it
    holds none (not compiled, or a plan still pending)."""
    linked_raw = getattr(source, "linked_raw", None)
    nodes = linked_raw(response_key, field_name) if linked_raw is not None else None
    if nodes is None:
        raise _NotFlatError
    return nodes  # type: ignore[no-any-return]


def _raw_getter(reader: Callable[[Any], Any]) -> Callable[[RawNode], Any]:
    """A field's value read from a raw node's properties."""

    def read(node: RawNode) -> Any:
        return reader(node.item["p"])

    return read


def _nullable_type(field_type: GraphQLOutputType) -> GraphQLOutputType:
    return field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type


def _same(value: Any) -> Any:
    return value


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _: value


def _getter(field: Any) -> Callable[[Any], Any] | None:
    """How a Strawberry field's value is read from its object, if it is read from the object
    alone: an attribute, or a synchronous method taking nothing but the object."""
    if not isinstance(field, StrawberryField) or field.extensions or field.permission_classes:
        return None
    resolver = field.base_resolver
    if resolver is None:
        default, name = field.default_resolver, field.python_name
        return lambda source: default(source, name)
    if (
        resolver.is_async
        or resolver.arguments
        or resolver.info_parameter is not None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
    ):
        return None
    function = resolver.wrapped_func  # called as Strawberry's resolver calls it, one call less
    if not callable(function):
        return None
    if resolver.self_parameter is None:
        return lambda _: function()
    return function


#: Strawberry's resolver of a relay node's ``id`` (``relay.Node._id``), to know the field by.
_RELAY_ID: Final = relay.Node.__dict__["_id"].__func__


def _global_id(
    object_type: GraphQLObjectType, definition: Any
) -> tuple[Callable[[Any], str], Callable[[RawNode], str]] | None:
    """How a node type's relay ``id`` is read from its object and from a raw node, where it
    is Strawberry's own: the type's name and the node's key, base64'd, as ``relay.Node._id``
    answers it (its ``resolve_id`` and ``resolve_typename`` not overridden). Else None. The
    resolver takes ``info``, which kept every list of nodes that selects ``id`` (name search,
    a connection's nodes) on graphql-core's field-by-field path."""
    resolver = getattr(definition, "base_resolver", None)
    if getattr(getattr(resolver, "wrapped_func", None), "__func__", None) is not _RELAY_ID:
        return None
    origin = getattr(object_type.extensions.get("strawberry-definition"), "origin", None)
    if not (
        isinstance(origin, type)
        and issubclass(origin, relay.Node)
        and origin.resolve_id.__func__ is relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
        and origin.resolve_typename.__func__ is relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]
    ):
        return None
    type_name, id_attr = object_type.name, origin.resolve_id_attr()

    def of_object(node: Any) -> str:
        node_id = getattr(node, id_attr)
        if node_id is None:  # Strawberry's resolver refuses it: its error, on its path
            raise _NotFlatError
        return to_base64(type_name, node_id)

    def of_raw(node: RawNode) -> str:
        return to_base64(type_name, node.item["p"]["id"])

    return of_object, of_raw


def _leaf(leaf: GraphQLScalarType | GraphQLEnumType, non_null: bool) -> Callable[[Any], Any]:
    coerce = leaf.coerce_output_value
    if isinstance(leaf, CustomGraphQLEnumType):
        coerce = _enum_names(leaf)

    strings = leaf is GraphQLString or leaf is GraphQLID  # a str is its own output value

    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _NotFlatError
            return None
        if strings and type(value) is str:
            return value
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _NotFlatError
        return coerced

    return complete


#: The name of each member of an enum type (:func:`_enum_names`), kept as long as the type.
_ENUM_NAMES: weakref.WeakKeyDictionary[CustomGraphQLEnumType, dict[Any, Any]] = (
    weakref.WeakKeyDictionary()
)


def _member_names(enum: CustomGraphQLEnumType) -> dict[Any, Any]:
    """Strawberry's output value for each member of ``enum`` (its GraphQL name), made once."""
    names = _ENUM_NAMES.get(enum)
    if names is None:
        names = _ENUM_NAMES[enum] = {}
        members: list[Any] = list(enum.wrapped_cls)
        for member in members:
            try:
                names[member] = enum.coerce_output_value(member)
            except ValueError:  # a member the GraphQL type leaves out: Strawberry's error
                continue
    return names


def _enum_names(enum: CustomGraphQLEnumType) -> Callable[[Any], Any]:
    """Strawberry's output coercion of an enum, its answer for each member kept: it scans the
    type's values for the member's value each time (a region tree's ``level`` a hundred times
    a request). Anything but a member of the enum is left to Strawberry's."""
    coerce = enum.coerce_output_value
    names = _member_names(enum)
    member_type = enum.wrapped_cls

    def name_of(value: Any) -> Any:
        name = names.get(value) if type(value) is member_type else None
        return coerce(value) if name is None else name

    return name_of


def _enum_list_names(item_type: GraphQLOutputType) -> dict[Any, Any] | None:
    """For a list of an enum, each member's output value (and None's, when items may be
    null): a list completed in one look-up per item (a league's compact claim matrix has
    about 6,600 modes). None for a list of anything else."""
    non_null = isinstance(item_type, GraphQLNonNull)
    inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
    if not isinstance(inner, CustomGraphQLEnumType):
        return None
    names = dict(_member_names(inner))
    if not non_null:
        names[None] = None
    return names


def _nullable(non_null: bool, complete: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def complete_or_null(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _NotFlatError
            return None
        return complete(value)

    return complete_or_null


def _object(
    object_type: GraphQLObjectType, fields: FlatFields, info: GraphQLResolveInfo[Any]
) -> Callable[[Any], Any]:
    is_type_of = object_type.is_type_of
    of_object, of_raw = fields.of_object, fields.of_raw
    type_name = object_type.name

    def complete(value: Any) -> Any:
        if type(value) is RawNode:
            if value.plan.shape.label != type_name:
                raise _NotFlatError
            if of_raw is not None:
                return {key: completer(getter(value)) for key, getter, completer in of_raw}
            value = node_object(value)  # a field without a raw reader: as the resolvers do
        if is_type_of is not None and is_type_of(value, info) is not True:
            raise _NotFlatError  # not of the type (or an awaitable answer): the general path
        return {key: completer(getter(value)) for key, getter, completer in of_object}

    return complete


def _coerced_scalars(
    scalar: GraphQLScalarType, non_null: bool, items: list[Any]
) -> list[Any] | None:
    """``items`` coerced to ``scalar``, or None when the general path must complete them (an
    item that is not a plain scalar, or one that would be an error: missing where ``non_null``
    or refused by the scalar)."""
    if (scalar is GraphQLString or scalar is GraphQLID) and all(type(i) is str for i in items):
        return list(items)  # a str is its own output value (an item list of keys, of names)
    coerce = scalar.coerce_output_value
    completed: list[Any] = []
    append = completed.append
    try:
        for item in items:
            if item is None:
                if non_null:
                    return None
                append(None)
            elif type(item) in _PLAIN_SCALARS:
                value = coerce(item)
                if value is None or value is Undefined:
                    return None
                append(value)
            else:
                return None
    except Exception:  # the general path raises it again, located at the item
        return None
    return completed
