"""Match provenance quotes against the source documents, whitespace aside.

Every documented record quotes the sentence it comes from, and the quote must be found
verbatim in its source. The sources were extracted from web pages, so line breaks and
indentation are accidents of extraction, not content: both sides are compared with all
whitespace removed. Nothing else is normalised (punctuation is compared as it stands,
full-width or half-width), so a quote is still a real quotation.

``001_…`` is in Traditional characters and many characters are followed by their pinyin in
parentheses, e.g. ``內(nèi)蒙古自治區(qū)``. Those notes are not part of the text, so they are
stripped before matching (``內蒙古自治區``) and quotes are written without them.

A parenthesis counts as a pinyin note when it holds only Latin letters, with or without tone
marks or ``ü``, optionally followed by a tone digit (``(nèi)``, ``(lü)``, ``(nei4)``). Real
parentheticals in the sources are Chinese (``(研究室)``, ``(街道)``) or hold numbers, so they
are kept. The rule is applied to every file (it only ever fires in ``001_…``), so that a
corrected copy of any source keeps working.

``001_…`` also has a few mojibake runs where the extraction mis-decoded bytes, e.g.
``有序?qū)嵤?,`` (for 有序實施,) or ``??紤]到`` (for 考慮到). They cannot be repaired
reliably, so they are left as they are: a quote either stops short of such a run or
reproduces it exactly. The pinyin rule still removes a well-formed note that follows one
(``?;A(chǔ)`` becomes ``?;A``).
"""

from __future__ import annotations

import re
from pathlib import Path

#: Latin letters that appear in pinyin notes: plain, with tone marks, and ü in all tones.
_PINYIN_LETTERS = "a-zA-ZāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜńňǹḿ"

#: ``(nèi)``, ``(qū)``, ``(lü)``, ``(nei4)``: letters, then an optional tone digit.
PINYIN_NOTE = re.compile(rf"\([{_PINYIN_LETTERS}]+[0-5]?\)")

_WHITESPACE = re.compile(r"\s+")

#: File names the corpus loader picks up.
CORPUS_SUFFIX = ".txt"


def strip_pinyin(text: str) -> str:
    """Remove the ``(pinyin)`` notes that follow characters in ``001_…``."""
    return PINYIN_NOTE.sub("", text)


def normalise(text: str) -> str:
    """The form in which quotes and sources are compared: no BOM, no pinyin, no whitespace."""
    return _WHITESPACE.sub("", strip_pinyin(text.lstrip("\ufeff")))


def load_corpus(corpus_dir: Path | str) -> dict[str, str]:
    """Every ``*.txt`` source in ``corpus_dir``, by file name, in normalised form.

    Returns an empty mapping when the folder does not exist, so that the caller reports each
    missing source as a problem instead of failing on the first one.
    """
    folder = Path(corpus_dir)
    if not folder.is_dir():
        return {}
    corpus: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name.endswith(CORPUS_SUFFIX):
            corpus[path.name] = normalise(path.read_text(encoding="utf-8-sig", errors="replace"))
    return corpus


def quote_in_source(quote: str, normalised_text: str) -> bool:
    """Whether ``quote`` occurs verbatim, whitespace aside, in an already normalised source.

    The quote goes through the same normalisation as the source; an empty quote (or one
    that is only whitespace) matches nothing, because it would prove nothing.
    """
    needle = normalise(quote)
    return bool(needle) and needle in normalised_text
