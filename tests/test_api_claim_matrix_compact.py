"""The claim matrix's compact fields (lists of scalars) agree with its cells, and the
front-end's full matrix query keeps working beside them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain import ClaimMode
from graph_store import GraphStore, trace_statements
from schema import build_schema
from schema.claims import DEFAULT_TARGET_RATE, ClaimsOfTown, town_row
from schema.context import GraphContext
from tests.conftest import LiveServer
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio

COMPACT = """
query($list: String!, $region: String!) {
  claimMatrix(list: $list, region: $region) {
    itemKeys
    items { key }
    towns { town { key } itemsNamed itemModes claimedItems claims { item mode } }
  }
}"""

#: The matrix query of the web front-end, field for field: none of these may break.
FRONT_END = """
query($list: String!, $region: String!) {
  claimMatrix(list: $list, region: $region) {
    itemCount
    items { key name powerType legalBasis seq synthetic provenance { source quote } }
    towns {
      town { key name level }
      hasEnforcementBureau claimedCount ofCount rate rateStated meetsTarget itemsNamed
      claims { item mode date status synthetic provenance { source quote } }
      unclaimed note synthetic provenance { source quote }
    }
  }
}"""


@pytest.fixture
async def mini(store: GraphStore) -> GraphStore:
    await load_fixture(store, "mini.yaml")
    return store


async def _matrix(server: LiveServer, query: str) -> dict[str, Any]:
    body = await server.graphql(query, {"list": "t:list", "region": "t:county"})
    assert "errors" not in body, body.get("errors")
    matrix: dict[str, Any] = body["data"]["claimMatrix"]
    return matrix


async def test_item_modes_are_aligned_with_items(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    matrix = await _matrix(live_server(), COMPACT)
    assert matrix["itemKeys"] == [item["key"] for item in matrix["items"]]
    assert matrix["itemKeys"] == ["t:item-4", "t:item-1", "t:item-2", "t:item-3", "t:item-5"]
    towns = {t["town"]["key"]: t for t in matrix["towns"]}
    assert towns["t:town-a"]["itemModes"] == ["CONFIRM", "CONFIRM", "ASSIGN", "CONFIRM", None]
    assert towns["t:town-b"]["itemModes"] == ["ASSIGN", None, None, None, None]
    # only a count is known for the subdistrict: a row of nulls, as long as the items
    assert towns["t:sub-c"]["itemModes"] == [None] * 5
    for town in matrix["towns"]:
        assert len(town["itemModes"]) == len(matrix["itemKeys"])
        assert town["claimedItems"] == [cell["item"] for cell in town["claims"]]
        cells = {cell["item"]: cell["mode"] for cell in town["claims"]}
        aligned = dict(zip(matrix["itemKeys"], town["itemModes"], strict=True))
        assert {k: m for k, m in aligned.items() if m is not None} == cells


async def test_the_front_end_matrix_query_still_answers(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    matrix = await _matrix(live_server(), FRONT_END)
    towns = {t["town"]["key"]: t for t in matrix["towns"]}
    a = towns["t:town-a"]
    assert [c["item"] for c in a["claims"]] == ["t:item-1", "t:item-2", "t:item-3", "t:item-4"]
    assert a["claims"][0] == {
        "item": "t:item-1",
        "mode": "CONFIRM",
        "date": "2020-06-01",
        "status": None,
        "synthetic": True,
        "provenance": [],
    }
    assert a["unclaimed"] == ["t:item-5"]
    assert towns["t:sub-c"]["note"] == "Only the count is known."


async def _executed(
    store: GraphStore, selection: str, fragments: str = ""
) -> tuple[dict[str, Any], list[str]]:
    """The matrix with ``selection`` executed in process, and the statements it read (named
    ``claim_matrix_of_region+cells`` when they read the claims with every cell, ``+items``
    when they read every property of the items)."""
    query = f'{{ claimMatrix(list: "t:list", region: "t:county") {{ {selection} }} }} {fragments}'
    with trace_statements() as trace:
        result = await build_schema().execute(query, context_value=GraphContext(store=store))
    assert result.errors is None, result.errors
    assert result.data is not None
    reads = [
        name + ("+cells" if params["cells"] else "") + ("+items" if params["wholeItems"] else "")
        for name, params in trace.calls
    ]
    return result.data["claimMatrix"], reads


async def test_without_cells_the_matrix_reads_modes_only_and_answers_the_same(
    mini: GraphStore,
) -> None:
    compact = "towns { town { key } claimedCount rate itemModes claimedItems unclaimed }"
    lean, lean_reads = await _executed(mini, compact)
    full, full_reads = await _executed(
        mini, compact.replace("unclaimed", "unclaimed claims { item }")
    )
    assert lean_reads == ["claim_matrix_of_region"]
    assert full_reads == ["claim_matrix_of_region+cells"]
    for lean_town, full_town in zip(lean["towns"], full["towns"], strict=True):
        assert lean_town == {k: v for k, v in full_town.items() if k != "claims"}
    assert any(town["claimedItems"] for town in lean["towns"])


async def test_cells_asked_through_a_fragment_still_get_their_provenance(mini: GraphStore) -> None:
    matrix, reads = await _executed(
        mini,
        "shortOfTarget(withEnforcementBureauOnly: false) { ...Cells }",
        "fragment Cells on TownClaims { claims { item date status provenance { source } } }",
    )
    assert reads == ["claim_matrix_of_region+cells"]
    cells = [cell for town in matrix["shortOfTarget"] for cell in town["claims"]]
    assert cells, "the mini fixture has a town short of the target with claims"


async def test_without_items_the_matrix_reads_their_keys_and_answers_the_same(
    mini: GraphStore,
) -> None:
    """A query that does not select `items` reads each item's id, seq and name only (what
    orders them), and answers its keys, modes and counts as the query that selects them."""
    compact = "itemKeys itemClaimCounts towns { town { key } itemModes unclaimed }"
    lean, lean_reads = await _executed(mini, compact)
    whole, whole_reads = await _executed(mini, compact + " items { key name legalBasis }")
    assert lean_reads == ["claim_matrix_of_region"]
    assert whole_reads == ["claim_matrix_of_region+items"]
    assert {k: v for k, v in whole.items() if k != "items"} == lean
    assert [item["key"] for item in whole["items"]] == lean["itemKeys"]
    params = {"list": "t:list", "region": "t:county", "cells": False, "wholeItems": False}
    [row] = await mini.read("claim_matrix_of_region", params)
    assert {frozenset(item) for item in row["items"]} == {frozenset({"id", "seq", "name"})}


async def test_the_claim_matrix_statement_answers_one_row_with_a_list_per_town(
    mini: GraphStore,
) -> None:
    """One row, not a row per claim: Neo4j's Python driver decodes each record as a message of
    its own (docs/performance.md). Without cells a town's claims are one string of
    ``item=MODE`` words (the FalkorDB client parses each value in Python); with cells a list
    of values per claim, which the resolver zips with the statement's columns."""
    params = {"list": "t:list", "region": "t:county", "cells": False, "wholeItems": True}
    [row] = await mini.read("claim_matrix_of_region", params)
    modes = {town["id"]: claims for town, _, _, claims in row["towns"]}
    assert {town: sorted(claims.split()) for town, claims in modes.items()} == {
        "t:sub-c": [],  # only a count
        "t:town-a": ["t:item-1=CONFIRM", "t:item-2=ASSIGN", "t:item-3=CONFIRM", "t:item-4=CONFIRM"],
        "t:town-b": ["t:item-4=ASSIGN"],
    }
    town_b = ClaimsOfTown(modes["t:town-b"])
    assert town_b.modes == {"t:item-4": ClaimMode.ASSIGN}
    assert town_b.rows == [{"item": "t:item-4", "mode": "ASSIGN"}]
    [row] = await mini.read("claim_matrix_of_region", {**params, "cells": True})
    cells = {town["id"]: claims for town, _, _, claims in row["towns"]}
    assert sorted(cells["t:town-b"]) == [["t:item-4", "ASSIGN", "2020-07-01", None, True, [], []]]
    assert ClaimsOfTown(cells["t:town-b"]).modes == town_b.modes
    assert len(cells["t:town-a"]) == 4
    assert sorted(item["id"] for item in row["items"]) == [
        "t:item-1",
        "t:item-2",
        "t:item-3",
        "t:item-4",
        "t:item-5",
    ]
    nowhere = {**params, "list": "t:none", "region": "t:none"}
    [nothing] = await mini.read("claim_matrix_of_region", nowhere)
    assert nothing == {"list": None, "region": None, "items": [], "towns": []}
    (items,) = await mini.read("list_items", {"list": "t:list"})
    assert [item["id"] for item in items["items"]] == [
        "t:item-1",
        "t:item-2",
        "t:item-3",
        "t:item-4",
        "t:item-5",
    ]


