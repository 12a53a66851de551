"""Turn a validated dataset into graph writes, and apply them all or not at all.

The plan is a list of named statements with row batches: nodes first (``upsert_*``), then the
structural links each record owns are removed and written again (so a corrected file moves a
record instead of adding a second link), then the relationships. The whole plan runs through
:meth:`graph_store.GraphStore.import_atomically`: a staged copy of the FalkorDB graph swapped
in with ``RENAME``; on Neo4j one transaction, or, past ``single_transaction_rows`` rows (the
national profile), a staged generation promoted in one transaction — a failure part-way
leaves no trace readers can see.

Every import then replays the writes recorded through the API (:mod:`graph_loaders.recorded`)
in the same atomic write (its *final* steps, after the dataset's *bulk*), planned against the
graph's version: if another write is acknowledged meanwhile, the import is planned again (a
bounded number of times), so that it never drops an acknowledged write.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from graph_loaders.loaded_from import LoadMark
from graph_loaders.recorded import replay_steps
from graph_store import GraphStore
from graph_store.base import GRAPH_META_ID
from graph_store.errors import WriteConflictError
from graph_store.search_terms import with_search_grams

log = logging.getLogger(__name__)

Step = tuple[str, dict[str, Any]]

#: How many times an import is planned again when writes keep coming in while it runs.
IMPORT_ATTEMPTS = 3

#: Rows per statement: large enough to amortise a round trip, small enough for the engines.
BATCH_SIZE = 5_000

#: Fields that become relationships (or provenance) rather than node properties.
_NOT_PROPERTIES = {
    "provenance",
    "parent",
    "region",
    "superior",
    "superior_relation",
    "scope_region",
    "list",
    "inputs",
    "outputs",
    "follows",
    "item_counts_by_type",
    "statements",
}


@functools.cache
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_SCALARS = (str, int, float, bool)


def _graph_value(value: Any) -> Any:
    """The value as a graph property (enums by value), or None if it cannot be one: both
    engines store scalars and lists of scalars only."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        values = [v.value if isinstance(v, Enum) else v for v in value]
        return values if all(isinstance(v, _SCALARS) for v in values) else None
    return None


def provenance_props(record: BaseModel, synthetic: bool) -> dict[str, Any]:
    """``synthetic`` plus the parallel ``sources``/``quotes`` lists of a record."""
    own = record.__dict__
    provenance = own.get("provenance")
    if not provenance:  # every synthetic record: no provenance to walk
        return {"synthetic": synthetic or bool(own.get("synthetic")), "sources": [], "quotes": []}
    return {
        "synthetic": synthetic or bool(own.get("synthetic")),
        "sources": [p.source for p in provenance],
        "quotes": [p.quote for p in provenance],
    }


