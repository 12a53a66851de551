"""The executor reads some fields of a compiled read's nodes straight from their maps of
properties (``RAW_FIELDS`` of ``schema/nodes.py``), where the resolvers read the node object
``from_props`` made. Each of those readers must give the object's value, for every node of the
documented dataset and of a synthetic sample, whether the map names a missing property as null
(a compiled projection) or leaves it out (``properties(n)``)."""

from __future__ import annotations

from typing import Any

from strawberry.types.base import get_object_definition

from graph_loaders.importer import plan_import
from graph_loaders.pipeline import dataset_files, validate
from graph_loaders.synthetic import generate
from schema import build_schema
from schema.nodes import NODE_TYPES, RAW_FIELDS, GraphNode
from schema.selection import REQUIRED, SCALARS
from tests.datasets import DATA_DIR

SCHEMA = build_schema()
DOCUMENTED = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus").dataset
SYNTHETIC = generate("inner-mongolia", seed=5, scale=0.02)

#: The label of the nodes each of the importer's node statements writes.
LABEL_OF = {
    "upsert_sources": "Source",
    "upsert_regions": "Region",
    "upsert_bodies": "Body",
    "upsert_enforcement_teams": "Body",
    "upsert_power_lists": "PowerList",
    "upsert_power_items": "PowerItem",
    "upsert_documents": "Document",
    "upsert_reform_events": "ReformEvent",
    "upsert_statistics": "Statistic",
}


def node_rows(dataset: Any) -> list[tuple[str, dict[str, Any]]]:
    """Each node the importer writes for ``dataset``: its label and its properties."""
    return [
        (LABEL_OF[statement], row["props"] | {"id": row["id"]})
        for statement, rows in plan_import(dataset).nodes.items()
        if statement in LABEL_OF
        for row in rows
    ]


def _object_value(node: GraphNode, field_name: str) -> Any:
    """What the GraphQL field ``field_name`` of ``node`` answers, as Strawberry reads it."""
    definition = get_object_definition(type(node), strict=True)
    field = next(f for f in definition.fields if _graphql_name(f) == field_name)
    if field.base_resolver is not None:
        function: Any = field.base_resolver.wrapped_func
        return function(node)
    return getattr(node, field.python_name)


def _graphql_name(field: Any) -> str:
    return str(SCHEMA.config.name_converter.get_graphql_name(field))


def _as_projected(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """``props`` as a compiled read's projection gives them: every property the type's
    fields read, null where the node lacks it."""
    names = set(REQUIRED[label]).union(*SCALARS[label].values())
    return {name: props.get(name) for name in names}


def test_every_raw_reader_gives_what_from_props_gives() -> None:
    checked: dict[str, int] = {}
    for dataset in (DOCUMENTED, SYNTHETIC):
        for label, props in node_rows(dataset):
            readers = RAW_FIELDS.get(label)
            if readers is None:
                continue
            node = NODE_TYPES[label].from_props(props)
            for field_name, read in readers.items():
                expected = _object_value(node, field_name)
                assert read(props) == expected, (label, props["id"], field_name)
                assert read(_as_projected(label, props)) == expected, (label, field_name)
            checked[label] = checked.get(label, 0) + 1
    assert set(checked) == set(RAW_FIELDS), checked


def test_raw_readers_name_only_fields_of_their_type() -> None:
    for label, readers in RAW_FIELDS.items():
        definition = get_object_definition(NODE_TYPES[label], strict=True)
        names = {_graphql_name(f) for f in definition.fields}
        assert set(readers) <= names, label
