"""A deterministic generator of synthetic datasets shaped like the reform, for tests and load.

Two profiles:

* ``inner-mongolia``: one autonomous region, 12 leagues/cities, ~103 banners/counties,
  ~1,000 towns and subdistricts, the 99-item list delegated to towns (80 penalties), with
  county governments, departments, enforcement teams, vertically managed units, town
  governments, service centres and enforcement bureaus, holdings, delegations, claims,
  exercises, merger histories, transfers up and before/after statistics;
* ``national``: the same shape at the size of the country: 31 provincial regions (each with
  its own 160-item list), ~333 prefectures, ~2,800 counties, ~38,000 towns and ~3.8 million
  claims; fewer departments and teams per county, to keep memory in check.

``generate(profile, seed, scale=...)`` is a pure function of its arguments: it draws from its
own ``random.Random`` (never the global one) and never iterates over a set. Everything it
makes is marked synthetic: the dataset and every record carry ``synthetic=True`` and no
provenance, every id starts with ``syn:`` (documented ids never do) and every name with 合成.
Records are built with ``model_construct`` (no validation): the generator only produces valid
values, and validating millions of records would cost minutes; tests run the small profile
through the full validation and :func:`graph_loaders.checks.check_dataset`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain import BodyKind, ClaimMode, EventKind, PowerType, RegionLevel, SuperiorRelation
from domain.profiles import PROFILES, Profile
from graph_loaders.dataset import (
    FORMAT,
    SECTIONS,
    Body,
    Claim,
    Dataset,
    Delegation,
    Exercise,
    Holding,
    PowerItem,
    PowerList,
    ReformEvent,
    Region,
    Statistic,
    TypeCount,
)

#: Every generated id starts with this; documented ids (``region:…``, ``body:…``) never do.
ID_PREFIX = "syn:"
#: Every generated name starts with this (合成 = "synthetic").
NAME_PREFIX = "合成"


@dataclass(frozen=True)
class ProfileSpec:
    """The sizes of one profile at scale 1.0 (counts of regions scale; per-unit shapes do not)."""

    provinces: int
    leagues: int
    counties: int
    towns: int  # townships and subdistricts together
    subdistrict_share: float
    departments: tuple[int, int]  # departments per county (min, max), core ones included
    teams: tuple[int, int]  # enforcement teams per county
    vertical_units: tuple[int, int]
    items: int  # items of each provincial list
    penalty_items: int
    bureau_share: float  # townships with an enforcement bureau
    delegation_share: float  # claims that come with a delegation record from the holder
    township_rate: tuple[float, float]  # claim rate of a township, drawn uniformly
    subdistrict_rate: tuple[float, float]  # claim rate of a subdistrict over non-penalty items
    merges: tuple[int, int]  # merger events per county
    transfer_up_share: float  # counties that moved a team up to their league


SPECS: dict[str, ProfileSpec] = {
    "inner-mongolia": ProfileSpec(
        provinces=1,
        leagues=12,
        counties=103,
        towns=1_000,
        subdistrict_share=0.2,
        departments=(20, 30),
        teams=(4, 6),
        vertical_units=(2, 4),
        items=99,
        penalty_items=80,
        bureau_share=0.85,
        delegation_share=0.5,
        township_rate=(0.45, 0.98),
        subdistrict_rate=(0.5, 1.0),
        merges=(1, 2),
        transfer_up_share=0.25,
    ),
    "national": ProfileSpec(
        provinces=31,
        leagues=333,
        counties=2_800,
        towns=38_000,
        subdistrict_share=0.2,
        departments=(12, 14),
        teams=(2, 3),
        vertical_units=(1, 1),
        items=160,
        penalty_items=128,
        bureau_share=0.85,
        delegation_share=0.1,
        township_rate=(0.5, 0.98),
        subdistrict_rate=(0.5, 1.0),
        merges=(1, 1),
        transfer_up_share=0.1,
    ),
}

# County departments: (id key, name suffix). The first ones are "core": every county has them,
# because they hold list items or manage an enforcement team.
_CORE_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("market", "市场监督管理局"),
    ("urban", "城市管理综合执法局"),
    ("health", "卫生健康委员会"),
    ("emergency", "应急管理局"),
    ("energy", "能源局"),
    ("labour", "人力资源和社会保障局"),
    ("ecology", "生态环境局"),
    ("natres", "自然资源局"),
    ("housing", "住房和城乡建设局"),
    ("agri", "农牧局"),
    ("water", "水利局"),
    ("forest", "林业和草原局"),
)
_OTHER_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("office", "人民政府办公室"),
    ("develop", "发展和改革委员会"),
    ("edu", "教育局"),
    ("science", "科学技术局"),
    ("industry", "工业和信息化局"),
    ("police", "公安局"),
    ("civil", "民政局"),
    ("justice", "司法局"),
    ("finance", "财政局"),
    ("transport", "交通运输局"),
    ("commerce", "商务局"),
    ("culture", "文化旅游体育局"),
    ("veterans", "退役军人事务局"),
    ("audit", "审计局"),
    ("stats", "统计局"),
    ("medins", "医疗保障局"),
    ("approval", "行政审批和政务服务局"),
    ("petition", "信访局"),
)
# Enforcement domains: (id key, domain as the documented data spells it, team name suffix).
_DOMAINS: tuple[tuple[str, str, str], ...] = (
    ("market", "market regulation", "市场监管综合行政执法大队"),
    ("urban", "urban management", "城市管理综合行政执法大队"),
    ("health", "health", "卫生健康综合行政执法大队"),
    ("emergency", "emergency management", "应急管理综合行政执法大队"),
    ("energy", "energy", "能源综合行政执法大队"),
    ("labour", "labour inspection", "劳动保障监察综合行政执法大队"),
)
_VERTICAL_UNITS: tuple[tuple[str, str], ...] = (
    ("tax", "税务局"),
    ("weather", "气象局"),
    ("stats-survey", "调查队"),
    ("fire", "消防救援大队"),
)
# Old teams that were merged: name suffixes (the merged team gets the domain's name).
_OLD_TEAMS: tuple[str, ...] = (
    "工商行政管理局执法大队",
    "质量技术监督稽查大队",
    "食品药品稽查大队",
    "价格监督检查所",
    "城市管理监察大队",
    "卫生监督所",
    "安全生产监察大队",
    "文化市场综合执法大队",
    "农牧业执法大队",
    "国土资源执法监察大队",
)
_OTHER_TYPES: tuple[PowerType, ...] = (
    PowerType.COERCION,
    PowerType.INSPECTION,
    PowerType.LICENSING,
    PowerType.CONFIRMATION,
    PowerType.PAYMENT,
    PowerType.REWARD,
    PowerType.PUBLIC_SERVICE,
    PowerType.OTHER,
)
_ITEM_ACTS: tuple[str, ...] = (
    "对违反规定擅自占用道路的处罚",
    "对未按规定设置标识的处罚",
    "对违规经营行为的处罚",
    "对违法排放的处罚",
    "对违规搭建的处罚",
    "对违规使用设施的处罚",
    "对未履行安全义务的处罚",
    "对违规销售的处罚",
)
_OTHER_ACTS: dict[PowerType, str] = {
    PowerType.COERCION: "查封扣押",
    PowerType.INSPECTION: "监督检查",
    PowerType.LICENSING: "许可",
    PowerType.CONFIRMATION: "确认",
    PowerType.PAYMENT: "给付",
    PowerType.REWARD: "奖励",
    PowerType.PUBLIC_SERVICE: "公共服务",
    PowerType.OTHER: "其他事项",
}


# The fields the generator sets on its bulk records, shared by all of them (a set per record
# would cost ~400 bytes each: a third of the memory of the national profile).
_LINK_FIELDS = {"body", "item", "synthetic", "provenance"}
_CLAIM_FIELDS = {"region", "list", "item", "mode", "date", "synthetic", "provenance"}
_DELEGATION_FIELDS = {
    "id",
    "list",
    "item",
    "from_body",
    "to_region",
    "mode",
    "date",
    "doc_number",
    "synthetic",
    "provenance",
}


def _scaled(count: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(count * scale))


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` spread over ``parts`` (each at least 1 when total allows), unevenly."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    floor = 1 if total >= parts else 0
    spare = total - floor * parts
    scale = spare / sum(weights)
    sizes = [floor + int(w * scale) for w in weights]
    for index in range(total - sum(sizes)):  # hand out the rounding remainder in order
        sizes[index % parts] += 1
    return sizes


def _date(rng: random.Random, first_year: int, last_year: int) -> str:
    year = rng.randint(first_year, last_year)
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


class _Builder:
    """Builds one dataset; a class only to share the rng, the spec and the output lists."""

    def __init__(self, profile: str, seed: int, scale: float) -> None:
        if profile not in SPECS:
            raise ValueError(f"unknown profile {profile!r}; expected one of {PROFILES}")
        if not scale > 0:
            raise ValueError("scale must be > 0")
        self.profile = profile
        self.spec = SPECS[profile]
        self.scale = scale
        self.rng = random.Random(f"reformgraph-synthetic:{profile}:{seed}:{scale!r}")
        self.sections: dict[str, list[Any]] = {name: [] for name in SECTIONS}

    # ------------------------------------------------------------------ record helpers

    def region(self, rid: str, name: str, level: RegionLevel, parent: str | None) -> None:
        self.sections["regions"].append(
            Region.model_construct(
                id=rid, name=name, level=level, parent=parent, synthetic=True, provenance=[]
            )
        )

    def body(self, bid: str, name: str, kind: BodyKind, region: str, **fields: Any) -> Body:
        record = Body.model_construct(
            id=bid, name=name, kind=kind, region=region, synthetic=True, provenance=[], **fields
        )
        self.sections["bodies"].append(record)
        return record

    # ------------------------------------------------------------------ the build

    def build(self) -> Dataset:
        spec, rng = self.spec, self.rng
        n_provinces = min(spec.provinces, _scaled(spec.provinces, self.scale))
        n_leagues = max(n_provinces, _scaled(spec.leagues, self.scale))
        n_counties = max(n_leagues, _scaled(spec.counties, self.scale))
        n_towns = max(n_counties, _scaled(spec.towns, self.scale))
        leagues_per_province = _split(n_leagues, n_provinces, rng)
        counties_per_league = _split(n_counties, n_leagues, rng)
        towns_per_county = _split(n_towns, n_counties, rng)
        province_word = "自治区" if self.profile == "inner-mongolia" else "省"

        league_no = county_no = town_no = 0
        for p in range(n_provinces):
            pid = f"syn:region:p{p + 1:02d}"
            pname = f"{NAME_PREFIX}{province_word}{p + 1:02d}"
            self.region(pid, pname, RegionLevel.AUTONOMOUS_REGION, None)
            items = self.power_list(pid, pname, p + 1)
            for _ in range(leagues_per_province[p]):
                league_no += 1
                lid = f"syn:region:l{league_no:03d}"
                word = "盟" if rng.random() < 0.7 else "市"
                lname = f"{NAME_PREFIX}{word}{league_no:03d}"
                self.region(lid, lname, RegionLevel.LEAGUE_CITY, pid)
                league_gov = f"syn:body:l{league_no:03d}:gov"
                self.body(
                    league_gov, f"{lname}行政公署", BodyKind.LOCAL_GOVERNMENT, lid, rank="正厅级"
                )
                league_counties: list[tuple[int, int, int]] = []  # (county no, old, new teams)
                for _ in range(counties_per_league[league_no - 1]):
                    county_no += 1
                    towns = towns_per_county[county_no - 1]
                    old, new = self.county(lid, league_no, county_no, town_no, towns, items)
                    league_counties.append((county_no, old, new))
                    town_no += towns
                self.statistics(lid, lname, league_no, league_counties)
        values: dict[str, Any] = {"format": FORMAT, "synthetic": True, **self.sections}
        return Dataset.model_construct(None, **values)

    def power_list(self, pid: str, pname: str, p: int) -> list[PowerItem]:
        spec, rng = self.spec, self.rng
        list_id = f"syn:list:p{p:02d}"
        types = [PowerType.PENALTY] * spec.penalty_items + [
            _OTHER_TYPES[i % len(_OTHER_TYPES)] for i in range(spec.items - spec.penalty_items)
        ]
        items: list[PowerItem] = []
        for seq, power_type in enumerate(types, start=1):
            act = (
                _ITEM_ACTS[rng.randrange(len(_ITEM_ACTS))]
                if power_type is PowerType.PENALTY
                else _OTHER_ACTS[power_type]
            )
            items.append(
                PowerItem.model_construct(
                    id=f"{list_id}:i{seq:03d}",
                    list=list_id,
                    seq=seq,
                    name=f"{NAME_PREFIX}事项{seq:03d}：{act}",
                    power_type=power_type,
                    legal_basis=f"{NAME_PREFIX}条例第{rng.randint(1, 80)}条",
                    synthetic=True,
                    provenance=[],
                )
            )
        by_type: dict[PowerType, int] = {}
        for power_type in types:
            by_type[power_type] = by_type.get(power_type, 0) + 1
        self.sections["power_lists"].append(
            PowerList.model_construct(
                id=list_id,
                title=f"{pname}苏木乡镇（街道）综合行政执法事项清单（{NAME_PREFIX}）",
                issuer=f"{pname}人民政府",
                doc_number=f"{NAME_PREFIX}发〔2019〕{p}号",
                date=_date(rng, 2019, 2019),
                scope_region=pid,
                item_count=spec.items,
                item_counts_by_type=[
                    TypeCount.model_construct(power_type=t, count=c, provenance=[])
                    for t, c in by_type.items()
                ],
                synthetic=True,
                provenance=[],
            )
        )
        self.sections["power_items"].extend(items)
        return items

    def county(
        self,
        lid: str,
        league_no: int,
        county_no: int,
        first_town: int,
        towns: int,
        items: list[PowerItem],
    ) -> tuple[int, int]:
        """One county with its bodies, towns, holdings, claims and history; returns the number
        of enforcement teams before and after its mergers."""
        spec, rng = self.spec, self.rng
        c = f"c{county_no:04d}"
        cid = f"syn:region:{c}"
        cname = f"{NAME_PREFIX}{rng.choice(('旗', '县', '区', '市'))}{county_no:04d}"
        self.region(cid, cname, RegionLevel.BANNER_COUNTY, lid)
        gov = f"syn:body:{c}:gov"
        self.body(gov, f"{cname}人民政府", BodyKind.LOCAL_GOVERNMENT, cid, rank="正处级")

        # Departments: the core ones, then a sorted sample of the others.
        n_depts = rng.randint(*spec.departments)
        extra = max(0, n_depts - len(_CORE_DEPARTMENTS))
        others = sorted(
            rng.sample(range(len(_OTHER_DEPARTMENTS)), min(extra, len(_OTHER_DEPARTMENTS)))
        )
        depts = [*_CORE_DEPARTMENTS, *(_OTHER_DEPARTMENTS[i] for i in others)]
        for key, suffix in depts:
            self.body(
                f"syn:body:{c}:{key}",
                f"{cname}{suffix}",
                BodyKind.GOVERNMENT_DEPARTMENT,
                cid,
                superior=gov,
                superior_relation=SuperiorRelation.LEADERSHIP,
                rank="正科级",
                staff_quota=rng.randint(6, 60),
                leadership_posts=rng.randint(2, 5),
            )

        # Enforcement teams, each managed by the department of its domain.
        n_teams = rng.randint(*spec.teams)
        domains = sorted(rng.sample(range(len(_DOMAINS)), n_teams))
        teams: list[Body] = []
        for index in domains:
            key, domain, suffix = _DOMAINS[index]
            team = self.body(
                f"syn:body:{c}:team:{key}",
                f"{cname}{suffix}",
                BodyKind.ENFORCEMENT_TEAM,
                cid,
                superior=f"syn:body:{c}:{key}",
                superior_relation=SuperiorRelation.MANAGED_BY,
                domain=domain,
                rank="副科级",
                staff_quota=rng.randint(10, 80),
            )
            teams.append(team)

        for index in sorted(
            rng.sample(range(len(_VERTICAL_UNITS)), rng.randint(*spec.vertical_units))
        ):
            key, suffix = _VERTICAL_UNITS[index]
            self.body(
                f"syn:body:{c}:v:{key}",
                f"{cname}{suffix}",
                BodyKind.GOVERNMENT_DEPARTMENT,
                cid,
                vertically_managed=True,
                staff_quota=rng.randint(8, 40),
                note="垂直管理（合成数据）",
            )

        # Holdings: every item of the list is held by one core department of every county.
        holder: dict[str, str] = {}
        for item in items:
            key = _CORE_DEPARTMENTS[item.seq % len(_CORE_DEPARTMENTS)][0]
            holder[item.id] = f"syn:body:{c}:{key}"
            self.sections["holdings"].append(
                Holding.model_construct(
                    _LINK_FIELDS, body=holder[item.id], item=item.id, synthetic=True, provenance=[]
                )
            )

        for t in range(first_town + 1, first_town + towns + 1):
            self.town(cid, gov, t, items, holder)

        old_count = self.history(cid, cname, c, lid, league_no, teams)
        return old_count, len(teams)

    def town(
        self, cid: str, county_gov: str, t: int, items: list[PowerItem], holder: dict[str, str]
    ) -> None:
        spec, rng = self.spec, self.rng
        tkey = f"t{t:05d}"
        rid = f"syn:region:{tkey}"
        subdistrict = rng.random() < spec.subdistrict_share
        if subdistrict:
            name, level = f"{NAME_PREFIX}街道{t:05d}", RegionLevel.SUBDISTRICT
        else:
            word = rng.choice(("镇", "镇", "苏木", "乡"))
            name, level = f"{NAME_PREFIX}{word}{t:05d}", RegionLevel.TOWNSHIP
        self.region(rid, name, level, cid)
        gov = f"syn:body:{tkey}:gov"
        office = "办事处" if subdistrict else "人民政府"
        self.body(
            gov,
            f"{name}{office}",
            BodyKind.LOCAL_GOVERNMENT,
            rid,
            superior=county_gov,
            superior_relation=SuperiorRelation.LEADERSHIP,
            rank="正科级",
            staff_quota=rng.randint(15, 60),
        )
        self.body(
            f"syn:body:{tkey}:centre",
            f"{name}综合保障和技术推广中心",
            BodyKind.SERVICE_CENTRE,
            rid,
            superior=gov,
            superior_relation=SuperiorRelation.INTERNAL,
            staff_quota=rng.randint(5, 20),
            signboards=[f"{name}退役军人服务站", f"{name}便民服务中心"],
        )
        bureau: str | None = None
        if not subdistrict and rng.random() < spec.bureau_share:
            bureau = f"syn:body:{tkey}:bureau"
            self.body(
                bureau,
                f"{name}综合行政执法局",
                BodyKind.ENFORCEMENT_BUREAU,
                rid,
                superior=gov,
                superior_relation=SuperiorRelation.INTERNAL,
                staff_quota=rng.randint(5, 25),
                valid_from=_date(rng, 2020, 2020),
                signboards=[f"{name}综合行政执法队"],
            )

        # Claims: townships from the whole list, subdistricts from the non-penalty items only.
        if subdistrict:
            pool = [i for i in items if i.power_type is not PowerType.PENALTY]
            rate = rng.uniform(*spec.subdistrict_rate)
        else:
            pool = items
            rate = rng.uniform(*spec.township_rate)
        picked = sorted(rng.sample(range(len(pool)), round(rate * len(pool))))
        confirm_share = rng.uniform(0.5, 0.9)
        date = _date(rng, 2020, 2020)
        list_id = items[0].list
        claims, exercises, delegations = (
            self.sections["claims"],
            self.sections["exercises"],
            self.sections["delegations"],
        )
        for index in picked:
            item = pool[index]
            mode = ClaimMode.CONFIRM if rng.random() < confirm_share else ClaimMode.ASSIGN
            claims.append(
                Claim.model_construct(
                    _CLAIM_FIELDS,
                    region=rid,
                    list=list_id,
                    item=item.id,
                    mode=mode,
                    date=date,
                    synthetic=True,
                    provenance=[],
                )
            )
            if bureau is not None:
                exercises.append(
                    Exercise.model_construct(
                        _LINK_FIELDS, body=bureau, item=item.id, synthetic=True, provenance=[]
                    )
                )
            if rng.random() < spec.delegation_share:
                delegations.append(
                    Delegation.model_construct(
                        _DELEGATION_FIELDS,
                        id=f"syn:delegation:{tkey}:{item.seq:03d}",
                        list=list_id,
                        item=item.id,
                        from_body=holder[item.id],
                        to_region=rid,
                        mode=mode,
                        date=date,
                        doc_number=f"{NAME_PREFIX}政发〔2020〕{t}号",
                        synthetic=True,
                        provenance=[],
                    )
                )

    def history(
        self, cid: str, cname: str, c: str, lid: str, league_no: int, teams: list[Body]
    ) -> int:
        """Mergers of old teams into today's teams, and sometimes a team moved up; returns how
        many teams the county had before."""
        spec, rng = self.spec, self.rng
        n_merges = min(len(teams), rng.randint(*spec.merges))
        old_total = len(teams) - n_merges
        previous: str | None = None
        for m, index in enumerate(sorted(rng.sample(range(len(teams)), n_merges))):
            team = teams[index]
            date = _date(rng, 2018, 2020)
            n_old = rng.randint(2, 5)
            olds: list[str] = []
            for o, kind in enumerate(sorted(rng.sample(range(len(_OLD_TEAMS)), n_old))):
                old = f"syn:body:{c}:old:{m + 1}{o + 1}"
                olds.append(old)
                self.body(
                    old,
                    f"{cname}{_OLD_TEAMS[kind]}",
                    BodyKind.ENFORCEMENT_TEAM,
                    cid,
                    staff_quota=rng.randint(5, 30),
                    valid_from=_date(rng, 2005, 2015),
                    valid_to=date,
                )
            old_total += n_old
            team.valid_from = date
            event_id = f"syn:event:{c}:merge{m + 1}"
            self.sections["reform_events"].append(
                ReformEvent.model_construct(
                    id=event_id,
                    kind=EventKind.MERGE,
                    date=date,
                    region=cid,
                    title=f"{cname}{n_old}支执法队伍整合为{team.name}",
                    inputs=olds,
                    outputs=[team.id],
                    input_count=n_old,
                    output_count=1,
                    follows=[previous] if previous else None,
                    synthetic=True,
                    provenance=[],
                )
            )
            previous = event_id

        if rng.random() < spec.transfer_up_share:
            old = f"syn:body:{c}:old:agri"
            date = _date(rng, 2019, 2020)
            self.body(
                old,
                f"{cname}农牧业综合行政执法大队",
                BodyKind.ENFORCEMENT_TEAM,
                cid,
                domain="agriculture",
                staff_quota=rng.randint(5, 20),
                valid_from=_date(rng, 2010, 2017),
                valid_to=date,
            )
            target = f"syn:body:{c}:up:agri"
            league_gov = f"syn:body:l{league_no:03d}:gov"
            self.body(
                target,
                f"{cname}农牧业执法分队（上划）",
                BodyKind.ENFORCEMENT_TEAM,
                lid,
                superior=league_gov,
                superior_relation=SuperiorRelation.LEADERSHIP,
                domain="agriculture",
                staff_quota=rng.randint(5, 20),
                valid_from=date,
            )
            self.sections["reform_events"].append(
                ReformEvent.model_construct(
                    id=f"syn:event:{c}:up",
                    kind=EventKind.TRANSFER_UP,
                    date=date,
                    region=cid,
                    title=f"{cname}农牧业综合行政执法大队上划",
                    inputs=[old],
                    outputs=[target],
                    input_count=1,
                    output_count=1,
                    staff_moved=rng.randint(3, 15),
                    synthetic=True,
                    provenance=[],
                )
            )
            old_total += 1
        return old_total

    def statistics(
        self, lid: str, lname: str, league_no: int, counties: list[tuple[int, int, int]]
    ) -> None:
        rng = self.rng
        before = sum(old for _, old, _ in counties)
        after = sum(new for _, _, new in counties)
        figures = [
            ("enforcement_teams", "旗县级执法队伍", before, after, "teams"),
            ("county_count", "旗县（市、区）", len(counties), len(counties), "counties"),
            (
                "administrative_staff_quota",
                "行政编制",
                rng.randint(2_000, 9_000),
                rng.randint(1_800, 8_000),
                "posts",
            ),
        ]
        for metric, label, b, a, unit in figures:
            self.sections["statistics"].append(
                Statistic.model_construct(
                    id=f"syn:stat:l{league_no:03d}:{metric}",
                    metric=metric,
                    label=f"{lname}{label}（{NAME_PREFIX}）",
                    scope_region=lid,
                    before=b,
                    after=a,
                    unit=unit,
                    date="2020",
                    synthetic=True,
                    provenance=[],
                )
            )


def generate(profile: Profile, seed: int, *, scale: float = 1.0) -> Dataset:
    """A synthetic dataset of ``profile``; the same arguments always give the same dataset."""
    return _Builder(profile, seed, scale).build()


def stats(dataset: Dataset) -> dict[str, int]:
    """Records per section (every section, zeros included)."""
    return dataset.counts()


def dataset_json(dataset: Dataset, *, indent: int | None = None) -> str:
    """The dataset as one ``reformgraph/v1`` JSON document (what :func:`write_dataset` writes)."""
    data = dataset.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    document = {"format": FORMAT, "synthetic": dataset.synthetic, **data}
    return json.dumps(document, ensure_ascii=False, indent=indent)


def write_dataset(dataset: Dataset, path: Path | str, *, indent: int | None = None) -> Path:
    """Write the dataset as a JSON dataset file readable by ``reformgraph load``/``validate``.

    Meant for the small profile (tens of MB): the national profile is better imported
    straight from :func:`generate`.
    """
    target = Path(path)
    target.write_text(dataset_json(dataset, indent=indent) + "\n", encoding="utf-8")
    return target


__all__ = [
    "ID_PREFIX",
    "NAME_PREFIX",
    "PROFILES",
    "SPECS",
    "Profile",
    "ProfileSpec",
    "dataset_json",
    "generate",
    "stats",
    "write_dataset",
]
