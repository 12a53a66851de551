"""The graph an import writes, whole: every node with its labels and properties and every
relationship with its properties, for a file with a record of every kind
(tests/fixtures/every_section.yaml), spelled out by hand from the data format (docs/model.md):
not compared with the importer's own plan. And documented provenance as the files state it.
"""

from __future__ import annotations

import gc
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain import BodyKind
from graph_loaders.dataset import Body, Dataset
from graph_loaders.importer import ImportPlan, import_dataset, import_steps, plan_import
from graph_loaders.loaded_from import LoadMark
from graph_loaders.pipeline import dataset_files, load, validate
from graph_store import GraphStore, StatementFailedError
from graph_store.errors import WriteConflictError
from tests.conftest import with_extra_statements
from tests.datasets import DATA_DIR, FIXTURES, load_fixture

pytestmark = pytest.mark.anyio

NODES = """// test: every node, its labels and properties
MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id"""
LINKS = """// test: every relationship, its ends and properties
MATCH (a:Entity)-[r]->(b:Entity)
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props"""


#: What the importer adds for name search (graph_store/search_terms.py).
SEARCH_PROPERTIES = frozenset({"searchGrams", "searchText"})


async def _graph(store: GraphStore, tmp_path: Path) -> tuple[dict[str, Any], list[Any]]:
    """Nodes by id (labels sorted, search grams and text left out: tests/test_search covers
    them) and
    the relationships as sorted (type, from, to, properties) tuples."""
    directory = tmp_path / "cypher"
    shutil.rmtree(directory, ignore_errors=True)
    probe = with_extra_statements(store, directory, nodes=NODES, links=LINKS)
    try:
        nodes = await probe.read("nodes")
        links = await probe.read("links")
    finally:
        await probe.close()
    by_id = {
        row["id"]: (
            sorted(row["labels"]),
            {k: v for k, v in row["props"].items() if k not in SEARCH_PROPERTIES},
        )
        for row in nodes
    }
    return by_id, sorted(
        (row["type"], row["source"], row["target"], sorted(row["props"].items()))
        for row in links
    )


#: What every record of a synthetic file carries.
SYN = {"synthetic": True, "sources": [], "quotes": []}


def _node(*labels: str, **props: Any) -> tuple[list[str], dict[str, Any]]:
    return sorted(["Entity", *labels]), {**props, **SYN}


EXPECTED_NODES = {
    "e:before": _node(
        "ReformEvent", id="e:before", kind="ESTABLISH", title="全县组建", outputCount=2
    ),
    "e:county": _node(
        "Region", id="e:county", name="全县", level="BANNER_COUNTY", aliases=["全"], code="150302"
    ),
    "e:dept": _node(
        "Body",
        id="e:dept",
        name="全县一局",
        kind="GOVERNMENT_DEPARTMENT",
        signboards=["全县二局"],
        verticallyManaged=False,
    ),
    "e:gov": _node("Body", id="e:gov", name="全县政府", kind="LOCAL_GOVERNMENT", staffQuota=40),
    "e:item": _node(
        "PowerItem", id="e:item", seq=1, name="全项", powerType="PENALTY", legalBasis="某法"
    ),
    "e:list": _node(
        "PowerList",
        id="e:list",
        title="全县清单",
        kind="DELEGATED",
        itemCount=3,
        countTypes=["PENALTY", "OTHER"],
        countValues=[2, 1],
    ),
    "e:merge": _node(
        "ReformEvent", id="e:merge", kind="MERGE", date="2019-03", title="全县合并", staffMoved=5
    ),
    "e:stat": _node(
        "Statistic", id="e:stat", metric="bodies", label="机构数", before=4, after=3, unit="个"
    ),
    "e:team": _node(
        "Body",
        "EnforcementTeam",
        id="e:team",
        name="全县大队",
        kind="ENFORCEMENT_TEAM",
        domain="市场",
        validFrom="2019-03",
    ),
    "e:town": _node("Region", id="e:town", name="全镇", level="TOWNSHIP"),
}


def _link(rel: str, source: str, target: str, **props: Any) -> tuple[str, str, str, Any]:
    return (rel, source, target, sorted(props.items()))


