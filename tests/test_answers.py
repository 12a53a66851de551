"""The answers users rely on, exactly, on a hand-built dataset whose every answer is worked
out by hand (tests/fixtures/answers.yaml): claim rates on the 70% target and either side of
it, a list that states more items than it names, counts without a rate, a seven-hop
delegation line, a delegation cycle, a lineage through an event known only by counts.

Through the schema on the real engine (both engines when ``NEO4J_URI`` is set): the dataset
is loaded once per module and only read. Each expected value below is written out, not
computed by the code under test; the comments say how it was worked out.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph_store import GraphStore
from schema import Limits, build_schema
from schema.context import GraphContext
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio

SCHEMA = build_schema()


@pytest.fixture(scope="module")
async def answers(module_store: GraphStore) -> GraphStore:
    await load_fixture(module_store, "answers.yaml")
    return module_store


async def ask(store: GraphStore, query: str, **variables: Any) -> dict[str, Any]:
    """The data of a query that must succeed."""
    result = await SCHEMA.execute(
        query, variable_values=variables, context_value=GraphContext(store=store)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def error_of(store: GraphStore, query: str, **variables: Any) -> dict[str, Any]:
    """The one error of a query that must fail: its message and extensions."""
    result = await SCHEMA.execute(
        query, variable_values=variables, context_value=GraphContext(store=store)
    )
    assert result.errors is not None
    [error] = result.errors
    return {"message": error.message, "extensions": error.extensions}


def not_found(message: str, key: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": "NOT_FOUND", "key": key}}


async def refused(store: GraphStore, query: str, **variables: Any) -> tuple[str, str]:
    """(code, message) of the one error of a query that must fail."""
    result = await SCHEMA.execute(
        query, variable_values=variables, context_value=GraphContext(store=store)
    )
    assert result.errors is not None
    [error] = result.errors
    assert error.extensions is not None
    return error.extensions["code"], error.message


# Claim matrix --------------------------------------------------------------------------

MATRIX = """
query($list: String!, $target: Float) {
  claimMatrix(list: $list, region: "a:county", targetRate: $target) {
    list { key } region { key } targetRate itemCount itemKeys itemClaimCounts
    towns { town { key } hasEnforcementBureau claimedCount ofCount rate rateStated meetsTarget
            itemsNamed unclaimed note synthetic claimedItems itemModes }
    shortOfTarget { town { key } }
    everyoneShort: shortOfTarget(withEnforcementBureauOnly: false) { town { key } }
  }
}"""

#: The named items, most claimed first, then by sequence: a:i8 by three towns, a:i3..a:i7 by
#: two, then a:i1 and a:i2 by one each (a:i1 first by sequence).
ITEM_ORDER = ["a:i8", "a:i3", "a:i4", "a:i5", "a:i6", "a:i7", "a:i1", "a:i2"]


def _row(
    bureau: bool,
    claimed: int | None,
    of: int | None,
    rate: float | None,
    meets: bool | None,
    *,
    stated: bool = False,
    named: bool = True,
    unclaimed: list[str] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "hasEnforcementBureau": bureau,
        "claimedCount": claimed,
        "ofCount": of,
        "rate": rate,
        "rateStated": stated,
        "meetsTarget": meets,
        "itemsNamed": named,
        "unclaimed": unclaimed or [],
        "note": note,
        "synthetic": True,  # every record of the fixture is
    }


def _rows(matrix: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each town's row (by key) with the fields :func:`_row` gives."""
    fields = _row(False, None, None, None, None)
    return {t["town"]["key"]: {k: t[k] for k in fields} for t in matrix["towns"]}


