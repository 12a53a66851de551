"""The side-by-side benchmark's pieces that need no timing: answers reduced to the same
logical content and refused when they differ, the page's generated blocks, the peer's debug
log read back, and when ``make bench`` starts a Neo4j. Nothing here times anything."""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from bench import page
from bench.peer import generated_cypher
from bench.side_by_side import (
    AnswersDifferError,
    compare,
    first_difference,
    ours_claim_cells,
    ours_claim_compact,
    ours_search,
    peer_claims,
    peer_search,
)
from bench.with_neo4j import plan

# --- answers ------------------------------------------------------------------------------

#: One county, two towns, as reformgraph answers its claim matrix with cells.
OURS_CELLS: dict[str, Any] = {
    "data": {
        "claimMatrix": {
            "towns": [
                {
                    "town": {"key": "t:a", "name": "甲镇"},
                    "claimedCount": 2,
                    "claims": [
                        {"item": "i:1", "mode": "CONFIRM"},
                        {"item": "i:3", "mode": "ASSIGN"},
                    ],
                },
                {"town": {"key": "t:b", "name": "乙镇"}, "claimedCount": 0, "claims": []},
            ]
        }
    }
}

#: The same matrix in reformgraph's compact shape: item keys once, a mode or null per item.
OURS_COMPACT: dict[str, Any] = {
    "data": {
        "claimMatrix": {
            "itemKeys": ["i:3", "i:1", "i:2"],
            "towns": [
                {
                    "town": {"key": "t:b", "name": "乙镇"},
                    "claimedCount": 0,
                    "itemModes": [None, None, None],
                },
                {
                    "town": {"key": "t:a", "name": "甲镇"},
                    "claimedCount": 2,
                    "itemModes": ["ASSIGN", "CONFIRM", None],
                },
            ],
        }
    }
}

#: The same matrix as @neo4j/graphql answers it: a list of regions, relationship properties.
PEER: dict[str, Any] = {
    "data": {
        "regions": [
            {
                "children": [
                    {
                        "id": "t:a",
                        "name": "甲镇",
                        "claimsConnection": {
                            "totalCount": 2,
                            "edges": [
                                {"properties": {"mode": "ASSIGN"}, "node": {"id": "i:3"}},
                                {"properties": {"mode": "CONFIRM"}, "node": {"id": "i:1"}},
                            ],
                        },
                    },
                    {
                        "id": "t:b",
                        "name": "乙镇",
                        "claimsConnection": {"totalCount": 0, "edges": []},
                    },
                ]
            }
        ]
    }
}


def test_the_same_matrix_in_three_shapes_is_one_answer() -> None:
    expected = [
        {
            "key": "t:a",
            "name": "甲镇",
            "claimed": 2,
            "claims": [["i:1", "CONFIRM"], ["i:3", "ASSIGN"]],
        },
        {"key": "t:b", "name": "乙镇", "claimed": 0, "claims": []},
    ]
    assert ours_claim_cells(OURS_CELLS) == expected
    assert ours_claim_compact(OURS_COMPACT) == expected
    assert peer_claims(PEER) == expected
    compare("claim_matrix", ours_claim_compact(OURS_COMPACT), peer_claims(PEER))


def test_one_different_mode_is_refused_with_where_it_differs() -> None:
    peer = copy.deepcopy(PEER)
    peer["data"]["regions"][0]["children"][0]["claimsConnection"]["edges"][0]["properties"][
        "mode"
    ] = "CONFIRM"
    with pytest.raises(AnswersDifferError) as refused:
        compare("claim_matrix", ours_claim_cells(OURS_CELLS), peer_claims(peer))
    assert str(refused.value) == (
        'claim_matrix: the answers differ (at $[0].claims[1][1]: "ASSIGN" against "CONFIRM")'
    )


def test_a_missing_town_or_count_is_refused() -> None:
    peer = copy.deepcopy(PEER)
    del peer["data"]["regions"][0]["children"][1]
    with pytest.raises(AnswersDifferError, match=r"at \$: 2 entries against 1"):
        compare("claim_matrix", ours_claim_cells(OURS_CELLS), peer_claims(peer))
    peer = copy.deepcopy(PEER)
    peer["data"]["regions"][0]["children"][0]["claimsConnection"]["totalCount"] = 3
    with pytest.raises(AnswersDifferError, match=r"at \$\[0\]\.claimed: 2 against 3"):
        compare("claim_matrix", ours_claim_cells(OURS_CELLS), peer_claims(peer))


def test_two_empty_answers_are_not_a_comparison() -> None:
    with pytest.raises(AnswersDifferError, match="a non-empty answer"):
        compare("claim_matrix", [], [])


def test_an_answer_with_errors_is_not_normalised() -> None:
    with pytest.raises(ValueError, match="the answer has errors"):
        ours_claim_cells({"data": None, "errors": [{"message": "boom"}]})


def _search(keys: list[str], total: int, *, peer: bool) -> dict[str, Any]:
    field, key = ("bodiesConnection", "id") if peer else ("search", "key")
    edges = [{"node": {key: k, "name": f"{k}执法局"}} for k in keys]
    return {"data": {field: {"totalCount": total, "edges": edges}}}


