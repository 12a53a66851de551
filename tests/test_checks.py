"""The whole-dataset checks (graph_loaders/checks.py), problem by problem: each small dataset
breaks the rules one way or a few, and the test spells out every problem the person fixing the
file is told (where, which field, and why), in the order the checks report them.

Records built in code carry no file position: their problems point at ``<dataset>`` and
``section[index]``; the last test reads a file, whose problems point at the file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph_loaders.checks import check_dataset
from graph_loaders.dataset import Dataset
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.problems import Problem

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
SRC = "002_2abc6b63f845ad0d.txt"
QUOTE = "乌海市海勃湾区机构改革完成情况"
DOC = [{"source": SRC, "quote": QUOTE}]
MISQUOTED = {"source": SRC, "quote": "不存在的引文"}
SOURCE = {"id": "source:002", "file": SRC, "title": "report", "kind": "REPORT"}


def problems(**sections: Any) -> list[tuple[str, str, str]]:
    """(location, field, reason) of every problem of a dataset built from ``sections``."""
    dataset = Dataset.model_validate(sections)
    found = check_dataset(dataset, CORPUS)
    assert all(p.file == "<dataset>" and p.line is None for p in found)
    return [(p.location, p.field, p.reason) for p in found]


def region(rid: str, level: str = "BANNER_COUNTY", **extra: Any) -> dict[str, Any]:
    return {"id": rid, "name": f"区{rid}", "level": level, "provenance": DOC, **extra}


def body(bid: str, region_id: str = "r:county", **extra: Any) -> dict[str, Any]:
    return {
        "id": bid,
        "name": f"局{bid}",
        "kind": "GOVERNMENT_DEPARTMENT",
        "region": region_id,
        "provenance": DOC,
        **extra,
    }


def item(iid: str, list_id: str = "l:a", seq: int = 1) -> dict[str, Any]:
    return {
        "id": iid,
        "list": list_id,
        "seq": seq,
        "name": f"项{iid}",
        "power_type": "PENALTY",
        "provenance": DOC,
    }


def plist(lid: str, **extra: Any) -> dict[str, Any]:
    return {"id": lid, "title": f"清单{lid}", "provenance": DOC, **extra}


SYNTHETIC_QUOTED = (
    "a synthetic record must not carry provenance quotes (it would pass for a documented one)"
)

BASE: dict[str, Any] = {
    "sources": [SOURCE],
    "regions": [region("r:city", "LEAGUE_CITY"), region("r:county", parent="r:city")],
}


def test_a_sound_documented_dataset_has_no_problem() -> None:
    assert problems(**BASE, bodies=[body("b:a")]) == []


def test_ids_are_unique_across_sections_and_sources_must_be_in_the_corpus() -> None:
    found = problems(
        sources=[SOURCE, {**SOURCE, "id": "source:x", "file": "nowhere.txt"}],
        regions=[*BASE["regions"], region("r:county", "TOWNSHIP")],
        bodies=[body("r:city")],
    )
    assert found == [
        ("regions[2]", "id", "duplicate id 'r:county'"),
        ("bodies[0]", "id", "duplicate id 'r:city'"),
        ("sources[1]", "file", f"source file 'nowhere.txt' is not in the corpus folder {CORPUS}"),
    ]


def test_references_must_point_at_a_record_of_the_right_section() -> None:
    found = problems(
        **{
            **BASE,
            "regions": [
                *BASE["regions"],
                region("r:town", "TOWNSHIP", parent="r:nowhere"),
                region("r:town-2", "TOWNSHIP", parent="b:a"),
                region("r:high", "LEAGUE_CITY", parent="r:county"),
                region("r:same", "BANNER_COUNTY", parent="r:county"),
            ],
        },
        bodies=[
            body("b:a", "r:nowhere"),
            body("b:b", superior="r:county"),
            body("b:c", superior_relation="LEADERSHIP"),
        ],
        power_lists=[plist("l:a", scope_region="b:a")],
        power_items=[item("i:a", "r:county")],
        holdings=[{"body": "i:a", "item": "b:a", "provenance": DOC}],
        exercises=[{"body": "b:zz", "item": "i:zz", "provenance": DOC}],
        claim_summaries=[
            {"region": "b:a", "list": "i:a", "claimed_count": 1, "provenance": DOC},
        ],
        reform_events=[
            {
                "id": "e:a",
                "kind": "MERGE",
                "region": "r:county",
                "title": "合并",
                "inputs": ["b:a", "r:city"],
                "outputs": ["b:zz"],
                "follows": ["b:a"],
                "provenance": DOC,
            },
            {"id": "e:b", "kind": "MERGE", "region": "r:nope", "title": "合并", "provenance": DOC},
        ],
        statistics=[
            {
                "id": "s:a",
                "metric": "bodies",
                "label": "机构数",
                "scope_region": "e:a",
                "value": 3,
                "unit": "个",
                "provenance": DOC,
            }
        ],
        disagreements=[
            {
                "id": "d:a",
                "about": "nothing.known",
                "statements": [{"source": SRC, "quote": QUOTE}, {"source": SRC, "quote": QUOTE}],
                "note": "两说",
            },
            {
                "id": "d:b",
                "about": "bodies",  # a statistic's metric
                "statements": [{"source": SRC, "quote": QUOTE}, {"source": SRC, "quote": QUOTE}],
                "note": "两说",
            },
        ],
    )
    assert found == [
        ("regions[2]", "parent", "unknown region 'r:nowhere'"),
        ("regions[3]", "parent", "'b:a' is a bodie, not a region"),
        ("regions[4]", "parent", "parent 'r:county' (BANNER_COUNTY) is not above LEAGUE_CITY"),
        ("regions[5]", "parent", "parent 'r:county' (BANNER_COUNTY) is not above BANNER_COUNTY"),
        ("bodies[0]", "region", "unknown region 'r:nowhere'"),
        ("bodies[1]", "superior", "'r:county' is a region, not a bodie"),
        ("bodies[2]", "superior_relation", "set without a superior"),
        ("power_lists[0]", "scope_region", "'b:a' is a bodie, not a region"),
        ("power_items[0]", "list", "'r:county' is a region, not a power list"),
        ("holdings[0]", "body", "'i:a' is a power_item, not a bodie"),
        ("holdings[0]", "item", "'b:a' is a bodie, not a power item"),
        ("exercises[0]", "body", "unknown bodie 'b:zz'"),
        ("exercises[0]", "item", "unknown power item 'i:zz'"),
        ("claim_summaries[0]", "region", "'b:a' is a bodie, not a region"),
        ("claim_summaries[0]", "list", "'i:a' is a power_item, not a power list"),
        ("reform_events[0]", "inputs[1]", "'r:city' is a region, not a bodie"),
        ("reform_events[0]", "outputs[0]", "unknown bodie 'b:zz'"),
        ("reform_events[0]", "follows[0]", "'b:a' is a bodie, not a reform event"),
        ("reform_events[1]", "region", "unknown region 'r:nope'"),
        ("statistics[0]", "scope_region", "'e:a' is a reform_event, not a region"),
        (
            "disagreements[0]",
            "about",
            "'nothing.known' is neither a record id nor a statistic metric",
        ),
    ]


def test_delegations_and_claims_must_agree_with_their_list() -> None:
    def delegation(did: str, list_id: str = "l:a", **ends: str) -> dict[str, Any]:
        return {"id": did, "list": list_id, "provenance": DOC, **ends}

    def claim(item_id: str, mode: str) -> dict[str, Any]:
        where = {"region": "r:county", "list": "l:a"}
        return {**where, "item": item_id, "mode": mode, "provenance": DOC}

    found = problems(
        **BASE,
        bodies=[body("b:a")],
        power_lists=[plist("l:a"), plist("l:b")],
        power_items=[item("i:a"), item("i:b", "l:b")],
        delegations=[
            delegation("d:ok", item="i:a", from_body="b:a", to_region="r:county"),
            delegation("d:a", item="i:b", from_body="r:county", to_body="b:a"),
            delegation("d:b", to_region="b:a", to_body="r:county"),
            delegation("d:c", "l:b"),
            delegation("d:d", "l:nope", item="i:nope", from_body="b:a", to_body="b:a"),
        ],
        claims=[
            claim("i:a", "CONFIRM"),
            claim("i:b", "ASSIGN"),
            {**claim("i:nope", "ASSIGN"), "region": "r:nope", "list": "l:nope"},
        ],
    )
    assert found == [
        ("delegations[1]", "item", "item 'i:b' is in list 'l:b', not 'l:a'"),
        ("delegations[1]", "from_body", "'r:county' is a region, not a bodie"),
        ("delegations[2]", "to_region", "'b:a' is a bodie, not a region"),
        ("delegations[2]", "to_body", "'r:county' is a region, not a bodie"),
        ("delegations[3]", "to_region", "a delegation needs to_region or to_body"),
        ("delegations[4]", "list", "unknown power list 'l:nope'"),
        ("delegations[4]", "item", "unknown power item 'i:nope'"),
        ("claims[1]", "item", "item 'i:b' is in list 'l:b', not 'l:a'"),
        ("claims[2]", "region", "unknown region 'r:nope'"),
        ("claims[2]", "list", "unknown power list 'l:nope'"),
        ("claims[2]", "item", "unknown power item 'i:nope'"),
    ]


def test_regions_and_superiors_must_not_go_round_in_a_circle() -> None:
    found = problems(
        sources=[SOURCE],
        regions=[
            region("r:a", "TOWNSHIP", parent="r:b"),
            region("r:b", "TOWNSHIP", parent="r:a"),
            region("r:c", "TOWNSHIP", parent="r:a"),  # under the circle, not in it
        ],
        bodies=[
            body("b:a", "r:a", superior="b:b"),
            body("b:b", "r:a", superior="b:a"),
            body("b:self", "r:a", superior="b:self"),
            body("b:under", "r:a", superior="b:a"),
        ],
    )
    not_above = "parent 'r:{}' (TOWNSHIP) is not above TOWNSHIP"
    assert found == [
        ("regions[0]", "parent", not_above.format("b")),
        ("regions[1]", "parent", not_above.format("a")),
        ("regions[2]", "parent", not_above.format("a")),
        ("regions[0]", "parent", "region hierarchy has a cycle through 'r:a'"),
        ("regions[1]", "parent", "region hierarchy has a cycle through 'r:b'"),
        ("bodies[0]", "superior", "superior chain has a cycle through 'b:a'"),
        ("bodies[1]", "superior", "superior chain has a cycle through 'b:b'"),
        ("bodies[2]", "superior", "superior chain has a cycle through 'b:self'"),
    ]


def test_counts_the_sources_give_together_must_add_up() -> None:
    def count(power_type: str, n: int) -> dict[str, Any]:
        return {"power_type": power_type, "count": n, "provenance": DOC}

    def summary(claimed: int, of: int | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "region": "r:county",
            "list": "l:a",
            "claimed_count": claimed,
            "of_count": of,
            "provenance": DOC,
            **extra,
        }

    found = problems(
        **BASE,
        bodies=[body("b:a"), body("b:b")],
        power_lists=[
            plist(
                "l:a", item_count=3, item_counts_by_type=[count("PENALTY", 2), count("OTHER", 2)]
            ),
            plist("l:b", item_count=1),
            plist("l:ok", item_count=4, item_counts_by_type=[count("PENALTY", 4)]),
            plist("l:full", item_count=2),  # names as many items as it states: fine
            plist("l:empty", item_count=0),  # states none and names none: fine
        ],
        power_items=[
            item("i:1", "l:b", 1),
            item("i:2", "l:b", 2),
            item("i:3", "l:full", 1),
            item("i:4", "l:full", 2),
        ],
        claim_summaries=[
            summary(5, 4),
            summary(4, 4),  # all of them: fine
            summary(1, 3, rate=0.3333),  # within the sources' rounding: fine
            summary(1, 3, rate=0.334),
            summary(7, 10, rate=0.7, target_rate=0.7, meets_target=True),  # on the target: fine
            summary(6, 10, rate=0.6, target_rate=0.7, meets_target=True),
            summary(7, 10, rate=0.7, target_rate=0.7, meets_target=False),
            summary(2, None, rate=0.5),  # no base to check the rate against: fine
            summary(0, 1, rate=0.0006),  # off by exactly the tolerance: fine
        ],
        reform_events=[
            {
                "id": "e:a",
                "kind": "MERGE",
                "region": "r:county",
                "title": "合并",
                "inputs": ["b:a", "b:b"],
                "input_count": 1,
                "outputs": ["b:a", "b:b"],
                "output_count": 2,
                "provenance": DOC,
            }
        ],
        statistics=[
            {
                "id": "s:a",
                "metric": "bodies",
                "label": "机构数",
                "scope_region": "r:county",
                "unit": "个",
                "provenance": DOC,
            },
            {
                "id": "s:b",
                "metric": "bodies",
                "label": "机构数",
                "scope_region": "r:county",
                "after": 0,
                "unit": "个",
                "provenance": DOC,
            },
        ],
    )
    assert found == [
        ("power_lists[0]", "item_counts_by_type", "counts by type add up to 4, not item_count 3"),
        ("power_lists[1]", "item_count", "2 items listed, more than item_count 1"),
        ("claim_summaries[0]", "claimed_count", "claimed 5 of only 4"),
        ("claim_summaries[3]", "rate", "rate 0.334 but 1/3 = 0.3333"),
        (
            "claim_summaries[5]",
            "meets_target",
            "meets_target True contradicts rate 0.6 against target 0.7",
        ),
        (
            "claim_summaries[6]",
            "meets_target",
            "meets_target False contradicts rate 0.7 against target 0.7",
        ),
        ("reform_events[0]", "input_count", "2 inputs named, more than input_count 1"),
        ("statistics[0]", "value", "a statistic needs value, or before and/or after"),
    ]


def test_documented_records_need_quotes_found_in_declared_sources() -> None:
    other = "003_e1a0125233e029b0.txt"  # in the corpus, not declared in sources
    found = problems(
        **BASE,
        bodies=[
            body("b:bare", provenance=[]),
            body("b:misquoted", provenance=[{"source": SRC, "quote": "没有这句话"}]),
            body("b:lost", provenance=[{"source": "nowhere.txt", "quote": QUOTE}]),
            body("b:undeclared", provenance=[{"source": other, "quote": "乌兰察布市机构编制"}]),
            body("b:synthetic", synthetic=True, provenance=[]),
            body("b:rests", superior="b:synthetic"),
            # synthetic on synthetic is fine, in a documented dataset too
            body("b:synthetic-too", superior="b:synthetic", synthetic=True, provenance=[]),
            body("b:forty", provenance=[{"source": SRC, "quote": "y" * 40}]),
        ],
        power_lists=[
            plist(
                "l:a",
                item_counts_by_type=[
                    {"power_type": "PENALTY", "count": 1},
                    {"power_type": "OTHER", "count": 1, "provenance": [MISQUOTED]},
                ],
            )
        ],
        disagreements=[
            {
                "id": "d:a",
                "about": "b:bare",
                "statements": [DOC[0], {"source": SRC, "quote": "x" * 41}],
                "note": "两说",
            },
            {
                "id": "d:b",
                "about": "b:bare",
                "statements": [MISQUOTED, DOC[0]],
                "note": "两说",
            },
        ],
    )
    assert found == [
        (
            "bodies[5]",
            "superior",
            "documented record refers to synthetic 'b:synthetic': a documented fact cannot rest "
            "on generated data",
        ),
        (
            "bodies[0]",
            "provenance",
            "documented record without provenance: add {source, quote}, or mark it synthetic: true",
        ),
        (
            "bodies[1]",
            "provenance[0].quote",
            f"quote not found in {SRC} (whitespace aside): '没有这句话'",
        ),
        (
            "bodies[2]",
            "provenance[0].source",
            f"source 'nowhere.txt' is not in the corpus folder {CORPUS}: the quote points at "
            "nothing",
        ),
        ("bodies[3]", "provenance[0].source", f"source '{other}' is not declared in sources"),
        (
            "bodies[7]",
            "provenance[0].quote",
            f"quote not found in {SRC} (whitespace aside): '{'y' * 40}'",  # 40: not cut
        ),
        (
            "power_lists[0]",
            "item_counts_by_type[0].provenance",
            "documented count without provenance",
        ),
        (
            "power_lists[0]",
            "item_counts_by_type[1].provenance[0].quote",
            f"quote not found in {SRC} (whitespace aside): '不存在的引文'",
        ),
        (
            "disagreements[0]",
            "statements[1].quote",
            f"quote not found in {SRC} (whitespace aside): '{'x' * 40}…'",
        ),
        (
            "disagreements[1]",
            "statements[0].quote",
            f"quote not found in {SRC} (whitespace aside): '不存在的引文'",
        ),
    ]


def test_a_synthetic_dataset_needs_no_quotes_and_may_not_carry_them() -> None:
    sections: dict[str, Any] = {
        "synthetic": True,
        "regions": [{"id": "r:a", "name": "合成区", "level": "BANNER_COUNTY"}],
        "bodies": [{**body("b:a", "r:a"), "provenance": []}],
    }
    assert problems(**sections) == []
    sections["bodies"] = [body("b:a", "r:a")]
    assert problems(**sections) == [
        (
            "bodies[0]",
            "provenance",
            SYNTHETIC_QUOTED,
        )
    ]


def test_problems_of_a_file_point_at_its_lines(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text(
        f"""format: reformgraph/v1