async def test_rates_are_claimed_items_over_the_lists_stated_size_and_the_target_is_inclusive(
    answers: GraphStore,
) -> None:
    matrix = (await ask(answers, MATRIX, list="a:list"))["claimMatrix"]
    assert (matrix["list"], matrix["region"]) == ({"key": "a:list"}, {"key": "a:county"})
    assert (matrix["targetRate"], matrix["itemCount"]) == (0.7, 10)
    assert matrix["itemKeys"] == ITEM_ORDER
    # towns claiming each item, in that order: a:i8 by 甲镇, 乙镇 and 丙街道; a:i3..a:i7 by
    # 甲镇 and 乙镇; a:i1 by 丙街道, a:i2 by 甲镇 (the summaries of 戊镇 and 己镇 name none)
    assert matrix["itemClaimCounts"] == [3, 2, 2, 2, 2, 2, 1, 1]
    towns = [t["town"]["key"] for t in matrix["towns"]]
    assert towns == ["a:ding", "a:bing", "a:yi", "a:ji", "a:wu", "a:jia"]  # by name
    rows = _rows(matrix)
    assert rows == {
        # nothing claimed, nothing summarised: 0 of the stated 10
        "a:ding": _row(False, 0, 10, 0.0, False, unclaimed=ITEM_ORDER),
        # a:i1 and a:i8: 2 / 10 (not 2 / 8 named)
        "a:bing": _row(False, 2, 10, 0.2, False, unclaimed=[*ITEM_ORDER[1:6], "a:i2"]),
        # a:i3..a:i8: 6 / 10, short of 0.7
        "a:yi": _row(True, 6, 10, 0.6, False, unclaimed=["a:i1", "a:i2"]),
        # the source's own rate, 0.333, not 1/3 recomputed; no items named
        "a:ji": _row(True, 1, 3, 0.333, False, stated=True, named=False),
        # a count only, of the list's stated 10: 0.9
        "a:wu": _row(True, 9, 10, 0.9, True, named=False, note="只知道数目。"),
        # a:i2..a:i8: 7 / 10 = 0.7, on the target, which meets it
        "a:jia": _row(True, 7, 10, 0.7, True, unclaimed=["a:i1"]),
    }
    # towns with a bureau below 0.7, then every town below it (in the towns' order)
    assert [t["town"]["key"] for t in matrix["shortOfTarget"]] == ["a:yi", "a:ji"]
    assert [t["town"]["key"] for t in matrix["everyoneShort"]] == [
        "a:ding",
        "a:bing",
        "a:yi",
        "a:ji",
    ]


async def test_the_compact_rows_follow_the_item_order(answers: GraphStore) -> None:
    matrix = (await ask(answers, MATRIX, list="a:list"))["claimMatrix"]
    compact = {t["town"]["key"]: (t["claimedItems"], t["itemModes"]) for t in matrix["towns"]}
    c, a = "CONFIRM", "ASSIGN"
    assert compact == {
        "a:ding": ([], [None] * 8),
        # claimed items in key order; modes in the matrix's item order (a:i8 first)
        "a:bing": (["a:i1", "a:i8"], [c, None, None, None, None, None, c, None]),
        "a:yi": (["a:i3", "a:i4", "a:i5", "a:i6", "a:i7", "a:i8"], [a, a, a, a, a, a, None, None]),
        "a:ji": ([], [None] * 8),
        "a:wu": ([], [None] * 8),
        "a:jia": (
            ["a:i2", "a:i3", "a:i4", "a:i5", "a:i6", "a:i7", "a:i8"],
            [c, c, a, c, c, a, None, c],
        ),
    }


async def test_a_lower_target_moves_the_town_on_it(answers: GraphStore) -> None:
    matrix = (await ask(answers, MATRIX, list="a:list", target=0.6))["claimMatrix"]
    meets = {t["town"]["key"]: t["meetsTarget"] for t in matrix["towns"]}
    assert meets == {
        "a:ding": False,
        "a:bing": False,
        "a:yi": True,  # 0.6 on a 0.6 target
        "a:ji": False,
        "a:wu": True,
        "a:jia": True,
    }
    assert [t["town"]["key"] for t in matrix["shortOfTarget"]] == ["a:ji"]


async def test_targets_from_zero_to_one_inclusive_are_accepted(answers: GraphStore) -> None:
    for target, meeting in ((0.0, 6), (1.0, 0)):
        matrix = (await ask(answers, MATRIX, list="a:list", target=target))["claimMatrix"]
        assert matrix["targetRate"] == target
        assert sum(t["meetsTarget"] is True for t in matrix["towns"]) == meeting
    for target in (-0.01, 1.01):
        assert await refused(answers, MATRIX, list="a:list", target=target) == (
            "BAD_INPUT",
            "targetRate must be between 0 and 1.",
        )


