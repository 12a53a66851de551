"""The peer table's ratios (``bench/peer_bench.py``): each round's ratio pairs the two sides'
turns of that round, and the table shows the least and most of them beside the ratio of the
median rounds, so a reader can tell a ratio below 1 from this machine's noise."""

from __future__ import annotations

from typing import Any

import pytest

from bench.peer_bench import markdown, round_ratios, settings_sentence
from bench.with_neo4j import deployed_settings

#: The body question of the full run of 2026-12-02, as its results file holds it.
BODY_OURS = [161.1, 122.6, 144.2, 189.1, 113.2]
BODY_PEER = [159.1, 135.6, 125.4, 249.1, 155.2]


def test_each_round_is_compared_with_the_same_round_of_the_peer() -> None:
    assert round_ratios(BODY_OURS, BODY_PEER) == [1.01, 0.9, 1.15, 0.76, 0.73]


def test_rounds_of_different_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="shorter"):
        round_ratios(BODY_OURS, BODY_PEER[:-1])


def _side(rounds: list[float]) -> dict[str, Any]:
    return {
        "c1_p50_ms": 12.0,
        "c8_rps": sorted(rounds)[len(rounds) // 2],
        "c8_rps_rounds": rounds,
        "errors": 0,
    }


def _result() -> dict[str, Any]:
    return {
        "mode": "full",
        "date": "2026-12-02",
        "machine": {"cores": 2},
        "peer_versions": {"@neo4j/graphql": "7.6.3", "@apollo/server": "5.5.1", "node": "v20"},
        "graph": {"profile": "inner-mongolia", "scale": 1.0, "nodes": 1, "relationships": 1},
        "plan": {"rounds": 5, "c1": 60, "c8": 300, "concurrency": 8},
        "rss_mb_after": {"ours": 1.0, "peer": 1.0},
        "floor": {"ours": _side([500.0] * 5), "peer": _side([500.0] * 5)},
        "queries": {
            "body_subordinates": {
                "title": "a body → subordinates → their held items",
                "ours": _side(BODY_OURS),
                "peer": _side(BODY_PEER),
                "rps_ratio": 0.93,
                "ours_statements": ["compiled_body"],
                "peer_cypher": ["MATCH (this:Body) RETURN this"],
                "peer_nested": True,
                "answer_bytes": 10,
                "ours_query": "{ body }",
                "peer_query": "{ bodies }",
            }
        },
    }


def test_the_table_shows_the_rounds_spread_beside_the_ratio() -> None:
    row = next(line for line in markdown(_result()).splitlines() if line.startswith("| a body"))
    assert "| 0.93 (0.73-1.15) |" in row


def test_the_page_says_whether_neo4j_ran_as_deployed() -> None:
    deployed = deployed_settings()
    as_deployed = markdown({**_result(), "neo4j_settings": deployed})
    assert "settings it is deployed with (`deploy/neo4j.conf`: " in as_deployed
    for name, value in deployed.items():
        assert f"`{name}={value}`" in as_deployed
    # one setting off is named, and only it
    name = next(iter(deployed))
    not_deployed = markdown({**_result(), "neo4j_settings": {**deployed, name: "ALL"}})
    assert f"did **not** run as deployed (`deploy/neo4j.conf`): `{name}=ALL`." in not_deployed
    # a results file from before the settings were recorded says nothing of them
    assert "deploy/neo4j.conf" not in markdown(_result())
    assert settings_sentence(None) == ""
