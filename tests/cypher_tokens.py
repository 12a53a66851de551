"""Compiled statements read token by token: what may appear in the text the selection
compiler writes (``cypher/compiler.py``)."""

from __future__ import annotations

import re

from cypher.vocabulary import NODE_PROPERTIES, RELATIONSHIP_PROPERTIES

_TOKEN = re.compile(r"\s+|([A-Za-z_][A-Za-z0-9_]*)|(\$[A-Za-z]+)|([(){}\[\]:,.<>-])|(.)")
_KEYWORDS = {"UNWIND", "AS", "MATCH", "CALL", "WITH", "RETURN", "collect", "id", "node", "p", "r"}
_VARIABLE = re.compile(r"[nrvc][0-9]+")
_VOCABULARY = set(NODE_PROPERTIES) | set(RELATIONSHIP_PROPERTIES)
_VOCABULARY |= {p for props in NODE_PROPERTIES.values() for p in props}
_VOCABULARY |= {p for props in RELATIONSHIP_PROPERTIES.values() for p in props}


def unexpected_tokens(text: str) -> list[str]:
    """Everything in a compiled statement that is not a keyword of the compiler, a variable
    it numbered, a name of the vocabulary, ``$ids`` or punctuation: no string, no number, no
    other parameter, no comment."""
    odd = []
    for match in _TOKEN.finditer(text):
        word, parameter, _, other = match.groups()
        if word is not None and not (
            word in _KEYWORDS or word in _VOCABULARY or _VARIABLE.fullmatch(word)
        ):
            odd.append(word)
        elif parameter is not None and parameter != "$ids":
            odd.append(parameter)
        elif other is not None:
            odd.append(other)
    return odd