async def test_unknown_rates_are_neither_met_nor_short(answers: GraphStore) -> None:
    # the second list states no size and names no items: only 乙镇 (2 of 3) has a rate
    matrix = (await ask(answers, MATRIX, list="a:list-2"))["claimMatrix"]
    assert matrix["list"] == {"key": "a:list-2"}
    assert (matrix["itemCount"], matrix["itemKeys"]) == (None, [])
    rows = _rows(matrix)
    unknown = _row(False, None, None, None, None, named=False)
    assert rows == {
        "a:ding": unknown,
        "a:bing": unknown,
        "a:yi": _row(True, 2, 3, 0.6667, False, named=False),  # computed: to four places
        "a:ji": {**unknown, "hasEnforcementBureau": True},
        "a:wu": {**unknown, "hasEnforcementBureau": True},
        # three claimed of an unknown number: no rate, so not short of the target
        "a:jia": {**unknown, "hasEnforcementBureau": True, "claimedCount": 3},
    }
    assert [t["town"]["key"] for t in matrix["shortOfTarget"]] == ["a:yi"]
    assert [t["town"]["key"] for t in matrix["everyoneShort"]] == ["a:yi"]


async def test_claim_cells_carry_mode_date_and_status(answers: GraphStore) -> None:
    data = await ask(
        answers,
        """{ claimMatrix(list: "a:list", region: "a:jia") {
             towns { town { key } claims { item mode date status synthetic provenance { source } } }
           } }""",
    )
    [town] = data["claimMatrix"]["towns"]  # a town is a region at or under itself
    assert town["town"]["key"] == "a:jia"
    assert town["claims"][:2] == [
        {
            "item": "a:i2",
            "mode": "CONFIRM",
            "date": "2020-06-01",
            "status": "已承接",
            "synthetic": True,
            "provenance": [],
        },
        {
            "item": "a:i3",
            "mode": "CONFIRM",
            "date": "2020-06-01",
            "status": None,
            "synthetic": True,
            "provenance": [],
        },
    ]
    assert [c["item"] for c in town["claims"]] == [f"a:i{n}" for n in range(2, 9)]


async def test_a_claim_matrix_names_what_it_did_not_find(answers: GraphStore) -> None:
    query = """query($list: String!, $region: String!) {
        claimMatrix(list: $list, region: $region) { itemCount } }"""
    assert await error_of(answers, query, list="a:nope", region="a:county") == not_found(
        "No PowerList with key 'a:nope'.", "a:nope"
    )
    assert await error_of(answers, query, list="a:county", region="a:county") == not_found(
        "No PowerList with key 'a:county'.", "a:county"
    )
    assert await error_of(answers, query, list="a:list", region="a:list") == not_found(
        "No Region with key 'a:list'.", "a:list"
    )


async def test_a_statutory_list_has_no_claim_matrix(answers: GraphStore) -> None:
    query = '{ claimMatrix(list: "a:law", region: "a:county") { itemCount } }'
    assert await error_of(answers, query) == {
        "message": "'a:law' is a statutory list (法定): towns hold its items by law, so there "
        "is nothing to claim.",
        "extensions": {"code": "BAD_INPUT", "key": "a:law"},
    }


# Delegation chains ---------------------------------------------------------------------

CHAINS = """
query($item: String!, $town: String) {
  delegationChains(item: $item, town: $town) {
    complete item { key }
    hops { relation mode date docNumber from { ... on Body { key } ... on PowerList { key } }
           to { ... on Body { key } ... on PowerItem { key } ... on Region { key } } }
  }
}"""


def _hops(chain: dict[str, Any]) -> list[tuple[str, str, str, str | None]]:
    return [(h["relation"], h["from"]["key"], h["to"]["key"], h["mode"]) for h in chain["hops"]]


LINE = [("DELEGATES", f"a:b{n}", f"a:b{n + 1}", "ASSIGN") for n in range(6)]


