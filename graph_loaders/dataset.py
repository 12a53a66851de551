"""The dataset format ``reformgraph/v1``: pydantic models of every section and record.

A dataset is one or more YAML or JSON files; each is a mapping with a ``format`` key and
optional sections (``regions``, ``bodies``, ...). The reader validates every record on its own
(so one bad record does not hide the others) and merges the valid ones into a
:class:`Dataset`. These models check the shape of one record: types, enums, id and date
syntax, unknown keys. Whatever needs the whole dataset (references, duplicate ids, cycles,
provenance quotes) is checked by :mod:`graph_loaders.checks`.

Importing this module has no side effects: no files are read, nothing is registered.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
)

from domain import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    METRIC_PATTERN,
    BodyKind,
    ClaimMode,
    EventKind,
    ListKind,
    PowerType,
    RegionDivision,
    RegionLevel,
    SourceKind,
    SuperiorRelation,
    check_partial_date,
)
from graph_store.region_codes import is_code_like, normalise_code

FORMAT: Literal["reformgraph/v1"] = "reformgraph/v1"

# --------------------------------------------------------------------------- scalar types

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH),
    Field(description="A global id, e.g. `region:wuhai`, `body:haibowan:market-enforcement`."),
]


def _date_from_yaml(value: Any) -> Any:
    """YAML reads ``2019-02-01`` (unquoted) as a date and ``2019`` as an int: take both."""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_date_from_yaml),
    AfterValidator(check_partial_date),
    Field(
        description="`YYYY`, `YYYY-MM` or `YYYY-MM-DD`: the precision the source gives; a "
        "real calendar date (no 2019-02-29).",
        json_schema_extra={"pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
    ),
]

Rate = Annotated[float, Field(ge=0, le=1, description="A fraction: 41.4% is `0.414`.")]
Count = Annotated[int, Field(ge=0)]
Number = int | float
Text = Annotated[str, StringConstraints(min_length=1)]

# --------------------------------------------------------------------------------- enums
# The enums themselves are the vocabulary's (:mod:`domain`); a claim's mode is also read
# from the words the sources use.


def _mode_from_chinese(value: Any) -> Any:
    """Accept the words the sources use (确认 / 交办, either script) as well as the names."""
    if isinstance(value, str):
        found = ClaimMode.from_words(value)
        return found.value if found is not None else value
    return value


Mode = Annotated[ClaimMode, BeforeValidator(_mode_from_chinese)]


# ------------------------------------------------------------------------------- records


class Origin(BaseModel):
    """Where a record was read from, so later checks can point at a file, record and line."""

    model_config = ConfigDict(frozen=True)

    file: str
    section: str
    index: int
    line: int | None = None
    field_lines: dict[str, int] = Field(default_factory=dict)

    @property
    def location(self) -> str:
        """``section[index]``, as problems show it."""
        return f"{self.section}[{self.index}]"


class Model(BaseModel):
    """Base of every model: unknown keys are errors, enums keep their type."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    _origin: Origin | None = PrivateAttr(default=None)

    @property
    def origin(self) -> Origin | None:
        """Where the reader found this record (``None`` for records built in code)."""
        return self._origin

    def with_origin(self, origin: Origin) -> Model:
        """Attach the reader's origin (private: never dumped, never imported into the graph)."""
        self._origin = origin
        return self


class Provenance(Model):
    """A fact's evidence: a corpus file and the exact text in it that states the fact."""

    source: Text = Field(description="Corpus file name, e.g. `002_2abc6b63f845ad0d.txt`.")
    quote: Text = Field(
        description="Exact text of the source, whitespace aside; for `001_…` with the "
        "`(pinyin)` notes removed."
    )


class Record(Model):
    """A record that states a fact: documented (with provenance) or synthetic."""

    synthetic: bool = Field(
        default=False, description="True only for generated records; they carry no provenance."
    )
    provenance: list[Provenance] = Field(
        default_factory=list,
        description="Required (non-empty) on every documented record.",
    )


class Source(Model):
    """One of the source documents in the corpus."""

    id: Id
    file: Text = Field(description="Corpus file name, e.g. `002_2abc6b63f845ad0d.txt`.")
    title: Text
    kind: SourceKind
    issuer: str | None = None
    date: PartialDate | None = None
    edition: str | None = Field(
        default=None, description="Edition of a register, e.g. `2023` for the NBS codes."
    )


