// Delete up to $limit relationships of the graph, or, when it has none left, up to $limit of
// its nodes; returns `deleted` (0 once the graph is empty). Run again and again, each time in
// a transaction of its own, it clears a graph too large to delete in one transaction (the
// national profile on Neo4j: benchmarks). Used by benchmarks, not by the service.
OPTIONAL MATCH ()-[r]->()
WITH r
LIMIT $limit
DELETE r
WITH count(r) AS links
OPTIONAL MATCH (n)
WHERE links = 0
WITH links, n
LIMIT $limit
DETACH DELETE n
WITH links, count(n) AS nodes
RETURN links + nodes AS deleted