async def test_a_chain_keeps_six_delegations_and_ends_where_the_sixth_does(
    answers: GraphStore,
) -> None:
    # a:b0 → … → a:b7 is seven delegations; the walk stops after six, at a:b6, which
    # exercises the item (a:b7 does too, but is one hop too far)
    [chain] = (await ask(answers, CHAINS, item="a:i1"))["delegationChains"]
    assert chain["item"] == {"key": "a:i1"}
    assert chain["complete"] is True
    assert _hops(chain) == [
        ("LISTED_IN", "a:list", "a:i1", None),
        ("HOLDS", "a:b0", "a:i1", None),
        *LINE,
        ("EXERCISES", "a:b6", "a:i1", None),
    ]


async def test_a_delegation_cycle_is_walked_once(answers: GraphStore) -> None:
    # a:c0 → a:c1 → a:c0 is a cycle: the walk does not go back to a:c0. From a:c0 the item
    # also goes to 甲镇 three times (by delegation id; nobody there exercises it: incomplete);
    # from a:c1 to 乙镇, where two bodies exercise it: one chain for each, by their keys
    chains = (await ask(answers, CHAINS, item="a:i2"))["delegationChains"]
    head = [("LISTED_IN", "a:list", "a:i2", None), ("HOLDS", "a:c0", "a:i2", None)]
    via_c1 = [
        *head,
        ("DELEGATES", "a:c0", "a:c1", "CONFIRM"),
        ("DELEGATES", "a:c1", "a:yi", "ASSIGN"),
    ]
    assert [(c["complete"], _hops(c)) for c in chains] == [
        (False, [*head, ("DELEGATES", "a:c0", "a:jia", "CONFIRM")]),  # a:to-jia-1
        (False, [*head, ("DELEGATES", "a:c0", "a:jia", "ASSIGN")]),  # a:to-jia-2
        (False, [*head, ("DELEGATES", "a:c0", "a:jia", "CONFIRM")]),  # a:to-jia-3
        (True, [*via_c1, ("EXERCISES", "a:bureau-yi", "a:i2", None)]),
        (True, [*via_c1, ("EXERCISES", "a:office-yi", "a:i2", None)]),
    ]
    assert [c["hops"][2]["date"] for c in chains[:3]] == [None, None, "2020-09"]
    to_yi = (await ask(answers, CHAINS, item="a:i2", town="a:yi"))["delegationChains"]
    assert [_hops(c)[-1][1] for c in to_yi] == ["a:bureau-yi", "a:office-yi"]
    to_jia = (await ask(answers, CHAINS, item="a:i2", town="a:jia"))["delegationChains"]
    assert [(c["complete"], _hops(c)[-1][3], c["hops"][-1]["date"]) for c in to_jia] == [
        (False, "CONFIRM", None),
        (False, "ASSIGN", None),
        (False, "CONFIRM", "2020-09"),
    ]
    assert (await ask(answers, CHAINS, item="a:i2", town="a:ding"))["delegationChains"] == []


async def test_a_whole_list_delegation_carries_the_item_and_a_list_can_delegate_itself(
    answers: GraphStore,
) -> None:
    # a:h holds a:i7 and passed the whole list to a:w, which passed a:i7 on to a:r, with a
    # document number and date; nobody exercises it at a:r
    [chain] = (await ask(answers, CHAINS, item="a:i7"))["delegationChains"]
    assert chain["complete"] is False
    assert [
        (h["relation"], h["from"]["key"], h["to"]["key"], h["mode"], h["date"], h["docNumber"])
        for h in chain["hops"]
    ] == [
        ("LISTED_IN", "a:list", "a:i7", None, None, None),
        ("HOLDS", "a:h", "a:i7", None, None, None),
        ("DELEGATES", "a:h", "a:w", "ASSIGN", None, None),
        ("DELEGATES", "a:w", "a:r", "CONFIRM", "2020-05", "答政发〔2020〕5号"),
    ]
    # a:i4 is delegated by the list itself (no body named) to 乙镇; nobody holds it
    [chain] = (await ask(answers, CHAINS, item="a:i4"))["delegationChains"]
    assert (chain["complete"], _hops(chain)) == (
        False,
        [("LISTED_IN", "a:list", "a:i4", None), ("DELEGATES", "a:list", "a:yi", "ASSIGN")],
    )