def _code_from_input(value: Any) -> Any:
    """Take a code as YAML reads it (an unquoted code is an int) and in its 12-digit NBS
    form; store the short form (6 or 9 digits). What is not a region's code stays as given,
    for the pattern to reject."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        short = normalise_code(value)
        if short is None and len(value.strip()) == 12 and is_code_like(value):
            raise ValueError(f"{value.strip()} is a village's code: regions go down to townships")
        return short or value
    return value


RegionCode = Annotated[
    str,
    BeforeValidator(_code_from_input),
    StringConstraints(pattern=r"^[0-9]{6}([0-9]{3})?$"),
    Field(
        description="Official statistical division code (统计用区划代码): 6 digits for "
        "regions down to county level (150302), 9 for township-level units (150302101); the "
        "12-digit NBS form (150302101000) is accepted and stored short.",
        json_schema_extra={"pattern": r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"},
    ),
]


class Region(Record):
    """An administrative region: autonomous region, league/city, county, town, subdistrict."""

    id: Id
    name: Text
    level: RegionLevel
    parent: Id | None = None
    aliases: list[Text] | None = None
    code: RegionCode | None = None
    division: RegionDivision | None = Field(
        default=None,
        description="The kind of unit (district, banner, town, sumu, ...). Filled from the "
        "region tree for regions with a code; given here it must agree with it.",
    )


class Body(Record):
    """A body (机构): party organ, department, institution, unit, team, ..."""

    id: Id
    name: Text
    kind: BodyKind
    region: Id
    superior: Id | None = None
    superior_relation: SuperiorRelation | None = None
    domain: str | None = Field(
        default=None, description="Enforcement domain, e.g. market regulation."
    )
    rank: str | None = Field(default=None, description="Rank as the source gives it, e.g. 正处级.")
    staff_quota: Count | None = None
    leadership_posts: Count | None = None
    signboards: list[Text] | None = Field(
        default=None, description="Second names the body carries (挂牌 / 加挂牌子)."
    )
    aliases: list[Text] | None = None
    vertically_managed: bool | None = None
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    note: str | None = None


class TypeCount(Model):
    """How many items of one type a list holds, where the source gives only counts."""

    power_type: PowerType
    count: Count
    provenance: list[Provenance] = Field(default_factory=list)


class PowerList(Record):
    """A list of administrative power items (行政权力事项清单), e.g. the 99 delegated to towns."""

    id: Id
    title: Text
    kind: ListKind = Field(
        default=ListKind.DELEGATED,
        description="DELEGATED (赋权清单, the default), STATUTORY (法定: held by law, never "
        "delegated) or POWER_AND_RESPONSIBILITY (权责清单).",
    )
    issuer: str | None = None
    doc_number: str | None = None
    date: PartialDate | None = None
    scope_region: Id | None = None
    item_count: Count | None = None
    item_counts_by_type: list[TypeCount] | None = None


class Document(Record):
    """A policy document (文件) a source cites: a notice, an opinion, a plan, a regulation.

    Recorded where a source gives its document number (文号) or a date, so the graph carries
    what the sources state about it; the document itself is not in the corpus.
    """

    id: Id
    title: Text = Field(description="The title as the source cites it, without 《》.")
    doc_number: str | None = Field(
        default=None, description="Document number as printed, e.g. 内党办发〔2019〕22号."
    )
    issuer: str | None = None
    date: PartialDate | None = Field(
        default=None, description="When it was issued or adopted, as the source states it."
    )
    scope_region: Id | None = Field(default=None, description="The region it was issued for.")
    note: str | None = None


class PowerItem(Record):
    """One administrative power item of a list, only where a source names it."""

    id: Id
    list: Id
    seq: Annotated[int, Field(ge=1)]
    name: Text
    power_type: PowerType | None = Field(
        default=None,
        description="Null when the source states no type, or one that is not among these "
        "(`power_type_text` then says what it stated).",
    )
    power_type_text: str | None = Field(
        default=None, description="The type as the source writes it (权力类型 cell), if any."
    )
    legal_basis: str | None = None
    code: str | None = Field(default=None, description="The item's code (项目编码), if given.")
    parent_name: str | None = Field(
        default=None,
        description="For a sub-item (子项) of a power-and-responsibility list: the name of the "
        "item (项目名称) it belongs to, as published.",
    )
    scope: str | None = Field(
        default=None, description="The delegation's scope (赋权范围) as published."
    )
    responsibilities: str | None = Field(
        default=None, description="Duties that go with the power (责任事项), as published."
    )
    accountability: str | None = Field(
        default=None, description="When someone is held to account (追责情形), as published."
    )


class Holding(Record):
    """The original holder of a power item (before delegation)."""

    body: Id
    item: Id


class Exercise(Record):
    """The body that exercises a power item now."""

    body: Id
    item: Id


class Delegation(Record):
    """A power (or a whole list) delegated from a body or list to a region or body."""

    id: Id
    list: Id
    item: Id | None = None
    from_body: Id | None = None
    to_region: Id | None = None
    to_body: Id | None = None
    mode: Mode | None = None
    date: PartialDate | None = None
    doc_number: str | None = None


class Claim(Record):
    """A town or subdistrict took up one named item of a list (认领), by a mode."""

    region: Id
    list: Id
    item: Id
    mode: Mode
    date: PartialDate | None = None
    status: str | None = None


class ClaimSummary(Record):
    """How many items of a list a region claimed, where the source gives a count, not items."""

    region: Id
    list: Id
    claimed_count: Count
    of_count: Count | None = Field(
        default=None, description="Items it could claim from (the list's size unless noted)."
    )
    rate: Rate | None = None
    items_named: Literal[False] = Field(
        default=False, description="Always false: item-level claims go in `claims`."
    )
    target_rate: Rate | None = None
    meets_target: bool | None = None
    note: str | None = None


class ReformEvent(Record):
    """A merger, split, establishment, abolition, rename, transfer or integration."""

    id: Id
    kind: EventKind
    date: PartialDate | None = None
    region: Id
    title: Text
    inputs: list[Id] | None = Field(default=None, description="Bodies before the event.")
    outputs: list[Id] | None = Field(default=None, description="Bodies after the event.")
    input_count: Count | None = Field(
        default=None, description="How many bodies went in, when the source gives no names."
    )
    output_count: Count | None = None
    staff_moved: Count | None = None
    follows: list[Id] | None = Field(
        default=None,
        description="Earlier events whose (possibly unnamed) outputs went into this one, so "
        "lineage can pass through bodies the sources only count.",
    )
    note: str | None = None


class Statistic(Record):
    """A figure, or a before/after pair, about a region."""

    id: Id
    metric: Annotated[str, StringConstraints(pattern=METRIC_PATTERN)]
    label: Text
    scope_region: Id
    before: Number | None = None
    after: Number | None = None
    value: Number | None = None
    unit: Text
    date: PartialDate | None = None
    note: str | None = None


class Statement(Model):
    """One source's side of a disagreement."""

    source: Text
    quote: Text


