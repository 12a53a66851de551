"""Who holds what: the claim matrix of a list over a region's towns, and its reverse.

The matrix is shaped for size: a town's claims are compact cells naming items by key, not
nested item objects, because Strawberry spends most of its time completing large lists of
objects (strawberry #3544); the items themselves are listed once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from domain import ClaimMode, ListKind
from schema.errors import ApiError, ErrorCode
from schema.nodes import PowerItem, PowerList, Provenance, Region, mode_of, provenance_of

#: Asked of townships that set up an enforcement bureau (内蒙古, 004 and 002): claim at
#: least 70% of the delegated items.
DEFAULT_TARGET_RATE = 0.7


@strawberry.type(description="One claimed item of one town: mode 确认/交办 (CONFIRM/ASSIGN).")
class ClaimCell:
    item: str = strawberry.field(description="Key of the power item.")
    mode: ClaimMode | None
    date: str | None
    status: str | None
    synthetic: bool
    provenance: list[Provenance]


@strawberry.type(description="One town or subdistrict's row of the claim matrix.")
class TownClaims:
    town: Region
    has_enforcement_bureau: bool
    claimed_count: int | None = strawberry.field(
        description="Items claimed: counted from item-level claims, or as the source states."
    )
    of_count: int | None = strawberry.field(description="Items it could claim (the base).")
    rate: float | None = strawberry.field(
        description="Claimed ÷ base: as the source states it (`rateStated`), or computed."
    )
    rate_stated: bool = strawberry.field(
        description="True when the rate is the source's own figure, false when computed."
    )
    meets_target: bool | None = strawberry.field(
        description="rate ≥ targetRate; null when the rate is unknown."
    )
    items_named: bool = strawberry.field(
        description="False when the sources give only a count: the items are not named."
    )
    note: str | None
    synthetic: bool
    provenance: list[Provenance]
    # The town's claims as the statement gave them and the matrix's item keys: the cells and
    # the compact lists are built from them only when a query asks for them, and the claim
    # rows sorted by item key only for the cells and `claimedItems`.
    claimed: strawberry.Private[ClaimsOfTown]
    item_keys: strawberry.Private[list[str]]

    @strawberry.field(
        description="Keys of named items it did not claim (empty when items are not named)."
    )
    def unclaimed(self) -> list[str]:
        if not self.items_named:
            return []
        modes = self.claimed.modes
        return [key for key in self.item_keys if key not in modes]

    @strawberry.field(
        description="One cell per claimed item, by item key, with mode, date, status and "
        "provenance. For a large matrix prefer `itemModes` or `claimedItems`: a list of "
        "scalars costs a fraction of an object per cell to answer."
    )
    def claims(self) -> list[ClaimCell]:
        return [
            ClaimCell(
                item=row["item"],
                mode=mode_of(row["mode"]),
                date=row["date"],
                status=row["status"],
                synthetic=bool(row["synthetic"]),
                provenance=provenance_of(row),
            )
            for row in sorted(self.claimed.rows, key=_by_item)
        ]

    @strawberry.field(
        description="Keys of the items it claimed, in key order (the order of `claims`)."
    )
    def claimed_items(self) -> list[str]:
        return sorted(row["item"] for row in self.claimed.rows)

    @strawberry.field(
        description="One entry per item of `ClaimMatrix.items`, in that order: the mode of "
        "this town's claim of it (CONFIRM or ASSIGN), or null when it did not claim it or the "
        "sources name no items (`itemsNamed: false`). The compact row for drawing a large "
        "matrix: ask for `itemKeys` once and `itemModes` per town."
    )
    def item_modes(self) -> list[ClaimMode | None]:
        return list(map(self.claimed.modes.get, self.item_keys))


@strawberry.type(description="Towns × items of a list over a region, with rates.")
class ClaimMatrix:
    power_list: PowerList = strawberry.field(name="list")
    region: Region
    target_rate: float
    item_count: int | None = strawberry.field(
        description="Items in the list as the source states it."
    )
    towns: list[TownClaims]
    item_claim_counts: list[int] = strawberry.field(
        description="How many of `towns` claimed each item of `items`, in the same order (the "
        "order `items` is sorted by)."
    )
    # The items' properties in the matrix's order: made into objects only for a query that
    # asks for `items` (the compact matrix needs their keys alone).
    item_rows: strawberry.Private[list[dict[str, Any]]]

    @strawberry.field(description="Named items, most-claimed first (then by sequence).")
    def items(self) -> list[PowerItem]:
        return [PowerItem.from_props(props) for props in self.item_rows]

    @strawberry.field(
        description="Keys of `items`, in the same order: with `TownClaims.itemModes`, a large "
        "matrix in lists of scalars (no object per item or per cell)."
    )
    def item_keys(self) -> list[str]:
        return [props["id"] for props in self.item_rows]

    @strawberry.field(
        description="Towns whose rate is below the target; by default only those with an "
        "enforcement bureau, the towns the 70% rule is for."
    )
    def short_of_target(self, with_enforcement_bureau_only: bool = True) -> list[TownClaims]:
        return [
            t
            for t in self.towns
            if t.meets_target is False
            and (t.has_enforcement_bureau or not with_enforcement_bureau_only)
        ]


#: A compact claim's mode word as the enum: a claim without a mode (``item=``) has none.
_MODE_OF_WORD: Final[dict[str, ClaimMode | None]] = {"": None} | {m.value: m for m in ClaimMode}


#: What each claim's list of values holds, in order, in ``claim_matrix_of_region`` with
#: ``$cells``.
CELL_COLUMNS = ("item", "mode", "date", "status", "synthetic", "sources", "quotes")


class ClaimsOfTown:
    """A town's claims as ``claim_matrix_of_region`` answers them: with ``$cells`` a list of
    values per claim (:data:`CELL_COLUMNS`); without, one string of ``item=MODE`` words (a
    claim without a mode as ``item=``), which the engine's client decodes as one value
    instead of three per claim (cypher/COMPAT.md).

    ``modes`` (each claimed item's mode, the last claim of an item winning) is all the
    compact matrix needs: it is read straight from the string, and the claim rows (a dict
    per claim: a league's matrix has about 4,000) are made only for a query that asks for
    the cells or ``claimedItems``."""

    __slots__ = ("_compact", "_rows", "modes")

    def __init__(self, claims: str | list[list[Any]]) -> None:
        self._rows: list[dict[str, Any]] | None = None
        self._compact = ""
        self.modes: dict[str, ClaimMode | None]
        if isinstance(claims, str):
            self._compact = claims
            # item, mode, item, mode, ... (ids hold neither `=` nor a space; Neo4j's string
            # ends in a space, which leaves one word over): a league's 4,000 claims a request,
            # in a third of the time of a `partition` per claim
            words = claims.replace(" ", "=").split("=")
            modes = map(_MODE_OF_WORD.__getitem__, words[1::2])
            self.modes = dict(zip(words[::2], modes, strict=False))
        else:
            self._rows = [dict(zip(CELL_COLUMNS, values, strict=True)) for values in claims]
            self.modes = {row["item"]: mode_of(row["mode"]) for row in self._rows}

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One dict per claim, in the statement's order: ``item`` and ``mode`` (the stored
        value or None), and with the cells their date, status and provenance."""
        if self._rows is None:
            self._rows = [
                {"item": item, "mode": mode or None}
                for item, _, mode in (claim.partition("=") for claim in self._compact.split())
            ]
        return self._rows


def _by_item(row: dict[str, Any]) -> str:
    return str(row["item"])


def _rate(claimed: int | None, of: int | None) -> float | None:
    if claimed is None or not of:
        return None
    return round(claimed / of, 4)


def town_row(
    town: dict[str, Any],
    summary: dict[str, Any] | None,
    has_bureau: bool,
    claims: ClaimsOfTown,
    item_keys: list[str],
    item_count: int | None,
    target_rate: float,
) -> TownClaims:
    """A town's row: from item-level claims when there are any, else from the stated count."""
    modes = claims.modes  # its claimed items, each once
    if modes or summary is None:
        of = item_count or len(item_keys) or None
        claimed: int | None = len(modes) if (modes or item_keys) else None
        rate = _rate(claimed, of)
        named = bool(item_keys)
        provenance: list[Provenance] = []
        note = None
        synthetic = bool(town.get("synthetic"))
        stated = False
    else:
        claimed = summary.get("claimedCount")
        of = summary.get("ofCount") or item_count
        stated = summary.get("rate") is not None
        rate = summary["rate"] if stated else _rate(claimed, of)
        named = False  # a summary is a count: the data model never lets one name items
        provenance = provenance_of(summary)
        note = summary.get("note")
        synthetic = bool(summary.get("synthetic"))
    return TownClaims(
        town=Region.from_props(town),
        has_enforcement_bureau=has_bureau,
        claimed_count=claimed,
        of_count=of,
        rate=rate,
        rate_stated=stated,
        meets_target=None if rate is None else rate >= target_rate,
        items_named=named,
        note=note,
        synthetic=synthetic,
        provenance=provenance,
        claimed=claims,
        item_keys=item_keys,
    )


def _selects(selections: list[Selection], name: str) -> bool:
    """Whether a field called ``name`` is selected anywhere in ``selections`` (fragments
    included)."""
    return any(
        (isinstance(selection, SelectedField) and selection.name == name)
        or _selects(selection.selections, name)
        for selection in selections
    )


def _asks_for_cells(info: strawberry.Info) -> bool:
    """Whether the query asks for claim cells (``claims``: a claim's date, status and
    provenance) anywhere in this matrix. Without them, the claims statement returns only town,
    item and mode: for the compact shape (`itemModes`), a county's claims decode in half the
    time (docs/performance.md)."""
    return _selects(info.selected_fields, "claims")


async def claim_matrix(
    info: strawberry.Info, list_key: str, region_key: str, target_rate: float
) -> ClaimMatrix:
    """Build the matrix with one statement, whatever the number of towns and items."""
    if not 0 <= target_rate <= 1:
        raise ApiError(ErrorCode.BAD_INPUT, "targetRate must be between 0 and 1.")
    cells = _asks_for_cells(info)
    params = {
        "list": list_key,
        "region": region_key,
        "cells": cells,
        # the items' every property only for a query that selects them (`items`): else their
        # keys, sequence numbers and names, which order them, are all that is read
        "wholeItems": _selects(info.selected_fields, "items"),
    }
    [row] = await info.context.store.read("claim_matrix_of_region", params)
    power_list, region = row["list"], row["region"]
    if power_list is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"No PowerList with key {list_key!r}.", key=list_key)
    if region is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"No Region with key {region_key!r}.", key=region_key)
    if power_list.get("kind") == ListKind.STATUTORY:
        raise ApiError(
            ErrorCode.BAD_INPUT,
            f"{list_key!r} is a statutory list (法定): towns hold its items by law, so there "
            "is nothing to claim.",
            key=list_key,
        )

    by_town = {town["id"]: ClaimsOfTown(claims) for town, _, _, claims in row["towns"]}
    # towns per item (a town counts once however many claims name the item)
    popularity: Counter[str] = Counter()
    for claims in by_town.values():
        popularity.update(claims.modes.keys())  # counted in C, not a generator step per claim
    item_rows = sorted(
        row["items"],
        key=lambda props: (-popularity[props["id"]], props.get("seq") or 0, props["name"]),
    )
    item_keys = [props["id"] for props in item_rows]
    item_count = power_list.get("itemCount")
    towns = [
        town_row(
            town,
            summary,
            bool(has_bureau),
            by_town[town["id"]],
            item_keys,
            item_count,
            target_rate,
        )
        for town, summary, has_bureau, _ in row["towns"]
    ]
    return ClaimMatrix(
        power_list=PowerList.from_props(power_list),
        region=Region.from_props(region),
        target_rate=target_rate,
        item_count=item_count,
        item_rows=item_rows,
        towns=towns,
        item_claim_counts=[popularity[key] for key in item_keys],
    )
