"""An import too large for one Neo4j transaction is written as a staged generation in batches
and promoted in one transaction (``docs/operations.md``, *Imports too large for one
transaction*). Checked on the real server, with the thresholds lowered so that a small
synthetic dataset takes that path: it writes what one transaction writes; readers see the old
graph while it stages and after it fails half-way, and nothing of the failed generation is
left; a write acknowledged while it stages is kept. Collected only when the suite runs on
Neo4j (``NEO4J_URI``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import neo4j as neo4j_driver
import pytest

from cypher.registry import CypherRegistry
from graph_loaders.dataset import Dataset
from graph_loaders.importer import ImportPlan, import_dataset, import_steps
from graph_loaders.synthetic import generate
from graph_store import GraphStore, StatementFailedError
from graph_store.base import GRAPH_META_ID
from graph_store.errors import WriteConflictError
from graph_store.fresh_links import FRESH_KEYS
from graph_store.neo4j_store import Neo4jStore
from tests.conftest import GraphTarget, with_extra_statements
from tests.snapshot import graph_snapshot
from tests.test_write_serialisation import apply_merger

pytestmark = pytest.mark.anyio

#: Test-only statements that look past what readers see: the nodes of staged or retired
#: generations, and the claim a batched import holds on the GraphMeta node.
LEFTOVERS = """// test: nodes no reader sees (staged or retired generations)
MATCH (n)
WHERE n:Staged OR n:Retired
RETURN count(n) AS nodes"""
CLAIM = """// test: the generation a batched import claims
MATCH (m:GraphMeta)
RETURN m.staging AS staging, m.version AS version"""

#: Small enough that the synthetic samples below take the batched path in a few dozen
#: transactions: the old graph ~5,000 rows, the new one ~8,000.
SINGLE_TRANSACTION_ROWS = 1_000
BATCH_ROWS = 700

ALL_REGIONS = {"level": None, "under": None, "limit": 500}

#: Two bodies of one county in both samples, merged through the API by the tests.
MERGED = ["syn:body:c0001:market", "syn:body:c0001:health"]


def _dataset(seed: int, scale: float) -> Dataset:
    return generate("inner-mongolia", seed, scale=scale)


@pytest.fixture
async def neo4j() -> AsyncIterator[Neo4jStore]:
    """A store on the configured Neo4j, cleared, with the schema applied, that stages any
    import of more than ``SINGLE_TRANSACTION_ROWS`` rows."""
    s = GraphTarget.neo4j().settings
    assert s.neo4j_uri is not None
    store = Neo4jStore(
        CypherRegistry("neo4j"),
        s.neo4j_uri,
        s.neo4j_user,
        s.neo4j_password.get_secret_value(),
        s.neo4j_database,
        single_transaction_rows=SINGLE_TRANSACTION_ROWS,
        batch_rows=BATCH_ROWS,
    )
    await store.write("graph_clear")
    await store.apply_schema()
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def probe(neo4j: Neo4jStore, tmp_path: Path) -> AsyncIterator[GraphStore]:
    """A second store on the same database with the test-only statements."""
    store = with_extra_statements(neo4j, tmp_path / "probe", leftovers=LEFTOVERS, claim=CLAIM)
    try:
        yield store
    finally:
        await store.close()


async def _leftovers(probe: GraphStore) -> int:
    return int((await probe.read("leftovers"))[0]["nodes"])


class Paused:
    """The steps of an import, held half-way (in the worker thread that takes them) until
    the test lets them go on, then ending with an injected failure or going on."""

    def __init__(self, steps: Iterator[tuple[str, dict[str, Any]]], pause_at: int) -> None:
        self.steps = steps
        self.pause_at = pause_at
        self.reached = threading.Event()
        self.resume = threading.Event()
        self.fail = True

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for index, step in enumerate(self.steps):
            if index == self.pause_at:
                self.reached.set()
                assert self.resume.wait(120), "the test never let the import go on"
                if self.fail:
                    raise RuntimeError("injected failure half-way through the import")
            yield step

    async def wait_reached(self) -> None:
        assert await asyncio.to_thread(self.reached.wait, 120), "the import never got there"


async def test_a_staged_import_writes_what_one_transaction_writes(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    old, new = _dataset(1, 0.03), _dataset(2, 0.05)
    # The reference: both imports in one transaction each (the default threshold).
    single = with_extra_statements(neo4j, tmp_path / "single")
    try:
        await import_dataset(single, old)
        merger = await apply_merger(single, MERGED, "合并局")
        await import_dataset(single, new)
    finally:
        await single.close()
    expected = await graph_snapshot(neo4j, tmp_path)
    assert merger["targetKey"] in expected  # the recorded merger, replayed after the import

    await neo4j.write("graph_clear")
    await import_dataset(single := with_extra_statements(neo4j, tmp_path / "s2"), old)
    await single.close()
    await apply_merger(neo4j, MERGED, "合并局")
    version = (await neo4j.meta()).version
    await import_dataset(neo4j, new)  # over a live graph: copied, then written, in batches
    assert await graph_snapshot(neo4j, tmp_path) == expected
    assert await _leftovers(probe) == 0
    [claim] = await probe.read("claim")
    assert claim == {"staging": None, "version": version + 1}


async def test_readers_see_the_old_graph_while_staging_and_after_a_failure_half_way(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    await import_dataset(neo4j, _dataset(1, 0.03))
    before = await graph_snapshot(neo4j, tmp_path)
    version = (await neo4j.meta()).version
    regions = await neo4j.read("regions_list", ALL_REGIONS)
    new = _dataset(2, 0.05)
    steps = list(import_steps(new, ImportPlan()))
    paused = Paused(iter(steps), pause_at=len(steps) // 2)
    importing = asyncio.create_task(neo4j.import_atomically(paused, [], expected_version=version))
    try:
        await paused.wait_reached()
        # Half-way: the live graph copied and the new records written (the batch before the
        # pause may still be committing), none of it seen.
        for _ in range(300):
            if await _leftovers(probe) > len(before):
                break
            await asyncio.sleep(0.1)
        assert await _leftovers(probe) > len(before)
        assert (await probe.read("claim"))[0]["staging"] is not None
        assert await graph_snapshot(neo4j, tmp_path) == before
        assert await neo4j.read("regions_list", ALL_REGIONS) == regions
    finally:
        paused.resume.set()
        with pytest.raises(RuntimeError, match="injected failure"):
            await importing
    assert await graph_snapshot(neo4j, tmp_path) == before
    assert await _leftovers(probe) == 0
    assert await probe.read("claim") == [{"staging": None, "version": version}]


async def test_a_statement_the_engine_refuses_half_way_leaves_the_graph_as_it_was(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    await import_dataset(neo4j, _dataset(1, 0.03))
    before = await graph_snapshot(neo4j, tmp_path)
    version = (await neo4j.meta()).version
    steps = list(import_steps(_dataset(2, 0.05), ImportPlan()))
    # A claim whose properties hold a map: Neo4j refuses it as a property value.
    half = len(steps) // 2
    name, params = steps[half]
    bad_row = {**params["rows"][0], "props": {"mode": {"not": "a property value"}}}
    steps[half] = (name, {**params, "rows": [*params["rows"][1:], bad_row]})
    with pytest.raises(StatementFailedError):
        await neo4j.import_atomically(iter(steps), [], expected_version=version)
    assert await graph_snapshot(neo4j, tmp_path) == before
    assert await _leftovers(probe) == 0
    assert await probe.read("claim") == [{"staging": None, "version": version}]


async def test_a_write_acknowledged_while_staging_is_kept_and_the_import_planned_again(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    await import_dataset(neo4j, _dataset(1, 0.03))
    version = (await neo4j.meta()).version
    steps = list(import_steps(_dataset(2, 0.05), ImportPlan()))
    paused = Paused(iter(steps), pause_at=len(steps) // 2)
    paused.fail = False
    importing = asyncio.create_task(neo4j.import_atomically(paused, [], expected_version=version))
    try:
        await paused.wait_reached()
        merger = await apply_merger(neo4j, MERGED, "合并局")
    finally:
        paused.resume.set()
    with pytest.raises(WriteConflictError):
        await importing
    after = await graph_snapshot(neo4j, tmp_path)
    assert merger["targetKey"] in after
    assert await _leftovers(probe) == 0
    assert await probe.read("claim") == [{"staging": None, "version": version + 1}]


async def test_a_dead_import_s_generation_is_removed_at_start_up(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    await import_dataset(neo4j, _dataset(1, 0.03))
    before = await graph_snapshot(neo4j, tmp_path)
    version = (await neo4j.meta()).version
    steps = list(import_steps(_dataset(2, 0.05), ImportPlan()))
    paused = Paused(iter(steps), pause_at=len(steps) // 2)
    importing = asyncio.create_task(neo4j.import_atomically(paused, [], expected_version=version))
    await paused.wait_reached()
    importing.cancel()  # as a process that dies: its generation stays behind
    paused.resume.set()
    with pytest.raises(asyncio.CancelledError):
        await importing
    assert await _leftovers(probe) > 0
    assert await graph_snapshot(neo4j, tmp_path) == before
    assert await neo4j.clean_up_interrupted_writes() > 0
    assert await _leftovers(probe) == 0
    assert await probe.read("claim") == [{"staging": None, "version": version}]
    await import_dataset(neo4j, _dataset(2, 0.05))  # and the next import goes ahead


#: Test-only: the relationships of one type between two records, with their properties.
BETWEEN = """// test: the relationships of a type between two records, with their properties
MATCH (a {id: $from})-[r]->(b {id: $to})
WHERE type(r) = $type
RETURN properties(r) AS props"""


def _with_repeated_rows(dataset: Dataset) -> Dataset:
    """``dataset`` with its first claim given again at the end, with another mode and date,
    and its first holding given twice more: two rows for one relationship, which MERGE
    writes once (the later row's properties win) and a plain CREATE would write twice."""
    claim, holding = dataset.claims[0], dataset.holdings[0]
    mode = "ASSIGN" if claim.mode.value != "ASSIGN" else "ENTRUST"
    again = claim.model_copy(update={"mode": type(claim.mode)(mode), "date": "2021-12-31"})
    return dataset.model_copy(
        update={
            "claims": [*dataset.claims, again],
            "holdings": [*dataset.holdings, holding, holding],
        }
    )


async def test_a_staged_import_into_an_empty_graph_creates_each_relationship_once(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    """Into a graph without those relationship types, the staged generation CREATEs the
    holdings, exercises, delegations and claims (graph_store/fresh_links.py); repeated rows,
    here in other transactions than their first (steps of 500 rows, transactions of 700),
    still give one relationship with the last row's properties, as one transaction does."""
    dataset = _with_repeated_rows(_dataset(2, 0.05))
    claim = dataset.claims[-1]
    single = with_extra_statements(neo4j, tmp_path / "single")
    try:
        await import_dataset(single, dataset)
    finally:
        await single.close()
    expected = await graph_snapshot(neo4j, tmp_path)

    await neo4j.write("graph_clear")
    assert await neo4j._fresh_sections() == set(FRESH_KEYS)  # the graph has none of them
    version = (await neo4j.meta()).version
    steps = import_steps(dataset, ImportPlan(), batch_size=500)
    await neo4j.import_atomically(steps, [], expected_version=version)
    assert await graph_snapshot(neo4j, tmp_path) == expected
    assert await _leftovers(probe) == 0

    between = with_extra_statements(neo4j, tmp_path / "between", between=BETWEEN)
    try:
        claims = await between.read(
            "between", {"from": claim.region, "to": claim.item, "type": "CLAIMS"}
        )
        holding = dataset.holdings[0]
        holds = await between.read(
            "between", {"from": holding.body, "to": holding.item, "type": "HOLDS"}
        )
    finally:
        await between.close()
    assert [row["props"]["mode"] for row in claims] == [claim.mode.value]
    assert [row["props"]["date"] for row in claims] == ["2021-12-31"]
    assert len(holds) == 1
    # a second import MERGEs them all (the synthetic profiles have no claim summaries)
    assert await neo4j._fresh_sections() == {"link_claimed_count"}


async def test_an_import_run_twice_gives_the_same_graph(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    """The first staged import CREATEs the relationships, the second MERGEs them (the graph
    has them now): the second changes nothing."""
    dataset = _dataset(2, 0.05)
    await import_dataset(neo4j, dataset)
    once = await graph_snapshot(neo4j, tmp_path)
    await import_dataset(neo4j, dataset)
    assert await graph_snapshot(neo4j, tmp_path) == once
    assert await _leftovers(probe) == 0
    counts = (await neo4j.read("graph_counts"))[0]
    assert counts["relationships"] == sum(len(node["out"]) for node in once.values())


async def test_a_failure_half_way_through_creating_relationships_leaves_the_graph_empty(
    neo4j: Neo4jStore, probe: GraphStore, tmp_path: Path
) -> None:
    """Into an empty graph, with the claims half written through CREATE: nothing is seen,
    nothing is left, and the claim is released."""
    version = (await neo4j.meta()).version
    steps = list(import_steps(_dataset(2, 0.05), ImportPlan(), batch_size=200))
    claims = [index for index, (name, _) in enumerate(steps) if name == "link_claims"]
    paused = Paused(iter(steps), pause_at=claims[len(claims) // 2])
    importing = asyncio.create_task(neo4j.import_atomically(paused, [], expected_version=version))
    try:
        await paused.wait_reached()
        for _ in range(300):
            if await _leftovers(probe) > 0:
                break
            await asyncio.sleep(0.1)
        assert await _leftovers(probe) > 0
        assert await graph_snapshot(neo4j, tmp_path) == {}
    finally:
        paused.resume.set()
        with pytest.raises(RuntimeError, match="injected failure"):
            await importing
    assert await graph_snapshot(neo4j, tmp_path) == {}
    assert (await neo4j.read("graph_counts"))[0] == {"nodes": 0, "relationships": 0}
    assert await _leftovers(probe) == 0
    assert await probe.read("claim") == [{"staging": None, "version": version}]


#: Test-only: what a promotion does to one body, holding the GraphMeta lock as every write
#: transaction does first: the live node is retired and a copy of it takes its place.
REPLACE = """// test: replace the body $id by a copy of itself, as a promotion does
MERGE (m:GraphMeta {id: $meta})
SET m.writeLock = true
REMOVE m.writeLock
WITH m
MATCH (old:Body {id: $id})
REMOVE old:Entity:Body
SET old:Retired
CREATE (new:Entity:Body)
SET new = properties(old)
RETURN count(new) AS replaced"""


async def test_a_merger_waiting_for_a_promotion_writes_the_promoted_record(
    neo4j: Neo4jStore, tmp_path: Path
) -> None:
    """Neo4j matches without locks and does not match again after waiting for one: a merger
    that matched a body before a promotion retired it would write to the retired copy, and be
    lost with it. Every write takes the GraphMeta lock before it reads, so it waits for the
    promotion first and then finds the promoted body."""
    await import_dataset(neo4j, _dataset(1, 0.03))
    body = MERGED[0]
    probe = with_extra_statements(neo4j, tmp_path / "replace", replace=REPLACE)
    assert isinstance(probe, Neo4jStore)
    s = GraphTarget.neo4j().settings
    assert s.neo4j_uri is not None
    driver = neo4j_driver.AsyncGraphDatabase.driver(
        s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value())
    )
    try:
        async with driver.session(database=s.neo4j_database) as session:
            promotion = await session.begin_transaction()
            replaced = await promotion.run(
                probe.registry.get("replace").text, {"meta": GRAPH_META_ID, "id": body}
            )
            assert (await replaced.single(strict=True))["replaced"] == 1
            closing = asyncio.create_task(
                neo4j.write("close_bodies", {"ids": [body], "date": "2021-01"})
            )
            await asyncio.sleep(1.0)
            assert not closing.done()  # it waits for the promotion's lock
            await promotion.commit()
            assert await closing == [{"closed": 1}]
    finally:
        await driver.close()
        await probe.close()
    [row] = await neo4j.read("entities_by_ids", {"ids": [body]})
    assert row["props"]["validTo"] == "2021-01"
