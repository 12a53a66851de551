"""The vocabulary the selection compiler may write (``cypher/vocabulary.py``) holds every
label, relationship type and property key the importer writes: checked against the graph
after loading the documented dataset (``data/``), a synthetic sample and the answers fixture,
on both engines, so the vocabulary cannot silently fall behind the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from cypher.vocabulary import NODE_PROPERTIES, RELATIONSHIP_PROPERTIES
from graph_loaders.importer import import_dataset
from graph_loaders.pipeline import dataset_files, load
from graph_loaders.synthetic import generate
from graph_store import GraphStore
from tests.conftest import with_extra_statements
from tests.datasets import DATA_DIR, load_fixture

#: Every label with the keys its nodes carry, every relationship type with its keys: a
#: whole-graph scan, test-only.
GRAPH_VOCABULARY = """MATCH (n)
UNWIND labels(n) AS name
UNWIND CASE WHEN size(keys(n)) = 0 THEN [null] ELSE keys(n) END AS key
WITH name, collect(DISTINCT key) AS keys
RETURN 'node' AS kind, name, keys
UNION ALL
MATCH ()-[r]->()
WITH type(r) AS name, r
UNWIND CASE WHEN size(keys(r)) = 0 THEN [null] ELSE keys(r) END AS key
WITH name, collect(DISTINCT key) AS keys
RETURN 'relationship' AS kind, name, keys
"""

pytestmark = pytest.mark.anyio


async def test_every_label_type_and_key_in_the_graph_is_in_the_vocabulary(
    store: GraphStore, tmp_path: Path
) -> None:
    await load(store, dataset_files(DATA_DIR), DATA_DIR / "corpus")
    await import_dataset(store, generate("inner-mongolia", seed=5, scale=0.02))
    await load_fixture(store, "answers.yaml")
    probe = with_extra_statements(store, tmp_path / "cypher", graph_vocabulary=GRAPH_VOCABULARY)
    try:
        rows = await probe.read("graph_vocabulary")
    finally:
        await probe.close()
    found = {(row["kind"], row["name"]): set(row["keys"]) for row in rows}
    assert ("node", "Region") in found
    assert ("relationship", "DELEGATES") in found
    missing = []
    for (kind, name), keys in sorted(found.items()):
        allowed = (NODE_PROPERTIES if kind == "node" else RELATIONSHIP_PROPERTIES).get(name)
        if allowed is None:
            missing.append(f"{kind} {name}")
            continue
        # every node is an Entity (any node's keys), an EnforcementTeam is also a Body
        if name == "Entity":
            allowed = frozenset().union(*NODE_PROPERTIES.values())
        elif name == "EnforcementTeam":
            allowed = NODE_PROPERTIES["Body"]
        missing += [f"{kind} {name}.{key}" for key in sorted(keys - allowed)]
    assert missing == [], missing
