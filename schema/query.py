"""The root Query type."""

from __future__ import annotations

import strawberry

from schema.errors import ApiError, ErrorCode
from schema.types import LEVEL_ORDER, Region, RegionLevel


@strawberry.type
class Query:
    @strawberry.field(
        description="Regions of the hierarchy, roots first then level by level, by name "
        "within a level; `level` keeps one level only."
    )
    async def regions(
        self, info: strawberry.Info, level: RegionLevel | None = None
    ) -> list[Region]:
        rows = await info.context.store.read(
            "regions_list", {"level": level.value if level else None}
        )
        regions = [Region.from_row({**row["region"], "parentId": row["parentId"]}) for row in rows]
        return sorted(regions, key=lambda r: (LEVEL_ORDER[r.level.value], r.name))

    @strawberry.field(description="One region by id.")
    async def region(self, info: strawberry.Info, id: strawberry.ID) -> Region:
        row = await info.context.loaders.region_by_id.load(str(id))
        if row is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"No region with id {id!r}.")
        return Region.from_row(row)
