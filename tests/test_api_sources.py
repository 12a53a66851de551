"""The documents behind the facts and where they disagree, through the API on the documented
dataset: ``Provenance.document``, ``Statistic.disagreements``, ``PowerList.disagreements``
and the ``sources`` and ``disagreements`` lists. Expected values are read off ``data/`` here
(the yaml files as written), not from the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from graph_store import GraphStore
from schema import build_schema
from schema.context import GraphContext
from tests.datasets import DATA_DIR

pytestmark = pytest.mark.anyio

SOURCES = {s["file"]: s for s in yaml.safe_load((DATA_DIR / "sources.yaml").read_text())["sources"]}
DISAGREEMENTS = {
    d["id"]: d for d in yaml.safe_load((DATA_DIR / "statistics.yaml").read_text())["disagreements"]
}
DOCUMENT = "document { key file title issuer date kind }"
DISAGREEMENT = f"key about note synthetic statements {{ source quote {DOCUMENT} }}"


async def _ask(store: GraphStore, query: str) -> dict[str, Any]:
    result = await build_schema().execute(query, context_value=GraphContext(store=store))
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def _document(file: str) -> dict[str, Any]:
    """A source document as ``data/sources.yaml`` states it."""
    s = SOURCES[file]
    return {
        "key": s["id"],
        "file": file,
        "title": s["title"],
        "issuer": s.get("issuer"),
        "date": s.get("date"),
        "kind": s["kind"],
    }


def _disagreement(key: str) -> dict[str, Any]:
    """A disagreement as ``data/statistics.yaml`` states it, with its sources' documents."""
    d = DISAGREEMENTS[key]
    return {
        "key": key,
        "about": d["about"],
        "note": d["note"],
        "synthetic": False,
        "statements": [
            {"source": s["source"], "quote": s["quote"], "document": _document(s["source"])}
            for s in d["statements"]
        ],
    }


async def test_provenance_leads_to_the_source_document(documented: GraphStore) -> None:
    data = await _ask(
        documented,
        '{ body(key: "body:haibowan:enforcement-bureau") '
        f"{{ provenance {{ source {DOCUMENT} }} }} }}",
    )
    [cited] = data["body"]["provenance"]
    assert cited == {
        "source": "002_2abc6b63f845ad0d.txt",
        **{"document": _document(cited["source"])},
    }
    assert cited["document"]["title"].startswith("乌海市海勃湾区机构改革完成情况")


async def test_a_statistic_shows_the_disagreements_about_it_and_its_metric(
    documented: GraphStore,
) -> None:
    data = await _ask(
        documented,
        '{ a: statistics(metric: "admin_functions_returned", first: 10) { edges { node { key '
        f"disagreements {{ {DISAGREEMENT} }} }} }} }}"
        ' b: node(id: "U3RhdGlzdGljOnN0YXQ6bm1nOnRvd25zaGlwLWJvZGllcy1tYXgtMDAw") '
        f"{{ ... on Statistic {{ key disagreements {{ {DISAGREEMENT} }} }} }} }}",
    )
    by_metric = {e["node"]["key"]: e["node"]["disagreements"] for e in data["a"]["edges"]}
    # both figures of the metric: 000 says 1.8万, 001 (in traditional characters) 12.3萬余
    assert by_metric == {
        "stat:nmg:admin-functions-returned-000": [
            _disagreement("disagreement:admin-functions-returned")
        ],
        "stat:nmg:admin-functions-returned-001": [
            _disagreement("disagreement:admin-functions-returned")
        ],
    }
    # about one figure by its key: 000's 28 → 9 against 004's 28 → 6
    assert data["b"] == {
        "key": "stat:nmg:township-bodies-max-000",
        "disagreements": [_disagreement("disagreement:township-bodies-28")],
    }
    assert [s["document"]["key"] for s in data["b"]["disagreements"][0]["statements"]] == [
        "source:000",
        "source:004",
    ]


async def test_a_power_list_shows_the_disagreements_about_it(documented: GraphStore) -> None:
    data = await _ask(
        documented,
        '{ powerList(key: "powerlist:nmg:township-powers") '
        f"{{ disagreements {{ {DISAGREEMENT} }} }} }}",
    )
    assert data["powerList"]["disagreements"] == [
        _disagreement("disagreement:delegated-powers-kind")
    ]


async def test_the_sources_and_disagreements_lists(documented: GraphStore) -> None:
    data = await _ask(
        documented, f"{{ sources {{ key file }} disagreements {{ {DISAGREEMENT} }} }}"
    )
    listed = {s["file"]: s["key"] for s in data["sources"]}
    # the five documents, and the region tree's register (its own source)
    assert {file: listed[file] for file in SOURCES} == {f: s["id"] for f, s in SOURCES.items()}
    register = set(listed) - set(SOURCES)
    assert register
    assert all(Path(file).suffix in {".csv", ".gz"} for file in register)
    assert data["disagreements"] == [_disagreement(key) for key in sorted(DISAGREEMENTS)]
    assert len(DISAGREEMENTS) == 6


async def test_a_fact_without_disagreement_has_none(documented: GraphStore) -> None:
    data = await _ask(
        documented,
        '{ statistics(metric: "township_party_government_bodies_max", first: 5) '
        "{ edges { node { key disagreements { key } } } } }",
    )
    edges = data["statistics"]["edges"]
    assert edges
    assert all(e["node"]["disagreements"] == [] for e in edges)
