"""GraphQL object types. Each is built from the plain dict a statement returns."""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from schema.errors import ApiError, ErrorCode


@strawberry.enum(description="Administrative level of a region, from the autonomous region down.")
class RegionLevel(enum.Enum):
    AUTONOMOUS_REGION = "AUTONOMOUS_REGION"
    LEAGUE_CITY = "LEAGUE_CITY"
    BANNER_COUNTY = "BANNER_COUNTY"
    TOWNSHIP = "TOWNSHIP"
    SUBDISTRICT = "SUBDISTRICT"


LEVEL_ORDER = {level.value: rank for rank, level in enumerate(RegionLevel)}


@strawberry.type(description="Where a fact comes from: a source document and the exact quote.")
class Provenance:
    source: str = strawberry.field(description="File name of the source document.")
    quote: str = strawberry.field(description="The sentence the fact is taken from, verbatim.")


def provenance_of(row: dict[str, Any]) -> list[Provenance]:
    """Pair the parallel ``sources``/``quotes`` lists a node stores into Provenance objects."""
    sources = row.get("sources") or []
    quotes = row.get("quotes") or []
    return [Provenance(source=s, quote=q) for s, q in zip(sources, quotes, strict=False)]


@strawberry.type(description="A region of the administrative hierarchy.")
class Region:
    id: strawberry.ID
    name: str
    level: RegionLevel
    aliases: list[str]
    synthetic: bool = strawberry.field(
        description="True when the generator made this region up; never a documented fact."
    )
    provenance: list[Provenance]
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Region:
        """Build from a ``region`` map plus ``parentId``; unknown levels are a data error."""
        try:
            level = RegionLevel(row["level"])
        except ValueError:
            raise ApiError(ErrorCode.INTERNAL, "Region with an unknown level.") from None
        return cls(
            id=strawberry.ID(row["id"]),
            name=row["name"],
            level=level,
            aliases=list(row.get("aliases") or []),
            synthetic=bool(row.get("synthetic")),
            provenance=provenance_of(row),
            parent_id=row.get("parentId"),
        )

    @strawberry.field(description="The region this one is part of; null for the root.")
    async def parent(self, info: strawberry.Info) -> Region | None:
        if self.parent_id is None:
            return None
        row = await info.context.loaders.region_by_id.load(self.parent_id)
        return Region.from_row(row) if row else None

    @strawberry.field(description="The regions directly under this one, by name.")
    async def children(self, info: strawberry.Info) -> list[Region]:
        rows = await info.context.loaders.region_children.load(str(self.id))
        return [Region.from_row(row) for row in rows]
