"""Regions found as people name them: a county by key, code or name; a town within it.

People write ``清水河县``, ``清水河``, ``150124``, ``150124000000``, ``呼和浩特市清水河县`` or the
key ``region:150124``; a list's town column writes ``城关镇``, ``城关``, ``喇嘛湾``,
``150124102`` or ``清水河县城关镇``. :class:`RegionMatcher` finds the one region meant, or says
why it cannot: no such region (with the closest it knows), the name of several (listing them
with their parents and codes), or a region of the wrong level. It works on any list of
:class:`Region` records (the context dataset's), so it knows whatever region tree is loaded.

Names are compared by :func:`graph_loaders.text_keys.key` (spaces, full/half width and
traditional characters aside). A town also matches without its suffix (镇, 乡, 苏木, 街道,
办事处 …) on either side, but only when that leaves one town of the county.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain import RegionLevel
from graph_loaders.dataset import Region
from graph_loaders.text_keys import key

#: Suffixes of township-level names, longest first (街道办事处 before 街道 and 办事处).
TOWN_SUFFIXES = ("街道办事处", "民族苏木", "民族乡", "办事处", "苏木", "街道", "镇", "乡")

#: Suffixes of county-level names, longest first.
COUNTY_SUFFIXES = ("自治旗", "自治县", "县", "旗", "区", "市")

_CODE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")
_COUNTY_LEVELS = (RegionLevel.BANNER_COUNTY,)
_ABOVE_COUNTY = (RegionLevel.AUTONOMOUS_REGION, RegionLevel.LEAGUE_CITY)


class RegionMatchError(ValueError):
    """A region could not be found from ``text``; ``candidates`` are the regions it could
    mean (ambiguous) or that come closest (not found), for a picker or a message."""

    def __init__(self, text: str, message: str, candidates: Iterable[Region] = ()) -> None:
        super().__init__(message)
        self.text = text
        self.candidates = list(candidates)


def strip_suffix(name: str, suffixes: tuple[str, ...]) -> str:
    """``name`` (a key) without the first of ``suffixes`` it ends with, unless nothing would
    be left."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def normal_code(text: str) -> str | None:
    """A division code without the zeros NBS pads it with (``150124000000`` → ``150124``,
    ``150124100000`` → ``150124100``); None when ``text`` is not a 6-, 9- or 12-digit code."""
    value = key(text)
    if not _CODE.match(value):
        return None
    if len(value) == 12 and value.endswith("000"):
        value = value[:9]
    if len(value) == 9 and value.endswith("000"):
        value = value[:6]
    return value


def is_county(region: Region) -> bool:
    """A county-level region (旗县市区): BANNER_COUNTY, or a 6-digit code below a city's."""
    if region.level in _COUNTY_LEVELS:
        return True
    code = region.code or ""
    return (
        region.level not in _ABOVE_COUNTY
        and len(code) == 6
        and code.isdigit()
        and not code.endswith("00")
    )


