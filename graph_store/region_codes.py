"""Official statistical division codes (统计用区划代码) as people type them.

The National Bureau of Statistics (NBS) numbers every region with 12 digits: 2 for the
province, 2 for the prefecture (league or city), 2 for the county, 3 for the township and 3
for the village (``150302101000`` is 千里山镇, ``150302000000`` 海勃湾区). Regions down to
county level are usually written with their first 6 digits (``150302``, the GB/T 2260 code)
and townships with 9 (``150302101``). The graph keeps that short form in ``Region.code``; this
module turns what a user or a file gives (6, 9 or 12 digits, spaces around) into it, so an API
key, a ``--county`` argument, a search text and a dataset field all mean the same region.

Shared by the loaders (``graph_loaders``) and the API (``schema``): it knows nothing of either.
"""

from __future__ import annotations

import re
from typing import Final

#: 6 digits (province, prefecture, county), 9 (township) or 12 (the full NBS form).
_CODE: Final = re.compile(r"^([0-9]{6})([0-9]{3})?([0-9]{3})?$")


def normalise_code(text: str) -> str | None:
    """The short form of a division code, or None if ``text`` is not one a region can have.

    ``"150302101000"`` and ``"150302101"`` give ``"150302101"``; ``"150302000000"`` and
    ``"150302"`` give ``"150302"``. A 12-digit code with a village part (``…101001``) names a
    village, which the graph does not hold: None. So is a 6-digit ``000000``, and anything that
    is not 6, 9 or 12 digits (a 2- or 4-digit prefix is not a region's code).
    """
    match = _CODE.match(text.strip())
    if match is None:
        return None
    county, township, village = match.groups()
    if village is not None and village != "000":
        return None
    if county == "000000":
        return None
    if township is None or township == "000":
        return county
    return county + township


def is_code_like(text: str) -> bool:
    """Whether ``text`` is all digits (after trimming): a key meant as a code, valid or not."""
    stripped = text.strip()
    return stripped.isascii() and stripped.isdigit()
