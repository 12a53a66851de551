"""The forms in which published words are compared: names, headers, types, modes.

Counties publish in simplified or traditional characters, with full-width or half-width
letters, digits and brackets, and with spaces or line breaks inside cells. Two texts mean the
same when their :func:`key` is equal: NFKC (full-width → half-width), every whitespace
removed, traditional characters converted to simplified ones by OpenCC (``t2s``, its
character and phrase tables), so ``行政檢查`` is ``行政检查`` and ``清水河縣`` is ``清水河县``.
Keys are for matching only: what is stored is the text as published.

The converter (:mod:`graph_store.chinese`, shared with name search) is loaded on first use.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from graph_store.chinese import simplified

_WHITESPACE = re.compile(r"\s+")

#: Punctuation a header may carry that does not change which column it is
#: (``乡镇/街道`` = ``乡镇（街道）`` = ``乡镇、街道``; ``*事项名称`` marks a required cell).
_HEADER_NOISE = re.compile(r"[\s_\-/\\()\[\]【】、·*:：.,，;；'\"“”‘’]")


@functools.lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """The form in which names and words are compared: NFKC, no whitespace, simplified."""
    return simplified(_WHITESPACE.sub("", unicodedata.normalize("NFKC", text)))


@functools.lru_cache(maxsize=1 << 12)
def header_key(text: str) -> str:
    """The form in which header cells are compared: :func:`key`, case-folded, without the
    punctuation that headers of the same column differ by."""
    return _HEADER_NOISE.sub("", key(text).casefold())


__all__ = ["header_key", "key", "simplified"]