class Disagreement(Model):
    """Sources that state different things about the same fact; both are kept."""

    id: Id
    about: Annotated[str, StringConstraints(pattern=ID_PATTERN)] = Field(
        description="The id of a record, or a statistic `metric`, the statements are about."
    )
    statements: Annotated[list[Statement], Field(min_length=2)]
    note: Text
    synthetic: bool = False


#: Section name → record model; the order is the order in which sections are imported.
SECTIONS: dict[str, type[Model]] = {
    "sources": Source,
    "regions": Region,
    "bodies": Body,
    "power_lists": PowerList,
    "documents": Document,
    "power_items": PowerItem,
    "holdings": Holding,
    "delegations": Delegation,
    "exercises": Exercise,
    "claims": Claim,
    "claim_summaries": ClaimSummary,
    "reform_events": ReformEvent,
    "statistics": Statistic,
    "disagreements": Disagreement,
}


class Dataset(Model):
    """A whole dataset: one file, or several merged (ids are global across files)."""

    format: Literal["reformgraph/v1"] = FORMAT
    synthetic: bool = Field(
        default=False, description="True only for generated data: then no record needs provenance."
    )
    sources: list[Source] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list)
    power_lists: list[PowerList] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    power_items: list[PowerItem] = Field(default_factory=list)
    holdings: list[Holding] = Field(default_factory=list)
    delegations: list[Delegation] = Field(default_factory=list)
    exercises: list[Exercise] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    claim_summaries: list[ClaimSummary] = Field(default_factory=list)
    reform_events: list[ReformEvent] = Field(default_factory=list)
    statistics: list[Statistic] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)

    def records(self, section: str) -> list[Model]:
        """The records of one section by name."""
        records: list[Model] = getattr(self, section)
        return records

    def counts(self) -> dict[str, int]:
        """Records per section (for reports)."""
        return {name: len(self.records(name)) for name in SECTIONS}

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """JSON Schema of one dataset file; same as the module's :func:`json_schema`."""
        return json_schema()


def json_schema() -> dict[str, Any]:
    """JSON Schema of one dataset file (what ``docs/data-format.schema.json`` holds)."""
    schema = Dataset.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://reformgraph.example/schema/reformgraph-v1.json"
    schema["title"] = "reformgraph/v1 dataset file"
    schema.setdefault("required", [])
    if "format" not in schema["required"]:
        schema["required"].append("format")
    return schema
