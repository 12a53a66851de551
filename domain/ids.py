"""Global ids (``region:wuhai``, ``body:haibowan:market-enforcement``) and metric names.

An id is what a dataset file, an uploaded table and a mutation (``applyMerger``'s ``newKey``)
name a node by; one pattern for all of them, so a key one of them accepts the others accept.
"""

from __future__ import annotations

import re
from typing import Final

#: Lower-case letters and digits first, then those and ``_ . : -``.
ID_PATTERN: Final = r"^[a-z0-9][a-z0-9_.:-]*$"
#: The longest id accepted.
ID_MAX_LENGTH: Final = 200
#: A statistic's metric: like an id, without ``:`` and ``-`` (``staff.enforcement``).
METRIC_PATTERN: Final = r"^[a-z0-9][a-z0-9_.]*$"

_ID: Final = re.compile(ID_PATTERN)


def is_id(text: str) -> bool:
    """Whether ``text`` is a valid id."""
    return len(text) <= ID_MAX_LENGTH and _ID.match(text) is not None


def check_id(text: str) -> str:
    """``text`` if it is a valid id; else ``ValueError`` saying why, for the user to fix."""
    if len(text) > ID_MAX_LENGTH:
        raise ValueError(f"{text[:40]!r}… is not an id: longer than {ID_MAX_LENGTH} characters")
    if _ID.match(text) is None:
        raise ValueError(
            f"{text!r} is not an id: use lower-case letters and digits, then also _ . : - "
            "(e.g. body:haibowan:market-enforcement)"
        )
    return text
