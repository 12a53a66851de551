"""Traditional Chinese characters written as simplified ones, for comparing texts.

Sources and county tables come in both scripts (``內蒙古自治區`` and ``内蒙古自治区``): a list's
headers and names are matched in simplified form (:mod:`graph_loaders.text_keys`), and so are
name search's terms, on both sides — the text a node is found by and the text a user types
(:mod:`graph_store.search_terms`). OpenCC's ``t2s`` tables (characters and phrases) do the
conversion; the converter is loaded on first use, not on import.
"""

from __future__ import annotations

import functools

import opencc


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1 << 16)
def simplified(text: str) -> str:
    """``text`` with traditional characters written as simplified ones (OpenCC ``t2s``)."""
    if text.isascii():
        return text
    return str(_t2s().convert(text))


__all__ = ["simplified"]