sources:
  - {{id: source:002, file: {SRC}, title: report, kind: REPORT}}
regions:
  - id: r:a
    name: 甲
    level: BANNER_COUNTY
    provenance:
      - {{source: {SRC}, quote: {QUOTE}}}
""",
        encoding="utf-8",
    )
    second = tmp_path / "b.yaml"
    second.write_text(
        f"""format: reformgraph/v1
bodies:
  - id: r:a
    name: 乙
    kind: GOVERNMENT_DEPARTMENT
    region: r:nowhere
    provenance:
      - {{source: {SRC}, quote: {QUOTE}}}
  - id: b:bare
    name: 丙
    kind: GOVERNMENT_DEPARTMENT
    region: r:a
""",
        encoding="utf-8",
    )
    dataset, read_problems = read_dataset_files([first, second])
    assert read_problems == []
    assert check_dataset(dataset, CORPUS) == [
        Problem(
            str(second), "bodies[0]", "id", f"duplicate id 'r:a' (first in {first}: regions[0])", 3
        ),
        Problem(str(second), "bodies[0]", "region", "unknown region 'r:nowhere'", 6),
        # no line of its own for a field the file does not have: the record's line
        Problem(
            str(second),
            "bodies[1]",
            "provenance",
            "documented record without provenance: add {source, quote}, or mark it synthetic: true",
            9,
        ),
    ]


def test_a_document_given_with_the_dataset_counts_as_a_declared_source() -> None:
    text = "某某镇赋权事项清单，共三项。"
    dataset = Dataset.model_validate(
        {
            **BASE,
            "bodies": [body("b:a", provenance=[{"source": "list.csv", "quote": "共三项"}])],
        }
    )
    assert check_dataset(dataset, CORPUS, {"list.csv": text}) == []
    assert [p.reason for p in check_dataset(dataset, CORPUS)] == [
        f"source 'list.csv' is not in the corpus folder {CORPUS}: the quote points at nothing"
    ]


def test_a_quote_from_a_given_document_is_found_on_the_lines_its_record_was_read_from() -> None:
    """A table row's cell may hold a line break: its quote is looked for on the row's lines
    first, and found there; a quote the document lacks is still a problem."""
    from graph_loaders.dataset import Origin

    text = "序号,事项\n1,对违反某某规定\n行为的处罚\n2,其他事项\n"
    quoted = body("b:a", provenance=[{"source": "list.csv", "quote": "对违反某某规定 行为的处罚"}])
    misquoted = body("b:b", provenance=[{"source": "list.csv", "quote": "不在清单里的话"}])
    dataset = Dataset.model_validate({**BASE, "bodies": [quoted, misquoted]})
    for index, record in enumerate(dataset.bodies):
        record.with_origin(Origin(file="list.csv", section="bodies", index=index, line=2))
    found = check_dataset(dataset, CORPUS, {"list.csv": text})
    assert [(p.location, p.field, p.reason) for p in found] == [
        (
            "bodies[1]",
            "provenance[0].quote",
            "quote not found in list.csv (whitespace aside): '不在清单里的话'",
        ),
    ]


def test_a_document_must_be_scoped_to_a_region() -> None:
    found = problems(
        **BASE,
        documents=[
            {"id": "doc:a", "title": "某某通知", "scope_region": "r:county", "provenance": DOC},
            {"id": "doc:b", "title": "某某意见", "scope_region": "r:nowhere", "provenance": DOC},
            {"id": "doc:c", "title": "某某方案", "scope_region": "source:002", "provenance": DOC},
        ],
    )
    assert found == [
        ("documents[1]", "scope_region", "unknown region 'r:nowhere'"),
        ("documents[2]", "scope_region", "'source:002' is a source, not a region"),
    ]


def test_nothing_in_a_statutory_list_is_delegated_claimed_or_held_by_an_original_body() -> None:
    where = {"region": "r:county", "list": "l:law"}
    found = problems(
        **BASE,
        bodies=[body("b:a")],
        power_lists=[plist("l:law", kind="STATUTORY"), plist("l:a")],
        power_items=[item("i:law", "l:law"), item("i:a")],
        holdings=[
            {"body": "b:a", "item": "i:law", "provenance": DOC},
            {"body": "b:a", "item": "i:a", "provenance": DOC},
        ],
        delegations=[
            {
                "id": "d:law",
                "list": "l:law",
                "item": "i:law",
                "from_body": "b:a",
                "to_region": "r:county",
                "provenance": DOC,
            }
        ],
        claims=[{**where, "item": "i:law", "mode": "CONFIRM", "provenance": DOC}],
        claim_summaries=[{**where, "claimed_count": 1, "provenance": DOC}],
    )
    law = "'l:law' is in a statutory list (法定): towns hold its items by law, nothing in it is"
    assert found == [
        ("delegations[0]", "list", f"{law} delegated"),
        ("claims[0]", "list", f"{law} claimed"),
        ("claim_summaries[0]", "list", f"{law} claimed"),
        (
            "holdings[0]",
            "item",
            "'i:law' is in a statutory list (法定): towns hold its items by law: it has no "
            "original holder",
        ),
    ]


def test_a_region_code_given_twice_is_a_problem_of_the_second_record() -> None:
    found = problems(
        sources=[SOURCE],
        regions=[
            region("r:city", "LEAGUE_CITY"),  # no code: the ones after it are still compared
            region("r:a", parent="r:city", code="150302"),
            region("r:b", parent="r:city", code="150303"),
            region("r:c", parent="r:city", code="150302"),
        ],
    )
    assert found == [("regions[3]", "code", "code 150302 is also 'r:a''s")]