async def test_chains_from_two_holders_are_walked_side_by_side(answers: GraphStore) -> None:
    # a:p and a:q both hold a:i5 and each passed it to a town; nobody exercises it there
    chains = (await ask(answers, CHAINS, item="a:i5"))["delegationChains"]
    assert [(c["complete"], _hops(c)[1:]) for c in chains] == [
        (False, [("HOLDS", "a:p", "a:i5", None), ("DELEGATES", "a:p", "a:ding", "CONFIRM")]),
        (False, [("HOLDS", "a:q", "a:i5", None), ("DELEGATES", "a:q", "a:bing", "ASSIGN")]),
    ]


async def test_every_hop_of_a_synthetic_chain_says_so(answers: GraphStore) -> None:
    # every record of the fixture is synthetic: the listing (the item's own mark), the
    # holding, each delegation and the exercising each carry it, and no provenance
    query = """{ delegationChains(item: "a:i2", town: "a:yi") {
        hops { relation synthetic provenance { source } } } }"""
    chains = (await ask(answers, query))["delegationChains"]
    hops = [(h["relation"], h["synthetic"], h["provenance"]) for c in chains for h in c["hops"]]
    assert hops == 2 * [
        ("LISTED_IN", True, []),
        ("HOLDS", True, []),
        ("DELEGATES", True, []),
        ("DELEGATES", True, []),
        ("EXERCISES", True, []),
    ]


async def test_an_item_never_delegated_has_no_chain(answers: GraphStore) -> None:
    # a:i3 is listed and claimed but held and delegated by nobody
    assert (await ask(answers, CHAINS, item="a:i3"))["delegationChains"] == []


async def test_chains_through_a_body_are_those_it_takes_part_in(answers: GraphStore) -> None:
    query = '{ chainsThrough(body: "%s") { item { key } complete hops { relation } } }'
    through_c1 = (await ask(answers, query % "a:c1"))["chainsThrough"]
    # the two chains via a:c1 (it receives and passes on), not the one to 甲镇
    assert [(c["item"]["key"], c["complete"], len(c["hops"])) for c in through_c1] == [
        ("a:i2", True, 5),
        ("a:i2", True, 5),
    ]
    through_b7 = (await ask(answers, query % "a:b7"))["chainsThrough"]
    assert through_b7 == []  # beyond the six-delegation cap: in no chain
    through_b3 = (await ask(answers, query % "a:b3"))["chainsThrough"]
    assert [(c["item"]["key"], len(c["hops"])) for c in through_b3] == [("a:i1", 9)]
    # found through what each body does alone: a:h holds the item (and passes on the whole
    # list, naming no item), a:w passes it on (having received the whole list), a:r only
    # receives it, 乙镇's bureau only exercises it
    for body in ("a:h", "a:w", "a:r"):
        through = (await ask(answers, query % body))["chainsThrough"]
        assert [(c["item"]["key"], c["complete"], len(c["hops"])) for c in through] == [
            ("a:i7", False, 4)
        ], body
    [chain] = (await ask(answers, query % "a:bureau-yi"))["chainsThrough"]
    assert (chain["item"]["key"], chain["complete"], chain["hops"][-1]["relation"]) == (
        "a:i2",
        True,
        "EXERCISES",
    )


async def test_chains_name_what_they_did_not_find(answers: GraphStore) -> None:
    assert await error_of(answers, CHAINS, item="a:nope") == not_found(
        "No PowerItem with key 'a:nope'.", "a:nope"
    )
    assert await error_of(answers, CHAINS, item="a:b0") == not_found(
        "No PowerItem with key 'a:b0'.", "a:b0"
    )
    assert await error_of(answers, CHAINS, item="a:i1", town="a:b0") == not_found(
        "No Region with key 'a:b0'.", "a:b0"
    )
    through = '{ chainsThrough(body: "a:jia") { complete } }'
    assert await error_of(answers, through) == not_found("No Body with key 'a:jia'.", "a:jia")


