"""The root Query type: lookups, the region tree and search. The analyses (claims, chains,
mergers) live in their own modules and are mixed in by :mod:`schema`."""

from __future__ import annotations

import enum
from typing import Annotated, TypeVar

import strawberry
from strawberry import relay

from domain import LEVEL_ORDER, BodyKind, EventKind, PowerType, RegionLevel
from graph_store.region_codes import is_code_like, normalise_code
from graph_store.search_terms import query_terms, search_key
from schema import provenance
from schema.chains import DelegationChain, chains_through_body, delegation_chains
from schema.claims import DEFAULT_TARGET_RATE, ClaimMatrix, claim_matrix
from schema.connection import CountedConnection, Page, rows_for_page
from schema.errors import ApiError, ErrorCode
from schema.impact import MergerImpact, merger_impact, recorded_merger_impact
from schema.limits import limits_of
from schema.lineage import Lineage, lineage
from schema.loaders import Entity, checked
from schema.nodes import (
    Body,
    Document,
    GraphNode,
    PowerItem,
    PowerList,
    ReformEvent,
    Region,
    Source,
    Statistic,
    to_node,
)
from schema.provenance import Disagreement
from schema.region_keys import optional_region_id, region_id
from schema.selection import PendingPlans, field_plan, pending_plan


@strawberry.enum(description="What a search looks at.")
class SearchKind(enum.Enum):
    REGION = "Region"
    BODY = "Body"
    ENFORCEMENT_TEAM = "EnforcementTeam"
    POWER_ITEM = "PowerItem"
    POWER_LIST = "PowerList"
    DOCUMENT = "Document"
    REFORM_EVENT = "ReformEvent"
    STATISTIC = "Statistic"


T = TypeVar("T", bound=GraphNode)


async def _lookup(
    info: strawberry.Info, node_type: type[T], key: str, entity_id: str | None = None
) -> T:
    """The node of ``entity_id`` (default ``key``), with everything the query selects below
    it read in the same statement when the selection compiles; NOT_FOUND names ``key`` as
    given."""
    plan = field_plan(info, node_type.label)
    if plan is not None:
        entity = await info.context.selections.load(plan, entity_id or key)
    else:
        entity = await info.context.loaders.entity.load(entity_id or key)
    return node_type.from_entity(checked(entity, node_type.label, key))


