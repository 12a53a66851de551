"""The import's pre-encoded statements are byte for byte what the FalkorDB client would send."""

from __future__ import annotations

from typing import Any

import pytest
from falkordb.graph import Graph

from cypher.registry import CypherRegistry
from graph_store.falkordb_store import encode

REGISTRY = CypherRegistry("falkordb")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        (
            "link_claims",
            {
                "rows": [
                    {
                        "from": "t:镇",
                        "to": 'item "1" \\ x',
                        "props": {"mode": "CONFIRM", "synthetic": True, "sources": [], "n": 1.5},
                    }
                ]
            },
        ),
        ("unlink_owned", {"ids": ["a", "b"]}),
        ("graph_counts", {}),
    ],
)
def test_encode_matches_the_client(name: str, params: dict[str, Any]) -> None:
    statement = REGISTRY.get(name)
    header = Graph._build_params_header(None, params)  # type: ignore[arg-type,unused-ignore]
    expected = statement.text if not params else header + statement.text
    assert encode(statement, params) == expected
