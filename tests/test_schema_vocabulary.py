"""The API's enums are the vocabulary's (:mod:`domain`): the same values, each described by
its Chinese words, on every field that used to be a ``String``."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLNamedType, get_named_type
from graphql.utilities import build_schema as build_sdl

from domain import TERMS
from tests.conftest import REPO_ROOT

#: (type, field) → the enum the field answers with; these were all `String` before issue 16.
ENUM_FIELDS = {
    ("Body", "kind"): "BodyKind",
    ("PowerItem", "powerType"): "PowerType",
    ("TypeCount", "powerType"): "PowerType",
    ("Claim", "mode"): "ClaimMode",
    ("ClaimCell", "mode"): "ClaimMode",
    ("TownClaims", "itemModes"): "ClaimMode",
    ("ReroutedDelegation", "mode"): "ClaimMode",
    ("ChainHop", "mode"): "ClaimMode",
    ("ChainHop", "relation"): "ChainRelation",
    ("ImportedItem", "mode"): "ClaimMode",
    ("ImportedItem", "powerType"): "PowerType",
    ("ImportedClaim", "mode"): "ClaimMode",
    ("ReformEvent", "kind"): "EventKind",
    ("Source", "kind"): "SourceKind",
    ("Conflict", "code"): "ConflictCode",
    ("Region", "level"): "RegionLevel",
    ("Region", "division"): "RegionDivision",
    ("PowerList", "kind"): "ListKind",
}
#: (field, argument) → the enum the argument takes.
ENUM_ARGUMENTS = {
    ("reformEvents", "kind"): "EventKind",
    ("search", "kind"): "BodyKind",
    ("search", "powerType"): "PowerType",
    ("search", "level"): "RegionLevel",
}


def _sdl_types() -> dict[str, GraphQLNamedType]:
    schema = build_sdl((REPO_ROOT / "schema.graphql").read_text(encoding="utf-8"))
    return dict(schema.type_map)


def test_every_vocabulary_enum_the_api_uses_has_the_domain_values_and_words() -> None:
    types = _sdl_types()
    used = set(ENUM_FIELDS.values())
    for term in TERMS:
        if term.__name__ not in used:
            continue
        enum = types[term.__name__]
        assert isinstance(enum, GraphQLEnumType)
        assert list(enum.values) == [v.name for v in term]
        for value in term:
            description = enum.values[value.name].description or ""
            assert description.split(" — ")[0] == value.words, (term.__name__, value.name)
    assert types["ClaimMode"].values["CONFIRM"].description == "确认"  # type: ignore[attr-defined]
    assert types["PowerType"].values["PENALTY"].description == "行政处罚"  # type: ignore[attr-defined]


def test_fields_and_arguments_that_were_strings_are_enums() -> None:
    types = _sdl_types()
    for (type_name, field), enum in ENUM_FIELDS.items():
        found = get_named_type(types[type_name].fields[field].type)  # type: ignore[attr-defined]
        assert found is not None
        assert found.name == enum, (type_name, field, found.name)
    query = types["Query"]
    for (field, argument), enum in ENUM_ARGUMENTS.items():
        found = get_named_type(query.fields[field].args[argument].type)  # type: ignore[attr-defined]
        assert found is not None
        assert found.name == enum, (field, argument, found.name)
