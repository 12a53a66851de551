"""Find a region of a dataset the way people name it: by id, by official code or by name.

``--county 清水河县``, ``--county 150124`` and ``--county region:150124`` must mean the same
county, and a name two regions share must be refused with the candidates, never resolved by
guessing. :func:`resolve_region` does that on a validated :class:`Dataset` (the context a
table is read against, with the region tree merged in), for any caller that turns a user's
words into a region.
"""

from __future__ import annotations

from collections.abc import Collection

from domain import RegionLevel
from graph_loaders.dataset import Dataset, Region
from graph_store.region_codes import is_code_like, normalise_code


class RegionNotFoundError(LookupError):
    """No region has that id, code or name (at the levels asked for)."""


class AmbiguousRegionError(LookupError):
    """More than one region has that name; ``candidates`` lists them (say which by code)."""

    def __init__(self, message: str, candidates: list[Region]) -> None:
        super().__init__(message)
        self.candidates = candidates


def describe(region: Region, parent: Region | None = None) -> str:
    """``全宁街道 (150404401, region:150404401, in 松山区)``: how a message names a region."""
    code = f"{region.code}, " if region.code else ""
    where = f", in {parent.name}" if parent is not None else ""
    return f"{region.name} ({code}{region.id}{where})"


def resolve_region(
    dataset: Dataset, text: str, levels: Collection[RegionLevel] | None = None
) -> Region:
    """The one region of ``dataset`` that ``text`` names, at one of ``levels`` (any if None).

    Tried in order: an id (``region:150124``); an official code in its 6-, 9- or 12-digit form
    (``150124``, ``150124000000``); an exact name or alias (``清水河县``; an alias such as
    ``乌海市海勃湾区`` too). Raises :class:`RegionNotFoundError` when nothing matches and
    :class:`AmbiguousRegionError` when a name matches several regions (with them, so the
    message can ask for the code).
    """
    key = text.strip()
    allowed = [r for r in dataset.regions if levels is None or r.level in levels]
    wanted = "" if levels is None else " at level " + "/".join(sorted(str(v) for v in levels))
    by_id = [r for r in allowed if r.id == key]
    if by_id:
        return by_id[0]
    if is_code_like(key):
        code = normalise_code(key)
        by_code = [r for r in allowed if code is not None and r.code == code]
        if by_code:
            return by_code[0]
        raise RegionNotFoundError(f"no region{wanted} has the code {key!r}")
    by_name = [r for r in allowed if r.name == key or key in (r.aliases or [])]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        parents = {r.id: r for r in dataset.regions}
        listed = "; ".join(
            describe(r, parents.get(r.parent or ""))
            for r in sorted(by_name, key=lambda r: r.code or r.id)
        )
        raise AmbiguousRegionError(
            f"{len(by_name)} regions{wanted} are called {key!r}: {listed}; give the code or id",
            by_name,
        )
    raise RegionNotFoundError(f"no region{wanted} has the id or name {key!r}")