def test_a_compact_claim_without_a_mode_is_still_a_claim() -> None:
    """A claim the sources give no mode for is sent as ``item=``: it is claimed (it counts and
    is not unclaimed), with a null mode, not dropped or read as the mode ``""``."""
    claims = ClaimsOfTown("t:item-1=CONFIRM t:item-2= ")
    assert claims.modes == {"t:item-1": ClaimMode.CONFIRM, "t:item-2": None}
    assert claims.rows == [
        {"item": "t:item-1", "mode": "CONFIRM"},
        {"item": "t:item-2", "mode": None},
    ]
    nothing = ClaimsOfTown("")
    assert (nothing.modes, nothing.rows) == ({}, [])
    keys = ["t:item-1", "t:item-2", "t:item-3"]
    props = {"id": "t:town", "name": "镇", "level": "TOWNSHIP"}
    town = town_row(props, None, False, claims, keys, None, DEFAULT_TARGET_RATE)
    assert (town.claimed_count, town.unclaimed()) == (2, ["t:item-3"])
    assert town.item_modes() == [ClaimMode.CONFIRM, None, None]


def test_an_item_claimed_twice_counts_once() -> None:
    """Two claims of one item (two sources, say) make one claimed item in the count, the
    unclaimed items and the modes (the last claim's), and two entries of ``claimedItems``,
    as the claim rows are."""
    claims = ClaimsOfTown("t:item-1=CONFIRM t:item-1=ASSIGN")
    keys = ["t:item-1", "t:item-2"]
    props = {"id": "t:town", "name": "镇", "level": "TOWNSHIP"}
    town = town_row(props, None, False, claims, keys, None, DEFAULT_TARGET_RATE)
    assert (town.claimed_count, town.unclaimed(), town.rate) == (1, ["t:item-2"], 0.5)
    assert town.item_modes() == [ClaimMode.ASSIGN, None]
    assert town.claimed_items() == ["t:item-1", "t:item-1"]