# Lineage -------------------------------------------------------------------------------

LINEAGE = """
query($body: String!, $depth: Int) {
  lineage(body: $body, depth: $depth) {
    body { key }
    predecessors { depth event { key } }
    successors { depth event { key } }
  }
}"""


def _steps(steps: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(s["depth"], s["event"]["key"]) for s in steps]


async def test_lineage_passes_through_an_event_known_only_by_counts(answers: GraphStore) -> None:
    # a:new came out of integrate-3, which follows merge-2 (whose outputs are only counted),
    # which took in a:mid, which came out of merge-1
    new = (await ask(answers, LINEAGE, body="a:new"))["lineage"]
    assert new["body"] == {"key": "a:new"}
    assert _steps(new["predecessors"]) == [
        (1, "a:integrate-3"),
        (2, "a:merge-2"),
        (3, "a:merge-1"),
    ]
    assert new["successors"] == []
    old = (await ask(answers, LINEAGE, body="a:old-1"))["lineage"]
    assert old["predecessors"] == []
    assert _steps(old["successors"]) == [(1, "a:merge-1"), (2, "a:merge-2"), (3, "a:integrate-3")]
    mid = (await ask(answers, LINEAGE, body="a:mid"))["lineage"]
    assert _steps(mid["predecessors"]) == [(1, "a:merge-1")]
    assert _steps(mid["successors"]) == [(1, "a:merge-2"), (2, "a:integrate-3")]


async def test_events_at_one_depth_are_in_date_order_undated_first(answers: GraphStore) -> None:
    twin = (await ask(answers, LINEAGE, body="a:twin"))["lineage"]
    assert _steps(twin["predecessors"]) == [(1, "a:ev-c"), (1, "a:ev-b"), (1, "a:ev-a")]


async def test_a_lineage_that_comes_back_lists_each_event_once(answers: GraphStore) -> None:
    # a:loop-x → loop-1 → a:loop-y → loop-2 → a:loop-z, which went into loop-1 too
    x = (await ask(answers, LINEAGE, body="a:loop-x", depth=10))["lineage"]
    assert _steps(x["successors"]) == [(1, "a:loop-1"), (2, "a:loop-2")]
    assert x["predecessors"] == []
    y = (await ask(answers, LINEAGE, body="a:loop-y", depth=10))["lineage"]
    assert _steps(y["predecessors"]) == [(1, "a:loop-1"), (2, "a:loop-2")]
    assert _steps(y["successors"]) == [(1, "a:loop-2"), (2, "a:loop-1")]


async def test_lineage_depth_is_a_number_of_events(answers: GraphStore) -> None:
    one = (await ask(answers, LINEAGE, body="a:new", depth=1))["lineage"]
    assert _steps(one["predecessors"]) == [(1, "a:integrate-3")]
    two = (await ask(answers, LINEAGE, body="a:old-1", depth=2))["lineage"]
    assert _steps(two["successors"]) == [(1, "a:merge-1"), (2, "a:merge-2")]
    ten = (await ask(answers, LINEAGE, body="a:new", depth=10))["lineage"]
    assert len(ten["predecessors"]) == 3
    for depth, code in ((0, "BAD_INPUT"), (-1, "BAD_INPUT"), (11, "LIMIT_EXCEEDED")):
        assert await error_of(answers, LINEAGE, body="a:new", depth=depth) == {
            "message": "depth must be between 1 and 10.",
            "extensions": {"code": code, "limit": "lineage_depth"},
        }


async def test_lineage_of_what_is_not_a_body_is_not_found(answers: GraphStore) -> None:
    assert await error_of(answers, LINEAGE, body="a:jia") == not_found(
        "No Body with key 'a:jia'.", "a:jia"
    )
    assert await error_of(answers, LINEAGE, body="a:nope") == not_found(
        "No Body with key 'a:nope'.", "a:nope"
    )


# Pages ---------------------------------------------------------------------------------

