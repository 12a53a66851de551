"""A region's level and division, read from its official code (and, where the code leaves it
open, its name): never guessed from anything else.

The rule (docs/model.md, "Levels and divisions"), on the short code of
:mod:`graph_store.region_codes`:

* ``XX0000`` is a province-level unit, ``XXYY00`` a prefecture (league or city), any other
  6-digit code a county-level unit, a 9-digit code a township-level unit;
* county level: a county part of 71-80 is what the NBS gives development zones and similar
  units that civil affairs has not made counties (``150172`` 呼和浩特经济技术开发区,
  ``152571`` 乌拉盖管理区管委会); otherwise the name says district (区), banner (旗),
  county (县) or county-level city (市) — the code cannot, since a league's county-level
  cities take 01-20 like a city's districts (``152501`` 二连浩特市);
* township level, by the 3-digit township part, as the NBS code rules state: 001-099 街道
  (SUBDISTRICT), 100-199 镇 (TOWN), 200-399 乡 (TOWNSHIP, or SUMU when the name ends in
  苏木: the code does not tell them apart), 400-599 类似乡级单位 (TOWNSHIP_LIKE: farms,
  parks, zone offices; some are named 街道 and keep the code's class).

Levels follow: SUBDISTRICT for 001-099, TOWNSHIP for every other township-level unit.
"""

from __future__ import annotations

from domain import RegionDivision, RegionLevel

D = RegionDivision

#: Name endings of province- and prefecture-level units, longest first.
_PROVINCE_SUFFIXES = (("自治区", D.AUTONOMOUS_REGION), ("省", D.PROVINCE), ("市", D.MUNICIPALITY))
_PREFECTURE_SUFFIXES = (
    ("自治州", D.AUTONOMOUS_PREFECTURE),
    ("地区", D.PREFECTURE),
    ("盟", D.LEAGUE),
    ("市", D.CITY),
)
#: Name endings of county-level units; 林区 and 特区 are neither districts nor counties.
_COUNTY_SUFFIXES = (
    ("林区", D.OTHER),
    ("特区", D.OTHER),
    ("旗", D.BANNER),
    ("县", D.COUNTY),
    ("市", D.COUNTY_CITY),
    ("区", D.DISTRICT),
)


def _by_suffix(name: str, suffixes: tuple[tuple[str, RegionDivision], ...]) -> RegionDivision:
    for suffix, division in suffixes:
        if name.endswith(suffix):
            return division
    return D.OTHER


def level_of(code: str) -> RegionLevel:
    """The level a short code (6 or 9 digits) states."""
    if len(code) == 9:
        return RegionLevel.SUBDISTRICT if int(code[6:]) < 100 else RegionLevel.TOWNSHIP
    if code[2:] == "0000":
        return RegionLevel.AUTONOMOUS_REGION
    if code[4:] == "00":
        return RegionLevel.LEAGUE_CITY
    return RegionLevel.BANNER_COUNTY


def division_of(code: str, name: str) -> RegionDivision:
    """The division a short code states, with the name where the code leaves it open."""
    if len(code) == 9:
        township = int(code[6:])
        if township < 100:
            return D.SUBDISTRICT
        if township < 200:
            return D.TOWN
        if township < 400:
            return D.SUMU if name.endswith("苏木") else D.TOWNSHIP
        return D.TOWNSHIP_LIKE
    if code[2:] == "0000":
        return _by_suffix(name, _PROVINCE_SUFFIXES)
    if code[4:] == "00":
        return _by_suffix(name, _PREFECTURE_SUFFIXES)
    if 71 <= int(code[4:]) <= 80:
        return D.DEVELOPMENT_ZONE
    return _by_suffix(name, _COUNTY_SUFFIXES)


def parent_code_of(code: str) -> str | None:
    """The code of the unit one level up, as the code's own digits state it (None for a
    province). The vendored tree also states each parent; a reader checks the two agree."""
    if len(code) == 9:
        return code[:6]
    if code[2:] == "0000":
        return None
    if code[4:] == "00":
        return code[:2] + "0000"
    return code[:4] + "00"
