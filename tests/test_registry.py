"""The Cypher registry: statements by name, twins per engine, and house rules for the files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cypher.registry import CYPHER_DIR, CypherRegistry, UnknownStatementError


def test_every_statement_loads_for_both_engines() -> None:
    neo4j, falkordb = CypherRegistry("neo4j"), CypherRegistry("falkordb")
    assert "regions_list" in neo4j.names()
    assert "regions_list" in falkordb.names()
    assert neo4j.get("regions_list").text == falkordb.get("regions_list").text


def test_twin_is_chosen_per_engine(tmp_path: Path) -> None:
    (tmp_path / "shared.cypher").write_text("// shared\nRETURN 1 AS x")
    (tmp_path / "pick.neo4j.cypher").write_text("// neo4j flavour\nRETURN 'neo4j' AS e")
    (tmp_path / "pick.falkordb.cypher").write_text("// falkordb flavour\nRETURN 'falkordb' AS e")
    (tmp_path / "ddl.neo4j.cypher").write_text("// neo4j only\nRETURN 0")
    assert "'neo4j'" in CypherRegistry("neo4j", tmp_path).get("pick").text
    falkordb = CypherRegistry("falkordb", tmp_path)
    assert "'falkordb'" in falkordb.get("pick").text
    assert falkordb.get("pick").description == "falkordb flavour"
    assert "ddl" not in falkordb.names()
    assert "ddl" in CypherRegistry("neo4j", tmp_path).names()


def test_unknown_statement_and_engine_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownStatementError):
        CypherRegistry("falkordb").get("no_such_statement")
    with pytest.raises(ValueError, match="unknown engine"):
        CypherRegistry("memgraph")
    (tmp_path / "bad.name.cypher").write_text("RETURN 1")
    with pytest.raises(ValueError, match=r"name\.<engine>\.cypher"):
        CypherRegistry("neo4j", tmp_path)


def test_every_file_says_what_it_returns_and_holds_one_statement() -> None:
    for path in sorted(CYPHER_DIR.glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("//"), f"{path.name}: first line must be a // comment"
        body = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
        assert ";" not in body, f"{path.name}: one statement per file"


def test_every_twin_is_recorded_in_compat_md() -> None:
    compat = (CYPHER_DIR / "COMPAT.md").read_text(encoding="utf-8")
    for path in CYPHER_DIR.glob("*.*.cypher"):
        name = path.name.split(".")[0]
        assert re.search(rf"`{name}", compat), f"{path.name} is not documented in COMPAT.md"


def test_maps_annotation_marks_a_statement_and_stays_out_of_its_description(
    tmp_path: Path,
) -> None:
    (tmp_path / "rows.cypher").write_text("// rows of props\n// :maps\nRETURN {a: 1} AS m")
    (tmp_path / "nodes.cypher").write_text("// nodes\nMATCH (n) RETURN n")
    registry = CypherRegistry("falkordb", tmp_path)
    assert registry.get("rows").maps_only
    assert registry.get("rows").description == "rows of props"
    assert not registry.get("nodes").maps_only


def test_the_statements_the_service_reads_most_are_annotated_maps_only() -> None:
    # the store takes their rows as the driver gives them; the suite checks each row
    # (GraphStore.check_maps_only, tests/conftest.py), on both engines
    for engine in ("falkordb", "neo4j"):
        registry = CypherRegistry(engine)
        for name in ("search_entities", "claim_matrix_of_region", "delegation_chains"):
            assert registry.get(name).maps_only, (engine, name)
        assert not registry.get("graph_counts").maps_only