ITEMS = """
query($first: Int, $after: String, $last: Int, $before: String) {
  search(text: "答项", kinds: [POWER_ITEM], first: $first, after: $after, last: $last,
         before: $before) {
    totalCount edges { cursor node { ... on PowerItem { key } } }
    pageInfo { hasNextPage hasPreviousPage }
  }
}"""

#: The eight items by name (code points): 答项一 七 三 二 五 八 六 四.
BY_NAME = ["a:i1", "a:i7", "a:i3", "a:i2", "a:i5", "a:i8", "a:i6", "a:i4"]


async def _page(store: GraphStore, **arguments: Any) -> tuple[list[str], bool, bool, str]:
    """(keys, hasNextPage, hasPreviousPage, last cursor) of one search page."""
    search = (await ask(store, ITEMS, **arguments))["search"]
    assert search["totalCount"] == 8, "the whole list's size, whatever the page"
    keys = [e["node"]["key"] for e in search["edges"]]
    info = search["pageInfo"]
    cursor = search["edges"][-1]["cursor"] if search["edges"] else ""
    return keys, info["hasNextPage"], info["hasPreviousPage"], cursor


async def test_pages_walk_the_whole_list_once(answers: GraphStore) -> None:
    keys, more, _, cursor = await _page(answers, first=3)
    assert (keys, more) == (BY_NAME[:3], True)
    keys, more, _, cursor = await _page(answers, first=3, after=cursor)
    assert (keys, more) == (BY_NAME[3:6], True)
    keys, more, _, _ = await _page(answers, first=3, after=cursor)
    assert (keys, more) == (BY_NAME[6:], False)
    # a page exactly one short of the list still has a next page; the whole list has none
    assert (await _page(answers, first=7))[:2] == (BY_NAME[:7], True)
    assert (await _page(answers, first=8))[:2] == (BY_NAME, False)
    assert (await _page(answers, first=0))[:2] == ([], True)
    # backwards: the last two, with a page before them; then the three before those
    keys, _, before, _ = await _page(answers, last=2)
    assert (keys, before) == (BY_NAME[6:], True)
    search = (await ask(answers, ITEMS, first=7))["search"]
    seventh = search["edges"][6]["cursor"]
    keys, _, before, _ = await _page(answers, last=3, before=seventh)
    assert (keys, before) == (BY_NAME[3:6], True)


PAGE_ENDS = """query($first: Int, $after: String) {
  search(text: "答项", kinds: [POWER_ITEM], first: $first, after: $after) {
    edges { cursor node { ... on PowerItem { key } } }
    pageInfo { hasPreviousPage startCursor endCursor }
  }
}"""


