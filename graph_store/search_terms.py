"""Character grams that let a full-text index find a Chinese name by any part of it.

Name search must find "里山" in "千里山镇" and "执法局" in "综合行政执法局". Chinese is written
without spaces, so an engine's full-text tokenizer sees a whole name as one word, and
``CONTAINS``, which does find it, cannot use an index: every search read every ``Entity``.
As Lucene's CJK analyzer does, each node therefore carries ``searchGrams``: the single
characters and pairs of adjacent characters of its name, title, aliases and signboards,
lower-cased and separated by spaces, under a full-text index on both engines. A search asks
the index for the nodes holding every pair of its text (its one character when it is a single
character), a small superset of the answer, and the statement then keeps only the nodes whose
names really contain the text. Only letters and digits form grams (Chinese characters are
letters): punctuation is where both engines' tokenizers split, and it carries no meaning here.

Sources and users write in either script (``內蒙古自治區``, ``内蒙古自治区``), so both sides are
compared in one form, :func:`search_key`: NFKC, traditional characters as simplified
(OpenCC, :mod:`graph_store.chinese`), lower case. The grams are made from it, and each node
also carries ``searchText``, its searched texts in that form, one per line, which the
statement's ``CONTAINS`` reads: a simplified query finds a traditional name and the other way
round. A statistic is found by its label (``苏木乡镇和街道机构``) and its metric
(``township_bodies``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

from graph_store.chinese import simplified

#: The node properties whose text search finds a node by (a statistic's label and metric too).
TEXT_PROPERTIES: Final = ("name", "title", "aliases", "signboards", "label", "metric")
#: The properties that form grams: those, and a region's official code (searching ``150302``
#: finds the regions whose code starts with it).
SEARCHED_PROPERTIES: Final = (*TEXT_PROPERTIES, "code")

#: Runs of letters and digits (Chinese characters included), the only text that forms grams.
_WORD_RUN: Final = re.compile(r"[^\W_]+")


def search_key(text: str) -> str:
    """The form in which a name and a search text are compared: NFKC, simplified, lower case."""
    return simplified(unicodedata.normalize("NFKC", text)).lower()


def _runs(text: str) -> list[str]:
    return _WORD_RUN.findall(search_key(text))


def _texts(props: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    texts: list[str] = []
    for key in keys:
        value = props.get(key)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts += [v for v in value if isinstance(v, str)]
    return texts


def index_terms(props: dict[str, Any]) -> str | None:
    """The ``searchGrams`` value for a node with these properties, or None if it has no text.

    Sorted so that the same names always give the same value (imports stay idempotent).
    """
    grams: set[str] = set()
    for text in _texts(props, SEARCHED_PROPERTIES):
        for run in _runs(text):
            grams.update(run)
            grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(sorted(grams)) if grams else None


def search_text(props: dict[str, Any]) -> str | None:
    """The ``searchText`` value for a node: its searched texts as :func:`search_key` writes
    them, one per line (a search text never spans two), or None if it has none."""
    texts = [search_key(text) for text in _texts(props, TEXT_PROPERTIES)]
    return "\n".join(texts) if texts else None


def with_search_grams(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with its ``searchGrams`` and ``searchText`` added when it has text to find (a
    node as imported or created, so that name search finds either)."""
    grams = index_terms(props)
    if grams is None:
        return props
    text = search_text(props)
    return {**props, "searchGrams": grams, **({"searchText": text} if text else {})}


def query_terms(text: str) -> str | None:
    """The grams a name containing ``text`` must hold, space-separated; None if ``text`` has
    no letter or digit to look for."""
    grams: dict[str, None] = {}  # ordered and without repeats
    for run in _runs(text):
        pairs = [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        grams.update(dict.fromkeys(pairs))
    return " ".join(grams) if grams else None
