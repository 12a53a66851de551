"""docs/performance.md, written by several benchmarks: each owns a block of the page.

A block sits between ``<!-- begin generated: NAME -->`` and ``<!-- end generated: NAME -->``;
a benchmark replaces only its own blocks, so the query benchmark's run does not erase the peer
comparison's tables, nor one engine's run the other's. Everything after
:data:`ANALYSIS_MARKER` is written by hand and always kept.
"""

from __future__ import annotations

import re
from pathlib import Path

PERFORMANCE_PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
ANALYSIS_MARKER = "<!-- analysis: kept by bench/query_bench.py -->"
TITLE = "# Performance\n"

#: The blocks in page order, each with the heading it goes under.
BLOCKS: dict[str, str] = {
    "import": "# Import on both engines\n",
    "falkordb": "",
    "against": "# On FalkorDB, against an earlier commit\n",
    "neo4j": "# On Neo4j\n",
    "peer": "# Side by side with @neo4j/graphql on Neo4j\n",
    "workers": "# Serving on every core, and several services on one engine\n",
}


def _begin(name: str) -> str:
    return f"<!-- begin generated: {name} -->"


def _end(name: str) -> str:
    return f"<!-- end generated: {name} -->"


def blocks_of(page: str) -> dict[str, str]:
    """The generated blocks a page holds, by name (their text between the markers)."""
    found = {}
    for name in BLOCKS:
        match = re.search(
            re.escape(_begin(name)) + r"\n(.*?)" + re.escape(_end(name)), page, re.DOTALL
        )
        if match:
            found[name] = match.group(1)
    return found


def compose(blocks: dict[str, str], analysis: str) -> str:
    """The page: its title, each block present (in :data:`BLOCKS` order, under its heading),
    then the hand-written analysis (from :data:`ANALYSIS_MARKER` on)."""
    parts = [TITLE]
    for name, heading in BLOCKS.items():
        if name in blocks:
            text = blocks[name].rstrip("\n") + "\n"
            parts.append(
                (heading + "\n" if heading else "") + f"{_begin(name)}\n{text}{_end(name)}\n"
            )
    page = "\n".join(parts)
    return page + ("\n" + analysis if analysis else "")


def update(new_blocks: dict[str, str], path: Path = PERFORMANCE_PAGE) -> str:
    """Replace ``new_blocks`` in the page at ``path``, keep its other blocks and its
    hand-written analysis, and write it back; returns the page."""
    unknown = set(new_blocks) - set(BLOCKS)
    if unknown:
        raise ValueError(f"no such blocks: {sorted(unknown)}")
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    analysis = previous[previous.index(ANALYSIS_MARKER) :] if ANALYSIS_MARKER in previous else ""
    page = compose(blocks_of(previous) | new_blocks, analysis)
    path.write_text(page, encoding="utf-8")
    return page
