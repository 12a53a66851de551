"""The graph's closed vocabulary: every label, relationship type and property name there is.

This is the one registry of names that Cypher may be generated from (``cypher/compiler.py``):
the selection compiler writes labels, relationship types and property keys into a statement's
text only if they are listed here, and only after :func:`checked` has matched each against a
strict identifier pattern. Nothing a client sends is ever one of these names: a request picks
*which* entries are used (by the fields it selects), never what they are spelled like.

The lists are ``docs/model.md`` as code. ``tests/test_vocabulary.py`` loads the documented
dataset and a synthetic sample and checks that every label, type and key the importer wrote
is listed here, so the vocabulary cannot silently fall behind the graph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

#: Provenance and the synthetic mark, carried by every node and relationship stating a fact.
_FACT: Final = ("synthetic", "sources", "quotes")

#: Node labels and the properties nodes of each may carry (``id`` on all of them).
NODE_PROPERTIES: Final[Mapping[str, frozenset[str]]] = {
    label: frozenset(("id", *props))
    for label, props in {
        "Entity": (),
        "Region": (
            "name",
            "level",
            "code",
            "division",
            "aliases",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "Body": (
            "name",
            "kind",
            "domain",
            "rank",
            "staffQuota",
            "leadershipPosts",
            "signboards",
            "aliases",
            "verticallyManaged",
            "validFrom",
            "validTo",
            "note",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "EnforcementTeam": (),  # a second label on a Body: the Body's properties
        "PowerList": (
            "title",
            "kind",
            "issuer",
            "docNumber",
            "date",
            "itemCount",
            "countTypes",
            "countValues",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "Document": (
            "title",
            "docNumber",
            "issuer",
            "date",
            "note",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "PowerItem": (
            "seq",
            "name",
            "powerType",
            "powerTypeText",
            "legalBasis",
            "code",
            "parentName",
            "scope",
            "responsibilities",
            "accountability",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "ReformEvent": (
            "kind",
            "date",
            "title",
            "inputCount",
            "outputCount",
            "staffMoved",
            "note",
            "recorded",
            "recordedSeq",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "Statistic": (
            "metric",
            "label",
            "before",
            "after",
            "value",
            "unit",
            "date",
            "note",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "Source": (
            "file",
            "title",
            "kind",
            "issuer",
            "date",
            "edition",
            "searchGrams",
            "searchText",
            *_FACT,
        ),
        "Disagreement": ("about", "note", *_FACT),
        "GraphMeta": ("version", "loadedFrom"),
    }.items()
}

#: Relationship types and the properties each may carry.
RELATIONSHIP_PROPERTIES: Final[Mapping[str, frozenset[str]]] = {
    rel_type: frozenset(props)
    for rel_type, props in {
        "PART_OF": (),
        "IN_REGION": (),
        "SUBORDINATE_TO": ("kind",),
        "LISTED_IN": (),
        "HOLDS": _FACT,
        "DELEGATES": ("id", "list", "item", "mode", "date", "docNumber", *_FACT),
        "EXERCISES": _FACT,
        "CLAIMS": ("list", "mode", "date", "status", *_FACT),
        "CLAIMED_COUNT": (
            "list",
            "claimedCount",
            "ofCount",
            "rate",
            "itemsNamed",
            "targetRate",
            "meetsTarget",
            "note",
            *_FACT,
        ),
        "INPUT_OF": (),
        "RESULTED_IN": (),
        "FOLLOWS": (),
        "ABOUT": (),
    }.items()
}

_IDENTIFIER: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class NotInVocabularyError(ValueError):
    """A name that is not in the graph's vocabulary was about to be written into Cypher."""


def checked(name: str, *allowed: frozenset[str] | Mapping[str, object]) -> str:
    """``name`` if it is a plain identifier listed in one of ``allowed``; else raise.

    Every label, type and key the compiler writes into a statement passes through here: a
    name that is not the vocabulary's own (a typo in a field table, or anything else) stops
    the statement from being built at all.
    """
    if _IDENTIFIER.fullmatch(name) is None or not any(name in names for names in allowed):
        raise NotInVocabularyError(f"{name!r} is not in the graph's vocabulary")
    return name


def node_property(label: str, name: str) -> str:
    """A property of nodes labelled ``label`` (checked)."""
    return checked(name, NODE_PROPERTIES[checked(label, NODE_PROPERTIES)])


def relationship_property(rel_type: str, name: str) -> str:
    """A property of relationships of ``rel_type`` (checked)."""
    return checked(name, RELATIONSHIP_PROPERTIES[checked(rel_type, RELATIONSHIP_PROPERTIES)])
