"""The vocabulary's enums (:mod:`domain`) as GraphQL enums, each value described by its
Chinese words.

The enums are the domain's own classes, registered with Strawberry as they are (its way of
exposing an enum defined elsewhere), so a resolver returns the domain's values and an argument
arrives as one; nothing is copied. Each value's description is its words, then `` — `` and a
note where there is one: the explorer labels values with the text before `` — ``, read through
introspection, so the words live in one place.
"""

from __future__ import annotations

import inspect

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from domain import TERMS, Term

#: Said of every enum, after its own description: how a client reads the words.
_WORDS_NOTE = (
    "Each value's description is its Chinese name, then ` — ` and a note where there is one."
)


def _register(term: type[Term]) -> None:
    """Register ``term`` with Strawberry, its docstring the enum's description and each
    value's words (and note) the value's."""
    paragraphs = [" ".join(p.split()) for p in inspect.cleandoc(term.__doc__ or "").split("\n\n")]
    description = "\n\n".join([*paragraphs, _WORDS_NOTE])
    strawberry.enum(term, description=description)
    definition: StrawberryEnumDefinition = term.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = term[value.name].description


for _term in TERMS:
    _register(_term)

