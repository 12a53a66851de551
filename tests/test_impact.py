"""What-if merger reports, exactly, on the small synthetic datasets (tests/fixtures/mini.yaml
and answers.yaml, loaded once and only read), each expected report worked out by hand from
the fixture: powers and overlaps, re-routed delegations, superiors, regions, quotas and every
kind of conflict, and the refusals with their messages.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph_store import GraphStore
from schema import build_schema
from schema.context import GraphContext
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio

SCHEMA = build_schema()

IMPACT = """
query($bodies: [String!]!, $target: String, $newName: String) {
  mergerImpact(bodies: $bodies, target: $target, newName: $newName) {
    bodies { key } target { key } targetName powers { key } overlaps { item { key } heldBy }
    reroutedDelegations { fromBody to item list mode }
    superiorChanges { body { key } oldSuperior newSuperior }
    regionsTouched { key } staffQuotaBefore staffQuotaAfter
    conflicts { code message bodies }
    recordedEvent
  }
}"""


@pytest.fixture(scope="module")
async def graph(module_store: GraphStore) -> GraphStore:
    await load_fixture(module_store, "mini.yaml")
    await load_fixture(module_store, "answers.yaml")
    return module_store


async def _run(store: GraphStore, query: str, **variables: Any) -> tuple[Any, list[Any]]:
    result = await SCHEMA.execute(
        query, variable_values=variables, context_value=GraphContext(store=store)
    )
    errors = [(e.extensions, e.message) for e in result.errors or []]
    return result.data, errors


async def impact(store: GraphStore, **variables: Any) -> dict[str, Any]:
    data, errors = await _run(store, IMPACT, **variables)
    assert errors == []
    report: dict[str, Any] = data["mergerImpact"]
    return report


def _report(**fields: Any) -> dict[str, Any]:
    """A report with nothing in it but what ``fields`` says."""
    empty: dict[str, Any] = {
        "bodies": [],
        "target": None,
        "targetName": None,
        "powers": [],
        "overlaps": [],
        "reroutedDelegations": [],
        "superiorChanges": [],
        "regionsTouched": [],
        "staffQuotaBefore": [],
        "staffQuotaAfter": None,
        "conflicts": [],
        "recordedEvent": None,
    }
    return {**empty, **fields}


def _extensions(code: str, message: str) -> dict[str, str]:
    """A refusal's extensions: its code, and the key a NOT_FOUND names (the one quoted)."""
    if code == "NOT_FOUND":
        return {"code": code, "key": message.split("'")[1]}
    return {"code": code}


def _keys(*keys: str) -> list[dict[str, str]]:
    return [{"key": key} for key in keys]


async def test_two_departments_into_their_superior(graph: GraphStore) -> None:
    # 市场监管局 (item-1, item-2, quota 30) and 卫健委 (item-2, quota 20) into 县政府 (quota 40)
    report = await impact(graph, bodies=["t:market", "t:health"], target="t:gov")
    assert report == _report(
        bodies=_keys("t:market", "t:health"),
        target={"key": "t:gov"},
        targetName="测试县人民政府",
        powers=_keys("t:item-1", "t:item-2"),
        overlaps=[{"item": {"key": "t:item-2"}, "heldBy": ["t:market", "t:health"]}],
        reroutedDelegations=[
            {"fromBody": "t:market", "to": "t:town-a", "item": i, "list": "t:list", "mode": m}
            for i, m in (("t:item-1", "CONFIRM"), ("t:item-2", "ASSIGN"))
        ],
        # the market team answered to 市场监管局: it would answer to the target
        superiorChanges=[
            {"body": {"key": "t:market-team"}, "oldSuperior": "t:market", "newSuperior": "t:gov"}
        ],
        regionsTouched=_keys("t:county"),
        staffQuotaBefore=[30, 20, 40],
        staffQuotaAfter=90,
    )


async def test_bodies_of_two_levels_without_quotas_into_a_new_body(graph: GraphStore) -> None:
    # 甲镇's bureau (exercises item-1, item-2) and the county's urban team (holds item-3,
    # item-4; delegated item-4 to 乙镇)
    keys = ["t:bureau-a", "t:urban-team"]
    report = await impact(graph, bodies=keys, newName="新局")
    assert report == _report(
        bodies=_keys(*keys),
        targetName="新局",
        powers=_keys("t:item-1", "t:item-2", "t:item-3", "t:item-4"),
        reroutedDelegations=[
            {
                "fromBody": "t:urban-team",
                "to": "t:town-b",
                "item": "t:item-4",
                "list": "t:list",
                "mode": "CONFIRM",
            }
        ],
        regionsTouched=_keys("t:county", "t:town-a"),  # by level, county first
        staffQuotaBefore=[None, None],
        conflicts=[
            {
                "code": "DIFFERENT_REGIONS",
                "message": "The bodies sit in different regions: 甲镇, 测试县",
                "bodies": keys,
            },
            {
                "code": "DIFFERENT_LEVELS",
                "message": "The bodies belong to different administrative levels: "
                "BANNER_COUNTY, TOWNSHIP",
                "bodies": keys,
            },
            {
                "code": "UNKNOWN_STAFF_QUOTA",
                "message": "No staff quota is recorded for some bodies; totals leave them out.",
                "bodies": keys,
            },
        ],
    )


