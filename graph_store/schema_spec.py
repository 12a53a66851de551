"""Which properties the graph keeps unique or indexed, declared once for both engines.

Each adapter turns this declaration into its own DDL: Neo4j's ``CREATE CONSTRAINT … IF NOT
EXISTS``; FalkorDB's range index followed by ``GRAPH.CONSTRAINT CREATE`` (it has no Cypher DDL
for constraints, see ``cypher/COMPAT.md``).
"""

from typing import Final

#: Every node label that carries a stable ``id``; the id is unique within the label.
#: ``Entity`` is on every node: ids are unique across the whole graph, and relationship
#: statements match either end by ``(:Entity {id})`` through this one index. ``GraphMeta`` is
#: the graph's own record (write version, datasets applied): unique so that concurrent first
#: writes on Neo4j cannot ``MERGE`` two of it.
UNIQUE_ID_LABELS: Final[tuple[str, ...]] = (
    "Entity",
    "Region",
    "Body",
    "PowerList",
    "Document",
    "PowerItem",
    "ReformEvent",
    "Statistic",
    "Source",
    "Disagreement",
    "GraphMeta",
)

#: Non-unique properties that lookups filter on.
INDEXED_PROPERTIES: Final[tuple[tuple[str, str], ...]] = (
    ("Region", "name"),
    ("Region", "level"),
    ("Region", "code"),
    ("Body", "name"),
    ("Body", "kind"),
)