EXPECTED_LINKS = sorted(
    [
        # structure: no properties
        _link("PART_OF", "e:town", "e:county"),
        *(_link("IN_REGION", b, "e:county") for b in ("e:gov", "e:dept", "e:team", "e:list")),
        *(_link("IN_REGION", e, "e:county") for e in ("e:before", "e:merge")),
        _link("SUBORDINATE_TO", "e:dept", "e:gov", kind="LEADERSHIP"),  # no relation given
        _link("SUBORDINATE_TO", "e:team", "e:dept", kind="MANAGED_BY"),
        _link("LISTED_IN", "e:item", "e:list"),
        _link("INPUT_OF", "e:dept", "e:merge"),
        _link("RESULTED_IN", "e:merge", "e:team"),
        _link("FOLLOWS", "e:merge", "e:before"),
        _link("ABOUT", "e:stat", "e:county"),
        # facts: their own fields, and provenance
        _link("HOLDS", "e:dept", "e:item", **SYN),
        _link("EXERCISES", "e:team", "e:item", **SYN),
        _link(
            "DELEGATES",
            "e:dept",
            "e:town",
            id="e:del",
            list="e:list",
            item="e:item",
            mode="CONFIRM",  # 确认 in the file
            date="2020-06",
            docNumber="全政发〔2020〕1号",
            **SYN,
        ),
        # no body named: the list delegates itself
        _link("DELEGATES", "e:list", "e:team", id="e:del-list", list="e:list", **SYN),
        _link(
            "CLAIMS",
            "e:town",
            "e:item",
            list="e:list",
            mode="ASSIGN",  # 交办 in the file
            date="2020-07-01",
            status="已承接",
            **SYN,
        ),
        _link(
            "CLAIMED_COUNT",
            "e:town",
            "e:list",
            claimedCount=1,
            ofCount=3,
            itemsNamed=False,
            note="只有数目",
            **SYN,
        ),
    ]
)


async def test_a_file_of_every_section_gives_exactly_this_graph(
    store: GraphStore, tmp_path: Path
) -> None:
    await load_fixture(store, "every_section.yaml")
    nodes, links = await _graph(store, tmp_path)
    assert nodes == EXPECTED_NODES
    assert links == EXPECTED_LINKS
    # again: nothing doubles
    await load_fixture(store, "every_section.yaml")
    assert await _graph(store, tmp_path) == (EXPECTED_NODES, EXPECTED_LINKS)


async def test_a_synthetic_dataset_marks_records_that_do_not_say_so_themselves(
    store: GraphStore, tmp_path: Path
) -> None:
    # built in code, not read from a file: the records keep synthetic: false, the dataset
    # says synthetic: true, and everything written is marked synthetic
    document = yaml.safe_load((FIXTURES / "every_section.yaml").read_text(encoding="utf-8"))
    dataset = Dataset.model_validate(document)
    assert dataset.synthetic
    assert not any(r.synthetic for r in dataset.regions)
    await import_dataset(store, dataset)
    assert await _graph(store, tmp_path) == (EXPECTED_NODES, EXPECTED_LINKS)
    # and streamed batch by batch, as the service imports
    assert list(import_steps(dataset, ImportPlan(), 2)) == plan_import(dataset).steps(2)


async def test_small_batches_write_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    validated = validate([FIXTURES / "every_section.yaml"], DATA_DIR / "corpus")
    assert validated.problems == []
    plan = plan_import(validated.dataset)
    # one row per statement: every batch boundary falls between two rows
    await store.write_atomically(iter(plan.steps(batch_size=1)))
    assert await _graph(store, tmp_path) == (EXPECTED_NODES, EXPECTED_LINKS)