def test_a_search_page_keeps_its_order() -> None:
    compare(
        "name_search",
        ours_search(_search(["b:1", "b:2"], 5, peer=False)),
        peer_search(_search(["b:1", "b:2"], 5, peer=True)),
    )
    with pytest.raises(AnswersDifferError, match=r"at \$\.page\[0\]\[0\]"):
        compare(
            "name_search",
            ours_search(_search(["b:1", "b:2"], 5, peer=False)),
            peer_search(_search(["b:2", "b:1"], 5, peer=True)),
        )
    with pytest.raises(AnswersDifferError, match=r"at \$\.total: 5 against 6"):
        compare(
            "name_search",
            ours_search(_search(["b:1"], 5, peer=False)),
            peer_search(_search(["b:1"], 6, peer=True)),
        )


def test_first_difference_names_a_key_on_one_side_only() -> None:
    assert first_difference({"a": 1}, {"a": 1, "b": 2}) == "at $.b: present on one side only"
    assert first_difference([1, {"x": True}], [1, {"x": None}]) == "at $[1].x: true against null"


# --- the page -----------------------------------------------------------------------------


def test_a_benchmark_replaces_only_its_own_block(tmp_path: Path) -> None:
    path = tmp_path / "performance.md"
    path.write_text(
        page.compose({"falkordb": "old falkordb\n", "peer": "old peer\n"}, "")
        + f"\n{page.ANALYSIS_MARKER}\n## Reading\nwritten by hand\n",
        encoding="utf-8",
    )
    written = page.update({"neo4j": "neo4j tables\n", "falkordb": "new falkordb\n"}, path)
    assert written == path.read_text(encoding="utf-8")
    assert page.blocks_of(written) == {
        "falkordb": "new falkordb\n",
        "neo4j": "neo4j tables\n",
        "peer": "old peer\n",
    }
    assert written.index("new falkordb") < written.index("# On Neo4j") < written.index("old peer")
    assert written.endswith(f"{page.ANALYSIS_MARKER}\n## Reading\nwritten by hand\n")
    with pytest.raises(ValueError, match="no such blocks"):
        page.update({"lineage": "x"}, path)


def test_the_page_in_the_repository_has_its_blocks_and_reading() -> None:
    text = page.PERFORMANCE_PAGE.read_text(encoding="utf-8")
    assert "falkordb" in page.blocks_of(text)
    analysis = text[text.index(page.ANALYSIS_MARKER) :]
    assert page.compose(page.blocks_of(text), analysis) == text


# --- the peer's log -------------------------------------------------------------------------

#: What the `debug` package writes for @neo4j/graphql's statements when stderr is not a TTY.
DEBUG_LOG = """\
2026-11-30T00:58:48.630Z @neo4j/graphql:execution executing cypher
2026-11-30T00:58:48.634Z @neo4j/graphql:execution CYPHER 5
CALL dbms.components() YIELD versions, edition UNWIND versions AS version RETURN version, edition
2026-11-30T00:58:48.635Z @neo4j/graphql:execution cypher params: {}
2026-11-30T00:58:49.326Z @neo4j/graphql:execution executing cypher
2026-11-30T00:58:49.327Z @neo4j/graphql:execution CYPHER 5
MATCH (this:Region)
WHERE this.id = $param0
RETURN this { .id } AS this
2026-11-30T00:58:49.327Z @neo4j/graphql:execution cypher params: { param0: 'syn:region:l004' }
2026-11-30T00:58:50.719Z @neo4j/graphql:execution Execute successful, received 1 records
"""


def test_the_generated_cypher_is_read_from_the_debug_log() -> None:
    assert generated_cypher(DEBUG_LOG) == [
        "CYPHER 5\nMATCH (this:Region)\nWHERE this.id = $param0\nRETURN this { .id } AS this"
    ]
    assert generated_cypher("") == []


# --- when make bench starts a Neo4j ---------------------------------------------------------


def _java_on(path: Path) -> str:
    java = path / "java"
    java.write_text("#!/bin/sh\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_make_bench_uses_the_given_neo4j_or_starts_the_shared_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "neo4j-local"
    script.write_text("#!/bin/sh\n")
    with_java = _java_on(tmp_path)
    monkeypatch.setenv("PATH", with_java)
    given = {"NEO4J_URI": "bolt://db.example:7687", "REFORMGRAPH_NEO4J_LOCAL": str(script)}
    assert plan(given) == ("given", None)
    assert plan({"REFORMGRAPH_NEO4J_LOCAL": str(script)}) == ("start", script)
    assert plan({"REFORMGRAPH_NEO4J_LOCAL": str(tmp_path / "absent")}) == ("none", None)
    monkeypatch.setenv("PATH", str(tmp_path / "no-java-here"))
    assert plan({"REFORMGRAPH_NEO4J_LOCAL": str(script)}) == ("none", None)
    assert os.environ["PATH"].endswith("no-java-here")