@functools.cache
def _property_fields(model: type[BaseModel], skip: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(field, camelCase property) of the fields of ``model`` that become properties.

    Worked out once per model rather than per record: planning the national profile (millions
    of records) spent most of its time filtering and renaming the same keys over and over.
    ``synthetic`` is left to :func:`provenance_props`, which combines it with the dataset's.
    """
    return tuple(
        (name, _camel(name))
        for name in model.model_fields
        if name not in _NOT_PROPERTIES and name not in skip and name != "synthetic"
    )


#: Exact types stored as they are (an enum is a ``str`` subclass and goes through
#: :func:`_graph_value` to become its value).
_PLAIN_TYPES = frozenset(_SCALARS)


def _props(record: BaseModel, synthetic: bool, skip: frozenset[str]) -> dict[str, Any]:
    own = record.__dict__
    props: dict[str, Any] = {}
    for name, key in _property_fields(type(record), skip):
        value = own.get(name)
        if value is None:
            continue
        if type(value) in _PLAIN_TYPES:
            props[key] = value
        else:
            converted = _graph_value(value)
            if converted is not None:
                props[key] = converted
    props.update(provenance_props(record, synthetic))
    return props


def node_props(record: BaseModel, synthetic: bool) -> dict[str, Any]:
    """A record's own fields as graph properties (camelCase), with provenance.

    Reads the fields directly rather than through ``model_dump``: planning millions of
    records (the national profile) spent most of its time there. Nodes with a name, title,
    alias or signboard also get the ``searchGrams`` that name search looks up.
    """
    return with_search_grams(_props(record, synthetic, frozenset()))


def link_props(record: BaseModel, synthetic: bool, *skip: str) -> dict[str, Any]:
    """Relationship properties of a link record: its fields minus the two ends."""
    return _props(record, synthetic, frozenset(skip))


@dataclass
class ImportPlan:
    """The statements of one import, grouped so nodes exist before links point at them."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unlink_owned: list[str] = field(default_factory=list)
    unlink_event_inputs: list[str] = field(default_factory=list)
    links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Rows of the relationship sections that were written as they were planned and not kept
    #: (:func:`import_steps` with ``keep_rows=False``): only counted.
    streamed_links: int = 0

    def node(self, statement: str, record_id: str, props: dict[str, Any]) -> None:
        self.nodes.setdefault(statement, []).append({"id": record_id, "props": props})

    def link(self, statement: str, row: dict[str, Any]) -> None:
        self.links.setdefault(statement, []).append(row)

    def steps(self, batch_size: int = BATCH_SIZE) -> list[Step]:
        """The plan as (statement, params) steps in a safe order, in batches."""
        steps: list[Step] = []
        for statement, rows in self.nodes.items():
            steps += [(statement, {"rows": chunk}) for chunk in _chunks(rows, batch_size)]
        steps += [("unlink_owned", {"ids": c}) for c in _chunks(self.unlink_owned, batch_size)]
        steps += [
            ("unlink_event_inputs", {"ids": c})
            for c in _chunks(self.unlink_event_inputs, batch_size)
        ]
        for statement, rows in self.links.items():
            steps += [(statement, {"rows": chunk}) for chunk in _chunks(rows, batch_size)]
        return steps

    @property
    def link_count(self) -> int:
        """Relationship rows in the plan, kept or only counted."""
        return sum(map(len, self.links.values())) + self.streamed_links

    @property
    def row_count(self) -> int:
        """Node and relationship rows in the plan (for throughput figures)."""
        return sum(map(len, self.nodes.values())) + self.link_count


def _chunks(rows: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def _records(dataset: BaseModel, section: str) -> Iterable[Any]:
    return getattr(dataset, section, None) or []


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while planning, then restore it.

    Planning makes millions of small dicts and lists that all survive (they are the plan), so
    the collector keeps running full passes over the whole dataset and plan: on the national
    profile at scale 0.1 that was two thirds of the planning time (7.9 s against 2.4 s). The
    rows hold no reference cycles, so nothing is lost by not looking for them. While an import
    runs in a service, other requests' cyclic garbage waits until it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def plan_import(dataset: BaseModel) -> ImportPlan:
    """Map every record of a validated dataset to node and relationship rows."""
    with _cyclic_gc_paused():
        return _plan(dataset)


def _synthetic(dataset: BaseModel) -> bool:
    return bool(getattr(dataset, "synthetic", False))


def _plan_structure(dataset: BaseModel) -> ImportPlan:
    """Nodes, the links each record owns, and the structural relationships."""
    synthetic = _synthetic(dataset)
    plan = ImportPlan()

    for source in _records(dataset, "sources"):
        plan.node("upsert_sources", source.id, node_props(source, synthetic))

    for region in _records(dataset, "regions"):
        plan.node("upsert_regions", region.id, node_props(region, synthetic))
        plan.unlink_owned.append(region.id)
        if region.parent:
            plan.link("link_part_of", {"from": region.id, "to": region.parent, "props": {}})

    for body in _records(dataset, "bodies"):
        kind = _enum_value(body.kind)
        statement = "upsert_enforcement_teams" if kind == "ENFORCEMENT_TEAM" else "upsert_bodies"
        plan.node(statement, body.id, node_props(body, synthetic))
        plan.unlink_owned.append(body.id)
        plan.link("link_in_region", {"from": body.id, "to": body.region, "props": {}})
        if body.superior:
            relation = _enum_value(body.superior_relation) or "LEADERSHIP"
            plan.link(
                "link_subordinate_to",
                {"from": body.id, "to": body.superior, "props": {"kind": relation}},
            )

    for power_list in _records(dataset, "power_lists"):
        props = node_props(power_list, synthetic)
        counts = getattr(power_list, "item_counts_by_type", None) or []
        props["countTypes"] = [_enum_value(c.power_type) for c in counts]
        props["countValues"] = [c.count for c in counts]
        for count in counts:  # the counts' own quotes join the list's provenance
            extra = provenance_props(count, synthetic)
            props["sources"] += extra["sources"]
            props["quotes"] += extra["quotes"]
        plan.node("upsert_power_lists", power_list.id, props)
        plan.unlink_owned.append(power_list.id)
        if power_list.scope_region:
            plan.link(
                "link_in_region",
                {"from": power_list.id, "to": power_list.scope_region, "props": {}},
            )

    for document in _records(dataset, "documents"):
        plan.node("upsert_documents", document.id, node_props(document, synthetic))
        plan.unlink_owned.append(document.id)
        if document.scope_region:
            plan.link(
                "link_in_region", {"from": document.id, "to": document.scope_region, "props": {}}
            )

    for item in _records(dataset, "power_items"):
        plan.node("upsert_power_items", item.id, node_props(item, synthetic))
        plan.unlink_owned.append(item.id)
        plan.link("link_listed_in", {"from": item.id, "to": item.list, "props": {}})

    for event in _records(dataset, "reform_events"):
        plan.node("upsert_reform_events", event.id, node_props(event, synthetic))
        plan.unlink_owned.append(event.id)
        plan.unlink_event_inputs.append(event.id)
        plan.link("link_in_region", {"from": event.id, "to": event.region, "props": {}})
        for body_id in event.inputs or []:
            plan.link("link_input_of", {"from": body_id, "to": event.id, "props": {}})
        for body_id in event.outputs or []:
            plan.link("link_resulted_in", {"from": event.id, "to": body_id, "props": {}})
        for earlier in event.follows or []:
            plan.link("link_follows", {"from": event.id, "to": earlier, "props": {}})

    for statistic in _records(dataset, "statistics"):
        plan.node("upsert_statistics", statistic.id, node_props(statistic, synthetic))
        plan.unlink_owned.append(statistic.id)
        plan.link("link_about", {"from": statistic.id, "to": statistic.scope_region, "props": {}})

    for disagreement in _records(dataset, "disagreements"):
        props = node_props(disagreement, synthetic)
        props["sources"] = [s.source for s in disagreement.statements]
        props["quotes"] = [s.quote for s in disagreement.statements]
        plan.node("upsert_disagreements", disagreement.id, props)

    return plan


def _body_to_item(record: Any, synthetic: bool) -> dict[str, Any]:
    """A holding or an exercise: body → item, the record's other fields as properties."""
    props = link_props(record, synthetic, "body", "item")
    return {"from": record.body, "to": record.item, "props": props}


def _delegation(record: Any, synthetic: bool) -> dict[str, Any]:
    props = link_props(record, synthetic, "from_body", "to_region", "to_body")
    props["list"] = record.list
    return {
        "id": record.id,
        "from": record.from_body or record.list,
        "to": record.to_body or record.to_region,
        "props": props,
    }


def _claim(record: Any, synthetic: bool) -> dict[str, Any]:
    props = link_props(record, synthetic, "region", "item")
    props["list"] = record.list
    return {"from": record.region, "to": record.item, "props": props}


def _claim_summary(record: Any, synthetic: bool) -> dict[str, Any]:
    props = link_props(record, synthetic, "region")
    return {"from": record.region, "to": record.list, "props": props}


#: The relationship sections (millions of records on the national profile), in plan order:
#: (section, statement, row of one record). They come last in a plan, each with a statement
#: of its own, so :func:`import_steps` can plan them batch by batch while earlier batches are
#: written, in the same order as :meth:`ImportPlan.steps`.
_LINK_SECTIONS: tuple[tuple[str, str, Callable[[Any, bool], dict[str, Any]]], ...] = (
    ("holdings", "link_holds", _body_to_item),
    ("exercises", "link_exercises", _body_to_item),
    ("delegations", "link_delegates", _delegation),
    ("claims", "link_claims", _claim),
    ("claim_summaries", "link_claimed_count", _claim_summary),
)


def _plan(dataset: BaseModel) -> ImportPlan:
    plan = _plan_structure(dataset)
    synthetic = _synthetic(dataset)
    for section, statement, row in _LINK_SECTIONS:
        records = _records(dataset, section)
        if records:
            plan.links[statement] = [row(record, synthetic) for record in records]
    return plan


def import_steps(
    dataset: BaseModel, plan: ImportPlan, batch_size: int = BATCH_SIZE, *, keep_rows: bool = True
) -> Iterator[Step]:
    """The steps of ``plan_import(dataset).steps()``, planned as they are consumed.

    The nodes and structural links (a few percent of the rows) are planned first; the
    relationship sections are planned one batch at a time, so a writer that asks for the next
    step while the engine writes the current one overlaps planning with writing. Every row is
    also added to ``plan``, which ends up equal to :func:`plan_import`'s; with ``keep_rows``
    false the relationship sections' rows are only counted there (``streamed_links``), so that
    a batch can be freed once written: on the national profile the rows held to the end were
    as large as the dataset itself.
    """
    structure = _plan_structure(dataset)
    plan.nodes, plan.links = structure.nodes, structure.links
    plan.unlink_owned, plan.unlink_event_inputs = (
        structure.unlink_owned,
        structure.unlink_event_inputs,
    )
    yield from structure.steps(batch_size)
    synthetic = _synthetic(dataset)
    for section, statement, row in _LINK_SECTIONS:
        records = list(_records(dataset, section))
        for start in range(0, len(records), batch_size):
            rows = [row(record, synthetic) for record in records[start : start + batch_size]]
            if keep_rows:
                plan.links.setdefault(statement, []).extend(rows)
            else:
                plan.streamed_links += len(rows)
            yield statement, {"rows": rows}


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


async def import_dataset(
    store: GraphStore,
    dataset: BaseModel,
    *,
    mark: LoadMark | None = None,
    attempts: int = IMPORT_ATTEMPTS,
) -> ImportPlan:
    """Write a validated dataset into the graph, atomically; returns the plan it applied (its
    relationship sections counted, not kept: :func:`import_steps`).

    The dataset is validated before this is called; planning is not validation, and a failure
    part-way (planning or writing) leaves the graph as it was (:meth:`GraphStore.
    write_atomically`). The cyclic collector stays paused for the whole import, not only while
    planning: rows are planned while earlier ones are written (:func:`import_steps`, which here
    keeps only their count, so each batch is freed once written), and each full pass over the
    dataset cost seconds on the national profile; nothing in an import makes reference cycles.

    After the dataset's steps come the replay of the recorded writes and, with ``mark`` (a
    start-up dataset), the record of what was applied. The whole is planned against the graph's
    write version; a write acknowledged in the meantime makes it plan again, up to ``attempts``
    times, then :class:`WriteConflictError`: nothing imported, nothing lost. With ``mark``, a
    graph that already records that digest (another replica applied it first) is left alone and
    the returned plan is empty.
    """
    for attempt in range(1, attempts + 1):
        meta = await store.meta()
        if mark is not None and meta.digest_of(mark.slot) == mark.digest:
            log.info("%s %s is already applied to the graph", mark.slot, mark.digest[:12])
            return ImportPlan()
        replay = await replay_steps(store)
        log.info(
            "import attempt %d of %d: planned against write version %d, then %d step(s) "
            "replaying the writes recorded through the API",
            attempt,
            attempts,
            meta.version,
            len(replay),
        )
        plan = ImportPlan()
        marked = [] if mark is None else [_mark_step(mark)]
        try:
            with _cyclic_gc_paused():
                await store.import_atomically(
                    import_steps(dataset, plan, keep_rows=False),
                    [*replay, *marked],
                    expected_version=meta.version,
                )
        except WriteConflictError as exc:
            log.warning("import attempt %d of %d: %s", attempt, attempts, exc)
            continue
        return plan
    raise WriteConflictError(
        f"writes were acknowledged on the graph during each of {attempts} attempts of this "
        "import; nothing was imported and nothing was lost. Run it again when writes are "
        "quieter."
    )


def _mark_step(mark: LoadMark) -> Step:
    return "graph_meta_loaded", {"meta": GRAPH_META_ID, "prefix": mark.prefix, "entry": mark.entry}