async def test_documented_provenance_is_stored_as_the_files_state_it(
    store: GraphStore, tmp_path: Path
) -> None:
    files = dataset_files(DATA_DIR)
    await load(store, files, DATA_DIR / "corpus")
    nodes, _ = await _graph(store, tmp_path)
    documents = [  # the dataset files (the region tree, a CSV, states no list)
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in files if path.suffix == ".yaml"
    ]
    records = {
        record["id"]: record
        for document in documents
        for section, value in document.items()
        if isinstance(value, list) and section != "sources"
        for record in value
        if "id" in record
    }
    # a list with counts by type: the counts' quotes join the list's own, in file order
    power_list = next(r for r in records.values() if r.get("item_counts_by_type"))
    _, props = nodes[power_list["id"]]
    counts = power_list["item_counts_by_type"]
    assert props["countTypes"] == [c["power_type"] for c in counts]
    assert props["countValues"] == [c["count"] for c in counts]
    quoted = [*power_list["provenance"], *(p for c in counts for p in c["provenance"])]
    assert props["sources"] == [p["source"] for p in quoted]
    assert props["quotes"] == [p["quote"] for p in quoted]
    assert props["synthetic"] is False
    # a disagreement: each statement's source and quote
    disagreement = next(r for r in records.values() if r.get("statements"))
    _, props = nodes[disagreement["id"]]
    assert props["sources"] == [s["source"] for s in disagreement["statements"]]
    assert props["quotes"] == [s["quote"] for s in disagreement["statements"]]


def test_planning_and_importing_leave_the_garbage_collector_as_they_found_it() -> None:
    validated = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
    assert gc.isenabled()
    plan_import(validated.dataset)
    assert gc.isenabled()
    gc.disable()
    try:
        plan_import(validated.dataset)
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_a_failed_import_restores_the_collector(store: GraphStore, tmp_path: Path) -> None:
    validated = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
    failing = with_extra_statements(store, tmp_path / "cypher", upsert_regions="RETURN 1 / 0 AS n")
    try:
        with pytest.raises(StatementFailedError):
            await import_dataset(failing, validated.dataset)
    finally:
        await failing.close()
    assert gc.isenabled()
    assert (await store.read("graph_counts"))[0] == {"nodes": 0, "relationships": 0}


async def test_a_synthetic_record_among_documented_ones_is_marked_alone(store: GraphStore) -> None:
    validated = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
    assert validated.problems == []
    dataset = validated.dataset
    region = dataset.regions[0].id
    dataset.bodies.append(
        Body(
            id="syn:test-body",
            name="合成测试局",
            kind=BodyKind.GOVERNMENT_DEPARTMENT,
            region=region,
            synthetic=True,
        )
    )
    await import_dataset(store, dataset)
    rows = await store.read("entities_by_ids", {"ids": ["syn:test-body", region]})
    marks = {row["props"]["id"]: row["props"]["synthetic"] for row in rows}
    assert marks == {"syn:test-body": True, region: False}


async def test_a_corrected_file_moves_links_instead_of_adding_them(
    store: GraphStore, tmp_path: Path
) -> None:
    await load_fixture(store, "every_section.yaml")
    document = yaml.safe_load((FIXTURES / "every_section.yaml").read_text(encoding="utf-8"))
    # a second county; the town, the list's scope, the merger and the statistic move to it,
    # and the merger took in 全县政府 rather than 全县一局
    document["regions"].append({"id": "e:county-2", "name": "另县", "level": "BANNER_COUNTY"})
    document["regions"][1]["parent"] = "e:county-2"
    document["power_lists"][0]["scope_region"] = "e:county-2"
    document["reform_events"][1]["region"] = "e:county-2"
    document["reform_events"][1]["inputs"] = ["e:gov"]
    document["statistics"][0]["scope_region"] = "e:county-2"
    corrected = tmp_path / "corrected.yaml"
    corrected.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    await load(store, [corrected], DATA_DIR / "corpus")
    moved = [
        (_link("PART_OF", "e:town", "e:county"), _link("PART_OF", "e:town", "e:county-2")),
        (_link("IN_REGION", "e:list", "e:county"), _link("IN_REGION", "e:list", "e:county-2")),
        (_link("IN_REGION", "e:merge", "e:county"), _link("IN_REGION", "e:merge", "e:county-2")),
        (_link("INPUT_OF", "e:dept", "e:merge"), _link("INPUT_OF", "e:gov", "e:merge")),
        (_link("ABOUT", "e:stat", "e:county"), _link("ABOUT", "e:stat", "e:county-2")),
    ]
    expected_links = sorted(
        next((new for old, new in moved if old == link), link) for link in EXPECTED_LINKS
    )
    expected_nodes = {
        **EXPECTED_NODES,
        "e:county-2": _node("Region", id="e:county-2", name="另县", level="BANNER_COUNTY"),
    }
    assert await _graph(store, tmp_path) == (expected_nodes, expected_links)