async def test_a_page_says_where_it_starts_and_ends(answers: GraphStore) -> None:
    """``startCursor``/``endCursor`` are the page's first and last edges' cursors (none for
    an empty page), and a page has one before it exactly when it does not start at the
    list's first item, one item in included."""

    async def page(**arguments: Any) -> tuple[list[str], list[str], dict[str, Any]]:
        search = (await ask(answers, PAGE_ENDS, **arguments))["search"]
        edges = search["edges"]
        return [e["node"]["key"] for e in edges], [e["cursor"] for e in edges], search["pageInfo"]

    keys, cursors, info = await page(first=2)
    assert keys == BY_NAME[:2]
    assert info == {"hasPreviousPage": False, "startCursor": cursors[0], "endCursor": cursors[1]}
    keys, later, info = await page(first=2, after=cursors[0])
    assert keys == BY_NAME[1:3]
    assert later[0] == cursors[1]  # a cursor names a place in the list, whatever the page
    assert info == {"hasPreviousPage": True, "startCursor": later[0], "endCursor": later[1]}
    assert (await page(first=0))[2] == {
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


async def test_a_page_size_written_in_the_query_is_read_as_a_number(answers: GraphStore) -> None:
    query = """{ search(text: "答项", kinds: [POWER_ITEM], first: 2) {
        totalCount edges { node { ... on PowerItem { key } } } pageInfo { hasNextPage } } }"""
    search = (await ask(answers, query))["search"]
    assert search["totalCount"] == 8
    assert [e["node"]["key"] for e in search["edges"]] == BY_NAME[:2]
    assert search["pageInfo"]["hasNextPage"] is True


async def test_a_page_is_capped_whichever_way_it_is_asked_for(answers: GraphStore) -> None:
    # a schema whose pages hold three: pages asked for by a cursor alone hold three too
    small = build_schema(Limits(max_page_size=3))

    async def keys(**arguments: Any) -> list[str]:
        result = await small.execute(
            ITEMS, variable_values=arguments, context_value=GraphContext(store=answers)
        )
        assert result.errors is None, result.errors
        assert result.data is not None
        return [e["node"]["key"] for e in result.data["search"]["edges"]]

    cursors = [
        e["cursor"] for e in (await ask(answers, ITEMS, first=8))["search"]["edges"]
    ]
    assert await keys() == BY_NAME[:3]
    assert await keys(after=cursors[1]) == BY_NAME[2:5]
    assert await keys(before=cursors[6]) == BY_NAME[3:6]  # the three nearest the cursor
    # the last ones of the whole list, not of a first page fetched short
    assert await keys(last=2) == BY_NAME[6:]
    assert await keys(last=2, before=cursors[6]) == BY_NAME[4:6]
    # none, as `first: 0` gives none (Strawberry's own slicing gave the whole list)
    assert await keys(last=0) == []


EVENTS = """query($first: Int, $last: Int) {
    reformEvents(first: $first, last: $last) { totalCount } }"""


async def test_a_page_holds_at_most_500_and_never_a_negative_number(answers: GraphStore) -> None:
    for arguments in ({"first": 500}, {"last": 500}, {"first": 0}, {"last": 0}):
        assert (await ask(answers, EVENTS, **arguments))["reformEvents"]["totalCount"] == 8
    for name in ("first", "last"):
        result = await SCHEMA.execute(
            EVENTS, variable_values={name: 501}, context_value=GraphContext(store=answers)
        )
        assert result.errors is not None
        [error] = result.errors
        assert error.message == f"Argument '{name}' is 501; at most 500 items fit in one page."
        assert error.extensions == {"code": "LIMIT_EXCEEDED", "limit": "page_size"}
        assert await refused(answers, EVENTS, **{name: -1}) == (
            "BAD_INPUT",
            f"Argument '{name}' must not be negative.",
        )


@pytest.mark.parametrize("cursor", ["not-a-cursor", "YXJyYXljb25uZWN0aW9uOng="])
async def test_a_cursor_the_api_did_not_give_is_bad_input(answers: GraphStore, cursor: str) -> None:
    # not base64, and base64 of "arrayconnection:x" (no offset)
    query = "query($c: String) { reformEvents(first: 2, after: $c) { totalCount } }"
    assert await error_of(answers, query, c=cursor) == {
        "message": "Not a valid cursor: pass a `cursor` or `endCursor` this API gave.",
        "extensions": {"code": "BAD_INPUT"},
    }


async def test_a_connection_holds_to_the_page_cap_on_its_own(answers: GraphStore) -> None:
    """The service's cost walk refuses these pages before anything runs; a schema built on the
    service's types without it (only the error codes) gets the same answers from the
    connection's own check."""
    import strawberry
    from strawberry.schema.config import StrawberryConfig

    from schema.errors import CodedErrors
    from schema.query import Query

    bare = strawberry.Schema(
        query=Query, extensions=[CodedErrors], config=StrawberryConfig(relay_max_results=500)
    )
    context = GraphContext(store=answers)
    for name in ("first", "last"):
        whole = await bare.execute(EVENTS, variable_values={name: 500}, context_value=context)
        assert whole.errors is None
        assert whole.data is not None
        assert whole.data["reformEvents"]["totalCount"] == 8
        for value, extensions, message in (
            (501, {"code": "LIMIT_EXCEEDED", "limit": "page_size"}, "is 501; at most 500 items"),
            (-1, {"code": "BAD_INPUT"}, "must not be negative."),
        ):
            result = await bare.execute(
                EVENTS, variable_values={name: value}, context_value=context
            )
            assert result.errors is not None
            [error] = result.errors
            assert error.extensions == extensions
            assert error.message.startswith(f"Argument '{name}' ")
            assert message in error.message