def _page_cap(info: strawberry.Info) -> int:
    return int(info.schema.config.relay_max_results)


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global `id`; null if there is none.")
    async def node(self, info: strawberry.Info, id: relay.GlobalID) -> relay.Node | None:
        # A plain resolver rather than relay.node(): that field object cannot be shared by two
        # schemas in one process, and tests and benchmarks build several.
        return await id.resolve_node(info, required=False)

    @strawberry.field(
        description="The region tree: roots first, then level by level, by name within a "
        "level. `level` keeps one level; `under` keeps a region (key or official code) and "
        "everything below it. More regions than the page cap is LIMIT_EXCEEDED: narrow with "
        "`level` or `under`."
    )
    async def regions(
        self,
        info: strawberry.Info,
        level: RegionLevel | None = None,
        under: str | None = None,
    ) -> list[Region]:
        cap = _page_cap(info)
        rows = await info.context.store.read(
            "regions_list",
            {
                "level": level.value if level else None,
                "under": await optional_region_id(info, under),
                "limit": cap + 1,
            },
        )
        if len(rows) > cap:
            raise ApiError(
                ErrorCode.LIMIT_EXCEEDED,
                f"More than {cap} regions match; narrow with `level` or `under`.",
                limit="page_size",
            )
        plan = pending_plan(info, "Region")
        regions = [Region.from_entity(Entity(("Region",), row["props"]), plan) for row in rows]
        return sorted(regions, key=lambda r: (LEVEL_ORDER[r.level], r.name))

    @strawberry.field(
        description="One region by key (`region:haibowan`) or by official code (统计用区划代码: "
        "`150302`, `150302101`, or the 12-digit `150302101000`)."
    )
    async def region(self, info: strawberry.Info, key: str) -> Region:
        return await _lookup(info, Region, key, await region_id(info, key))

    @strawberry.field(description="One body (or enforcement team) by key.")
    async def body(self, info: strawberry.Info, key: str) -> Body:
        return await _lookup(info, Body, key)

    @strawberry.field(description="One power list by key.")
    async def power_list(self, info: strawberry.Info, key: str) -> PowerList:
        return await _lookup(info, PowerList, key)

    @strawberry.field(description="One power item by key.")
    async def power_item(self, info: strawberry.Info, key: str) -> PowerItem:
        return await _lookup(info, PowerItem, key)

    @strawberry.field(description="One cited policy document by key.")
    async def document(self, info: strawberry.Info, key: str) -> Document:
        return await _lookup(info, Document, key)

    @strawberry.field(description="One reform event by key.")
    async def reform_event(self, info: strawberry.Info, key: str) -> ReformEvent:
        return await _lookup(info, ReformEvent, key)

    @strawberry.field(
        description="Who claimed what: each town and subdistrict at or under `region` with "
        "the items of `list` it claimed (mode, date) and did not, its rate, and whether it "
        "meets `targetRate` (default 0.7, asked of towns with an enforcement bureau). Where "
        "the sources give only a count, the row has the count and `itemsNamed: false`. "
        "`region` is a key or an official code. A region with more towns than the cap (500 by "
        "default) is LIMIT_EXCEEDED: draw a league or a county."
    )
    async def claim_matrix(
        self,
        info: strawberry.Info,
        power_list: Annotated[str, strawberry.argument(name="list")],
        region: str,
        target_rate: float = DEFAULT_TARGET_RATE,
    ) -> ClaimMatrix:
        matrix = await claim_matrix(info, power_list, await region_id(info, region), target_rate)
        cap = limits_of(info).claim_matrix_towns
        if len(matrix.towns) > cap:
            # the answer is priced at this many towns (schema/cost.py): never more
            raise ApiError(
                ErrorCode.LIMIT_EXCEEDED,
                f"{len(matrix.towns)} towns and subdistricts are under this region; a claim "
                f"matrix holds at most {cap}: draw it for a league or a county.",
                limit="claim_matrix_towns",
            )
        return matrix

    @strawberry.field(
        description="A body's predecessors and successors through reform events, up to "
        "`depth` events each way (at most 10)."
    )
    async def lineage(self, info: strawberry.Info, body: str, depth: int = 10) -> Lineage:
        return await lineage(info, body, depth)

    @strawberry.field(
        description="The paths a power item takes: list → original holder → town (or body) "
        "→ the body that exercises it, each hop with its attributes and provenance. `town` "
        "(a key or an official code) keeps the chains that reach that town or subdistrict."
    )
    async def delegation_chains(
        self, info: strawberry.Info, item: str, town: str | None = None
    ) -> list[DelegationChain]:
        return await delegation_chains(info, item, await optional_region_id(info, town))

    @strawberry.field(description="Every delegation chain that passes through a body.")
    async def chains_through(self, info: strawberry.Info, body: str) -> list[DelegationChain]:
        return await chains_through_body(info, body)

    @strawberry.field(
        description="What if `bodies` merged into `target` (an existing body) or into a new "
        "body called `newName`: powers (union, overlaps), delegations re-routed, superiors "
        "that change, regions touched, staff quota before/after, conflicts. Never writes. At "
        "most 50 bodies (by default)."
    )
    async def merger_impact(
        self,
        info: strawberry.Info,
        bodies: list[str],
        target: str | None = None,
        new_name: str | None = None,
    ) -> MergerImpact:
        return await merger_impact(info.context, bodies, target, new_name)

    @strawberry.field(
        description="The same report for a merger that happened, from the recorded event."
    )
    async def recorded_merger_impact(self, info: strawberry.Info, event: str) -> MergerImpact:
        return await recorded_merger_impact(info.context, event)

    @relay.connection(
        CountedConnection[ReformEvent],
        description="Reform events by date, filterable by region subtree (`under`: a key or "
        "an official code), kind and dates.",
    )
    async def reform_events(
        self,
        info: strawberry.Info,
        under: str | None = None,
        kind: EventKind | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[ReformEvent]:
        rows = await info.context.store.read(
            "reform_events_list",
            {
                "under": await optional_region_id(info, under),
                "kind": kind.value if kind else None,
                "from": date_from,
                "to": date_to,
                "limit": 10 * _page_cap(info),
            },
        )
        plan = pending_plan(info, "ReformEvent", connection=True)
        return [
            ReformEvent.from_entity(Entity(("ReformEvent",), row["props"]), plan) for row in rows
        ]

    @relay.connection(
        CountedConnection[Statistic],
        description="Before/after statistics, filterable by region subtree (`under`: a key or "
        "an official code), metric and date "
        "(`dateFrom`/`dateTo`, ISO, inclusive; undated figures drop out when either is set).",
    )
    async def statistics(
        self,
        info: strawberry.Info,
        under: str | None = None,
        metric: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[Statistic]:
        rows = await info.context.store.read(
            "statistics_list",
            {
                "under": await optional_region_id(info, under),
                "metric": metric,
                "from": date_from,
                "to": date_to,
                "limit": 10 * _page_cap(info),
            },
        )
        plan = pending_plan(info, "Statistic", connection=True)
        return [Statistic.from_entity(Entity(("Statistic",), row["props"]), plan) for row in rows]

    sources: list[Source] = strawberry.field(
        resolver=provenance.sources,
        description="The source documents every fact cites: title, issuer, date, kind, file.",
    )
    disagreements: list[Disagreement] = strawberry.field(
        resolver=provenance.disagreements,
        description="Where sources state different things about the same fact, each in its "
        "own words (also on the facts concerned: `Statistic.disagreements`).",
    )

    @relay.connection(
        CountedConnection[relay.Node],
        description="Find regions, bodies, teams, power items, lists, cited documents, "
        "events and statistics whose name (or title, alias, signboard; a statistic's label or "
        "metric) contains `text`, exact or partial Chinese, simplified or traditional (either "
        "finds both: 内蒙古 finds 內蒙古), letters in any case, "
        "and regions whose official code starts with `text` (`150302` finds 海勃湾区 "
        "and its towns; the 12-digit form is read as the short one). Filters: `kinds`, region "
        "subtree `under` (a key or a code), `level`, body `kind`, `powerType`, `list`, and "
        "`validAt` (ISO date: only what existed then).",
    )
    async def search(
        self,
        info: strawberry.Info,
        text: str,
        kinds: list[SearchKind] | None = None,
        under: str | None = None,
        level: RegionLevel | None = None,
        kind: BodyKind | None = None,
        power_type: PowerType | None = None,
        in_list: Annotated[str | None, strawberry.argument(name="list")] = None,
        valid_at: str | None = None,
    ) -> list[relay.Node]:
        # all digits: also a region code, or the start of one, to match by prefix
        code = (normalise_code(text) or text.strip()) if is_code_like(text) else None
        terms = query_terms(code or text)
        if terms is None:
            raise ApiError(
                ErrorCode.BAD_INPUT,
                "Search text must hold at least one letter, digit or Chinese character.",
            )
        common = {
            "text": search_key(text.strip()),  # simplified, lower case: as names are kept
            "code": code,
            "terms": terms,
            # null: every kind, which the statement tests with a fixed `NOT n:Source` (cheaper
            # than matching each candidate's labels against the list of all of them)
            "labels": (
                None if not kinds or set(kinds) == set(SearchKind) else [k.value for k in kinds]
            ),
            "level": level.value if level else None,
            "kind": kind.value if kind else None,
            "powerType": power_type.value if power_type else None,
            "validAt": valid_at,
            "limit": rows_for_page(info, 10 * _page_cap(info)),
        }
        # the region and list filters walk from every candidate: only when asked for
        if under is not None or in_list is not None:
            statement, params = (
                "search_entities_within",
                {
                    **common,
                    "under": await optional_region_id(info, under),
                    "list": in_list,
                },
            )
        else:
            statement, params = "search_entities", common
        [result] = await info.context.store.read(statement, params)
        found = [to_node(Entity.from_row(row)) for row in result["page"]]
        plans = PendingPlans(info, connection=True)
        return Page(
            [plans.pending(node) for node in found if node is not None], total=result["total"]
        )