def _logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the importer logged (an adapter may log too)."""
    return [r.getMessage() for r in caplog.records if r.name == "graph_loaders.importer"]


def _every_section() -> Dataset:
    validated = validate([FIXTURES / "every_section.yaml"], DATA_DIR / "corpus")
    assert validated.problems == []
    return validated.dataset


async def test_a_start_up_dataset_is_recorded_by_its_slot_and_not_applied_twice(
    store: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    dataset = _every_section()
    first = await import_dataset(store, dataset, mark=LoadMark("dataset", "d" * 64))
    assert first.row_count > 0
    meta = await store.meta()
    assert meta.loaded_from == ("dataset=" + "d" * 64,)

    with caplog.at_level(logging.INFO, logger="graph_loaders.importer"):
        again = await import_dataset(store, dataset, mark=LoadMark("dataset", "d" * 64))
    assert again == ImportPlan()  # nothing planned, nothing written
    assert (await store.meta()).version == meta.version
    assert _logged(caplog) == ["dataset dddddddddddd is already applied to the graph"]

    # another slot is recorded beside it; a new digest for a slot replaces that slot's entry
    await import_dataset(store, dataset, mark=LoadMark("synthetic", "s" * 64))
    await import_dataset(store, dataset, mark=LoadMark("dataset", "e" * 64))
    assert (await store.meta()).loaded_from == ("synthetic=" + "s" * 64, "dataset=" + "e" * 64)


async def test_each_import_attempt_logs_the_version_it_planned_against(
    store: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    version = (await store.meta()).version
    with caplog.at_level(logging.INFO, logger="graph_loaders.importer"):
        await import_dataset(store, _every_section())
    assert _logged(caplog) == [
        f"import attempt 1 of 3: planned against write version {version}, then 0 step(s) "
        "replaying the writes recorded through the API"
    ]


async def test_an_import_written_under_on_every_attempt_gives_up_after_three_and_writes_nothing(
    store: GraphStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another writer acknowledges a write (a real one, on the engine) right after the import
    reads the version it plans against, every time: three attempts, then the conflict."""
    other = with_extra_statements(
        store, tmp_path / "cypher", touch="// test: a write that changes nothing\n"
        "MATCH (n:Nothing) SET n.seen = true"
    )
    planned: list[int] = []
    read_meta = store.meta

    async def meta_then_another_write() -> Any:
        meta = await read_meta()
        planned.append(meta.version)
        await other.write("touch")
        return meta

    monkeypatch.setattr(store, "meta", meta_then_another_write)
    try:
        with pytest.raises(WriteConflictError) as refused:
            await import_dataset(store, _every_section())
    finally:
        await other.close()
    assert str(refused.value) == (
        "writes were acknowledged on the graph during each of 3 attempts of this import; "
        "nothing was imported and nothing was lost. Run it again when writes are quieter."
    )
    assert len(planned) == 3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage().partition(": ")[0] for r in warnings] == [
        "import attempt 1 of 3",
        "import attempt 2 of 3",
        "import attempt 3 of 3",
    ]
    assert all(r.name == "graph_loaders.importer" for r in warnings)
    # each says why: one write came in after the plan (each engine words the rest its way)
    assert all(r.getMessage().partition(": ")[2].startswith("1 write(s) ") for r in warnings)
    assert planned == sorted(set(planned))  # each attempt planned again, on the newer graph
    assert (await store.read("graph_counts"))[0] == {"nodes": 0, "relationships": 0}


def test_a_plan_is_written_in_batches_of_at_most_the_batch_size_and_none_empty() -> None:
    """Every row of the plan is written once, in order, in batches no larger than asked (a
    statement's size is bounded) and never an empty one (a round trip for nothing)."""
    plan = plan_import(_every_section())
    expected: dict[str, list[Any]] = {**plan.nodes, **plan.links}
    expected["unlink_owned"] = plan.unlink_owned
    expected["unlink_event_inputs"] = plan.unlink_event_inputs
    for size in (1, 2, 3, 10_000):
        written: dict[str, list[Any]] = {}
        for statement, params in plan.steps(batch_size=size):
            (batch,) = params.values()
            assert 1 <= len(batch) <= size, (statement, size)
            written.setdefault(statement, []).extend(batch)
        assert written == {k: rows for k, rows in expected.items() if rows}