async def test_a_target_that_answers_to_a_merging_body_would_be_its_own_superior(
    graph: GraphStore,
) -> None:
    # 县政府 and the market team into 市场监管局, which answers to 县政府 (the team answers to
    # 市场监管局 itself: that is no conflict)
    report = await impact(graph, bodies=["t:gov", "t:market-team"], target="t:market")
    # 卫健委 answered to 县政府: it would answer to the target; 市场监管局 is the target
    assert report["superiorChanges"] == [
        {"body": {"key": "t:health"}, "oldSuperior": "t:gov", "newSuperior": "t:market"}
    ]
    assert (report["staffQuotaBefore"], report["staffQuotaAfter"]) == ([40, 12, 30], 82)
    assert report["conflicts"] == [
        {
            "code": "OWN_SUPERIOR",
            "message": "The target answers to a body it would absorb: it would become its own "
            "superior.",
            "bodies": ["t:market", "t:gov"],
        }
    ]


async def test_delegations_to_one_receiver_are_listed_by_their_ids(graph: GraphStore) -> None:
    # a:c0 (tests/fixtures/answers.yaml) delegated a:i2 to a:c1 and three times to 甲镇,
    # listed in the file in the order 1, 3, 2
    report = await impact(graph, bodies=["a:c0"], newName="新局")
    assert [(d["to"], d["mode"]) for d in report["reroutedDelegations"]] == [
        ("a:c1", "CONFIRM"),  # a:cycle-1
        ("a:jia", "CONFIRM"),  # a:to-jia-1
        ("a:jia", "ASSIGN"),  # a:to-jia-2
        ("a:jia", "CONFIRM"),  # a:to-jia-3
    ]


async def test_a_vertically_managed_target_and_a_missing_quota_are_conflicts(
    graph: GraphStore,
) -> None:
    report = await impact(graph, bodies=["t:market"], target="t:land")
    assert (report["staffQuotaBefore"], report["staffQuotaAfter"]) == ([30, None], 30)
    assert [(c["code"], c["bodies"]) for c in report["conflicts"]] == [
        ("VERTICALLY_MANAGED", ["t:land"]),
        ("UNKNOWN_STAFF_QUOTA", ["t:land"]),
    ]
    assert report["conflicts"][0]["message"] == (
        "Vertically managed units (垂管) are run by a higher level and cannot be merged by "
        "this one."
    )


async def test_a_merger_report_refuses_what_it_cannot_answer(graph: GraphStore) -> None:
    distinct = "Give one or more distinct bodies to merge."
    either = "Give either an existing target or a new name."
    for variables, code, message in (
        ({"bodies": [], "newName": "x"}, "BAD_INPUT", distinct),
        ({"bodies": ["t:market", "t:market"], "newName": "x"}, "BAD_INPUT", distinct),
        ({"bodies": ["t:market"]}, "BAD_INPUT", either),
        ({"bodies": ["t:market"], "target": "t:gov", "newName": "x"}, "BAD_INPUT", either),
        (
            {"bodies": ["t:market", "t:health"], "target": "t:market"},
            "BAD_INPUT",
            "The target cannot be one of the merging bodies.",
        ),
        ({"bodies": ["t:ghost"], "newName": "x"}, "NOT_FOUND", "No Body with key 't:ghost'."),
        (
            {"bodies": ["t:market"], "target": "t:county"},
            "NOT_FOUND",
            "No Body with key 't:county'.",
        ),
    ):
        data, errors = await _run(graph, IMPACT, **variables)
        assert data is None
        assert errors == [(_extensions(code, message), message)], variables


RECORDED = """query($event: String!) { recordedMergerImpact(event: $event) {
    bodies { key } target { key } targetName staffQuotaBefore recordedEvent } }"""


async def test_a_recorded_merger_is_reported_from_its_inputs_and_output(graph: GraphStore) -> None:
    data, errors = await _run(graph, RECORDED, event="t:merge-urban")
    assert errors == []
    assert data["recordedMergerImpact"] == {
        "bodies": _keys("t:old-1", "t:old-2"),
        "target": {"key": "t:urban-team"},
        "targetName": "测试县城市管理综合行政执法大队",
        "staffQuotaBefore": [None, None, None],
        "recordedEvent": "t:merge-urban",
    }
    for event, code, message in (
        ("t:nope", "NOT_FOUND", "No ReformEvent with key 't:nope'."),
        ("t:market", "NOT_FOUND", "No ReformEvent with key 't:market'."),
        (
            "a:merge-2",  # two named inputs, its outputs only counted
            "BAD_INPUT",
            "Event 'a:merge-2' does not record named inputs and exactly one named output "
            "(2 inputs, 0 outputs), so no report can be built.",
        ),
        (
            "a:integrate-3",  # its inputs only counted
            "BAD_INPUT",
            "Event 'a:integrate-3' does not record named inputs and exactly one named output "
            "(0 inputs, 1 outputs), so no report can be built.",
        ),
    ):
        data, errors = await _run(graph, RECORDED, event=event)
        assert errors == [(_extensions(code, message), message)], event
