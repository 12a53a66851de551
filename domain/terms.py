"""The enums of the reform's vocabulary, each value with its Chinese words.

A value's ``words`` are how the documents and the people who use them say it (确认, 行政处罚,
综合行政执法局); its ``note``, where there is one, says in English what the words leave open.
The GraphQL schema describes each enum value by them (``words — note``), and the explorer
labels values with the words it reads from there.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Self

#: The traditional forms of the characters of the words a table may use in either script
#: (確認 for 确认, 交辦 for 交办); the rest of the vocabulary is matched as written.
_TRADITIONAL: Final = str.maketrans({"確": "确", "認": "认", "辦": "办"})


class Term(StrEnum):
    """An enum value with its Chinese words (and an optional English note).

    Written ``NAME = "NAME", "词", "note"``; the value is the name, as the graph stores it.
    """

    words: str
    note: str

    def __new__(cls, value: str, words: str = "", note: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.words = words
        member.note = note
        return member

    @classmethod
    def from_words(cls, text: str) -> Self | None:
        """The value ``text`` names: its name (any case) or its words, in simplified or
        traditional script; None when it names none."""
        wanted = text.strip().translate(_TRADITIONAL)
        for member in cls:
            if wanted.upper() == member.name or (member.words and wanted == member.words):
                return member
        return None

    @property
    def description(self) -> str:
        """The words, then the note after `` — `` (what the GraphQL schema shows)."""
        return f"{self.words} — {self.note}" if self.note else self.words


class RegionLevel(Term):
    """Administrative level of a region, from the autonomous region down (自治区 / 盟市 /
    旗县(市、区) / 苏木乡镇 / 街道)."""

    AUTONOMOUS_REGION = "AUTONOMOUS_REGION", "自治区"
    LEAGUE_CITY = "LEAGUE_CITY", "盟市"
    BANNER_COUNTY = "BANNER_COUNTY", "旗县区"
    TOWNSHIP = "TOWNSHIP", "苏木乡镇"
    SUBDISTRICT = "SUBDISTRICT", "街道"


#: Rank of each level, top first; a region's parent must be at a higher level.
LEVEL_ORDER: Final = {level: rank for rank, level in enumerate(RegionLevel)}
#: The levels of towns and subdistricts: the units that claim delegated powers.
TOWN_LEVELS: Final = (RegionLevel.TOWNSHIP, RegionLevel.SUBDISTRICT)


class RegionDivision(Term):
    """What kind of unit a region is, as its official code (统计用区划代码) and name state
    it: finer than the level (docs/model.md, "Levels and divisions")."""

    # province level
    AUTONOMOUS_REGION = "AUTONOMOUS_REGION", "自治区"
    PROVINCE = "PROVINCE", "省"
    MUNICIPALITY = "MUNICIPALITY", "直辖市"
    # prefecture level
    LEAGUE = "LEAGUE", "盟"
    CITY = "CITY", "地级市"
    PREFECTURE = "PREFECTURE", "地区"
    AUTONOMOUS_PREFECTURE = "AUTONOMOUS_PREFECTURE", "自治州"
    # county level
    DISTRICT = "DISTRICT", "市辖区"
    BANNER = "BANNER", "旗", "also 自治旗"
    COUNTY = "COUNTY", "县", "also 自治县"
    COUNTY_CITY = "COUNTY_CITY", "县级市"
    DEVELOPMENT_ZONE = "DEVELOPMENT_ZONE", "开发区、管理区", "类似县级单位: county-level code 71-80"
    # township level
    SUBDISTRICT = "SUBDISTRICT", "街道", "township code 001-099"
    TOWN = "TOWN", "镇", "township code 100-199"
    TOWNSHIP = "TOWNSHIP", "乡", "also 民族乡: township code 200-399"
    SUMU = "SUMU", "苏木", "township code 200-399, named so"
    TOWNSHIP_LIKE = "TOWNSHIP_LIKE", "类似乡级单位", "farms, parks, zone offices: code 400-599"
    OTHER = "OTHER", "其他", "a name no rule covers (placeholders such as 市辖区)"


class BodyKind(Term):
    """What sort of body (机构) a record is."""

    PARTY_ORGAN = "PARTY_ORGAN", "党的机关"
    GOVERNMENT_DEPARTMENT = "GOVERNMENT_DEPARTMENT", "政府部门"
    LOCAL_GOVERNMENT = "LOCAL_GOVERNMENT", "地方政府", "a town government or a subdistrict office"
    PUBLIC_INSTITUTION = "PUBLIC_INSTITUTION", "事业单位"
    INTERNAL_UNIT = "INTERNAL_UNIT", "内设机构"
    DELIBERATIVE_BODY = "DELIBERATIVE_BODY", "议事协调机构"
    SERVICE_CENTRE = "SERVICE_CENTRE", "服务中心"
    ENFORCEMENT_BUREAU = "ENFORCEMENT_BUREAU", "综合行政执法局"
    ENFORCEMENT_TEAM = "ENFORCEMENT_TEAM", "综合行政执法队伍"


class SuperiorRelation(Term):
    """How a body stands to its superior."""

    LEADERSHIP = "LEADERSHIP", "领导"
    INTERNAL = "INTERNAL", "内设", "an internal unit of its superior"
    MANAGED_BY = "MANAGED_BY", "归口管理", "or 主管"
    VERTICAL = "VERTICAL", "垂直管理", "run by a higher level"


class PowerType(Term):
    """Type of an administrative power item (权力类型); OTHER = types the source does not
    itemise."""

    LICENSING = "LICENSING", "行政许可"
    PENALTY = "PENALTY", "行政处罚"
    COERCION = "COERCION", "行政强制"
    INSPECTION = "INSPECTION", "行政检查"
    CONFIRMATION = "CONFIRMATION", "行政确认"
    PAYMENT = "PAYMENT", "行政给付"
    REWARD = "REWARD", "行政奖励"
    LEVY = "LEVY", "行政征收"
    ADJUDICATION = "ADJUDICATION", "行政裁决"
    PUBLIC_SERVICE = "PUBLIC_SERVICE", "公共服务"
    OTHER = "OTHER", "其他"


class ListKind(Term):
    """What a power list says of its items.

    DELEGATED: powers a county gives its towns (赋权清单): items may have original holders
    and delegations. STATUTORY: what towns hold by law (法定清单): no original holder, never
    a delegation. POWER_AND_RESPONSIBILITY: a power-and-responsibility list (权责清单): each
    item with the duties (责任事项) and the cases of accountability (追责情形) that go with it.
    """

    DELEGATED = "DELEGATED", "赋权清单", "powers a county gives its towns"
    STATUTORY = "STATUTORY", "法定清单", "what towns hold by law: never delegated, not claimed"
    POWER_AND_RESPONSIBILITY = (
        "POWER_AND_RESPONSIBILITY",
        "权责清单",
        "items with their duties and the cases of accountability",
    )


class ClaimMode(Term):
    """How a town takes up a delegated power: by confirmation (确认) or assignment (交办)."""

    CONFIRM = "CONFIRM", "确认"
    ASSIGN = "ASSIGN", "交办"


class EventKind(Term):
    """Kind of reform event (撤并, 组建, 更名, 上划, 下放, 整合, ...)."""

    MERGE = "MERGE", "合并"
    SPLIT = "SPLIT", "分设"
    ESTABLISH = "ESTABLISH", "设立"
    ABOLISH = "ABOLISH", "撤销"
    RENAME = "RENAME", "更名"
    TRANSFER_UP = "TRANSFER_UP", "上划"
    TRANSFER_DOWN = "TRANSFER_DOWN", "下放"
    INTEGRATE = "INTEGRATE", "整合"
    RESTRUCTURE = "RESTRUCTURE", "重组"


class SourceKind(Term):
    """What kind of document a source is."""

    YEARBOOK = "YEARBOOK", "年鉴"
    ACCOUNT = "ACCOUNT", "情况介绍"
    REPORT = "REPORT", "汇报"
    PROGRAMME = "PROGRAMME", "行动方案"
    SUMMARY = "SUMMARY", "工作总结"
    STATISTICAL_CODES = (
        "STATISTICAL_CODES",
        "统计用区划代码",
        "a register of official division codes (NBS)",
    )


class ConflictCode(Term):
    """What makes a proposed merger doubtful, or (OWN_SUPERIOR) impossible."""

    DIFFERENT_REGIONS = "DIFFERENT_REGIONS", "跨地区", "the bodies sit in different regions"
    DIFFERENT_LEVELS = "DIFFERENT_LEVELS", "跨层级", "the bodies belong to different levels"
    VERTICALLY_MANAGED = (
        "VERTICALLY_MANAGED",
        "垂直管理",
        "run by a higher level, which alone can merge it",
    )
    OWN_SUPERIOR = (
        "OWN_SUPERIOR",
        "自为上级",
        "the target answers to a body it would absorb: the merger cannot be applied",
    )
    UNKNOWN_STAFF_QUOTA = (
        "UNKNOWN_STAFF_QUOTA",
        "编制数不详",
        "some bodies have no recorded staff quota: totals leave them out",
    )


class ChainRelation(Term):
    """The relationship a hop of a delegation chain follows."""

    LISTED_IN = "LISTED_IN", "列入清单", "list → item"
    HOLDS = "HOLDS", "原由其行使", "original holder → item"
    DELEGATES = "DELEGATES", "下放", "holder → town or body it is delegated to"
    EXERCISES = "EXERCISES", "承接执行", "body → item it exercises now"
