"""The import bench's side-by-side table: each engine's relationships per second for the same
profile, and Neo4j's as a share of FalkorDB's; and its block on the performance page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import page
from bench.import_bench import side_by_side


def _result(profile: str, scale: float, seconds: float, raw_seconds: float) -> dict[str, Any]:
    links = 8_000_000 if profile == "national" else 160_000
    return {
        "profile": profile,
        "scale": scale,
        "relationship_rows": links,
        "seconds": {"import": seconds},
        "relationships_per_s": round(links / seconds),
        "raw_relationships_per_s": round(links / raw_seconds),
    }


def test_the_table_puts_both_engines_on_one_row_per_profile() -> None:
    table = side_by_side(
        {
            "falkordb": [
                _result("inner-mongolia", 1.0, 4.0, 4.0),
                _result("national", 1.0, 160, 150),
            ],
            "neo4j": [
                _result("inner-mongolia", 1.0, 16.0, 8.0),
                _result("national", 1.0, 400, 320),
            ],
        },
        "full",
    )
    rows = [line for line in table.splitlines() if line.startswith("| national")]
    # 8,000,000 relationships: 50,000/s on FalkorDB, 20,000/s on Neo4j (0.40 of it)
    assert rows == [
        "| national | 1.0 | 8,000,000 | 160.0 | 50,000 | 53,333 | 400.0 | 20,000 | 25,000 | 0.40 |"
    ]
    assert (
        "| inner-mongolia | 1.0 | 160,000 | 4.0 | 40,000 | 40,000 | 16.0 | 10,000 | 20,000 | 0.25 |"
        in table
    )


def test_the_import_block_goes_first_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "performance.md"
    page.update({"falkordb": "queries\n"}, path)
    path.write_text(path.read_text() + "\n" + page.ANALYSIS_MARKER + "\nkept\n")
    text = page.update({"import": "imports\n"}, path)
    assert text.index("imports") < text.index("queries") < text.index("kept")
    assert page.blocks_of(text) == {"import": "imports\n", "falkordb": "queries\n"}