@dataclass
class RegionMatcher:
    """The regions of a dataset, indexed to be found by key, code and name."""

    regions: Iterable[Region]
    by_id: dict[str, Region] = field(init=False)
    by_code: dict[str, list[Region]] = field(init=False)
    children: dict[str, list[Region]] = field(init=False)

    def __post_init__(self) -> None:
        self.regions = list(self.regions)
        self.by_id = {r.id: r for r in self.regions}
        self.by_code = {}
        self.children = {}
        for region in self.regions:
            if region.code:
                self.by_code.setdefault(region.code, []).append(region)
            if region.parent:
                self.children.setdefault(region.parent, []).append(region)

    # ------------------------------------------------------------------------ naming

    def describe(self, region: Region) -> str:
        """``清水河县 (150124, 呼和浩特市)``: the name, code and parent, for messages."""
        parent = self.by_id.get(region.parent or "")
        details = [d for d in (region.code or region.id, parent.name if parent else None) if d]
        return f"{region.name} ({', '.join(details)})"

    def _names(self, region: Region) -> list[str]:
        """The keys a region is called by: name and aliases, also after its parents' names."""
        own = [key(n) for n in (region.name, *(region.aliases or []))]
        names = list(own)
        parent = self.by_id.get(region.parent or "")
        prefix = ""
        while parent is not None:
            prefix = key(parent.name) + prefix
            names += [prefix + n for n in own]
            parent = self.by_id.get(parent.parent or "")
        return names

    # ----------------------------------------------------------------------- counties

    def county(self, text: str) -> Region:
        """The county-level region ``text`` names: its key, its code (6 or 12 digits), its
        name or alias (with or without 县/旗/区/市, after its city's name or not).

        Raises :class:`RegionMatchError` when there is none, when the name fits several
        (candidates: all of them), or when it names a region of another level.
        """
        value = text.strip()
        if not value:
            raise RegionMatchError(text, "no county given")
        found = self.by_id.get(value)
        if found is None:
            code = normal_code(value)
            if code is not None:
                found = self._by_code(text, code)
        candidates = [found] if found is not None else self._named(value)
        counties = [r for r in candidates if is_county(r)]
        if len(counties) == 1:
            return counties[0]
        if len(counties) > 1:
            listed = "; ".join(self.describe(r) for r in counties)
            raise RegionMatchError(
                text,
                f"{text!r} names {len(counties)} counties: {listed}; give the code or the "
                "city's name before the county's (呼和浩特市新城区)",
                counties,
            )
        if candidates:
            region = candidates[0]
            below = [self.describe(r) for r in self.children.get(region.id, []) if is_county(r)]
            hint = f"; its counties: {'、'.join(below)}" if below else ""
            raise RegionMatchError(
                text,
                f"{text!r} is {self.describe(region)}, a {region.level.value}, not a county" + hint,
                [r for r in self.children.get(region.id, []) if is_county(r)],
            )
        raise RegionMatchError(
            text,
            f"unknown county {text!r}: no region of that key, code or name in the context"
            + self._near(value),
            self._close(value),
        )

    def _by_code(self, text: str, code: str) -> Region | None:
        found = self.by_code.get(code, [])
        if len(found) > 1:
            listed = "; ".join(self.describe(r) for r in found)
            raise RegionMatchError(
                text, f"code {code} is given to several regions: {listed}", found
            )
        return found[0] if found else None

    def _named(self, text: str) -> list[Region]:
        """Regions called ``text`` exactly (name, alias, after parents' names); else those
        called so once county suffixes are left off both sides."""
        wanted = key(text)
        exact = [r for r in self.regions if wanted in self._names(r)]
        if exact:
            return exact
        bare = strip_suffix(wanted, COUNTY_SUFFIXES)
        return [
            r
            for r in self.regions
            if is_county(r) and bare in {strip_suffix(n, COUNTY_SUFFIXES) for n in self._names(r)}
        ]

    def _close(self, text: str) -> list[Region]:
        wanted = strip_suffix(key(text), COUNTY_SUFFIXES)
        if len(wanted) < 2:
            return []
        return [r for r in self.regions if is_county(r) and wanted[:2] in key(r.name)][:10]

    def _near(self, text: str) -> str:
        close = self._close(text)
        return f"; did you mean {'、'.join(self.describe(r) for r in close)}?" if close else ""

    # -------------------------------------------------------------------------- towns

    def towns(self, county: Region) -> list[Region]:
        """The regions directly under ``county`` (towns, sumu, subdistricts and township-level
        units), by code then name."""
        return sorted(self.children.get(county.id, []), key=lambda r: (r.code or "", r.name))

    def town(self, county: Region, text: str) -> Region:
        """The region under ``county`` that ``text`` names: its key, its code (9 or 12
        digits), its name or alias (with or without 镇/乡/苏木/街道, after the county's name
        or not). Raises :class:`RegionMatchError` naming the county's towns otherwise."""
        towns = self.towns(county)
        value = text.strip()
        by_id = self.by_id.get(value)
        if by_id is not None and by_id in towns:
            return by_id
        code = normal_code(value)
        if code is not None:
            coded = [t for t in towns if t.code == code]
            if coded:
                return coded[0]
        wanted = key(value)
        county_names = [key(n) for n in (county.name, *(county.aliases or []))]
        for prefix in county_names:
            if wanted.startswith(prefix) and len(wanted) > len(prefix):
                wanted = wanted[len(prefix) :]
                break
        exact = [t for t in towns if wanted in {key(n) for n in (t.name, *(t.aliases or []))}]
        if len(exact) == 1:
            return exact[0]
        bare = strip_suffix(wanted, TOWN_SUFFIXES)
        loose = exact or [
            t
            for t in towns
            if bare in {strip_suffix(key(n), TOWN_SUFFIXES) for n in (t.name, *(t.aliases or []))}
        ]
        if len(loose) == 1:
            return loose[0]
        if loose:
            listed = "、".join(self.describe(t) for t in loose)
            raise RegionMatchError(
                text, f"{text!r} could be any of {listed} in {county.name}; write it in full", loose
            )
        elsewhere = [
            r
            for r in self.regions
            if r.parent != county.id and not is_county(r) and wanted in self._names(r)
        ]
        if by_id is not None or elsewhere:
            region = by_id or elsewhere[0]
            parent = self.by_id.get(region.parent or "")
            where = parent.name if parent else region.parent or "no parent"
            return self._not_here(text, county, towns, f"it is in {where}")
        return self._not_here(text, county, towns, "")

    def _not_here(self, text: str, county: Region, towns: list[Region], why: str) -> Region:
        known = "、".join(t.name for t in towns) or "(none in the context)"
        if why:
            message = f"{text!r} is not a town of {county.name} ({why}); its towns: {known}"
        else:
            message = f"unknown town or subdistrict {text!r} in {county.name}; its towns: {known}"
        raise RegionMatchError(text, message, towns)


def resolve_county(regions: Iterable[Region], text: str) -> Region:
    """The county-level region ``text`` names among ``regions`` (see :meth:`RegionMatcher.
    county`); raises :class:`RegionMatchError` with the candidates otherwise."""
    return RegionMatcher(regions).county(text)


__all__ = [
    "COUNTY_SUFFIXES",
    "TOWN_SUFFIXES",
    "RegionMatchError",
    "RegionMatcher",
    "is_county",
    "normal_code",
    "resolve_county",
    "strip_suffix",
]
