// Delete up to $limit relationships of the graph, or, when it has none left, up to $limit of
// its nodes but its GraphMeta record (which the write's own graph_meta_advance would create
// again); returns `deleted` (0 once only GraphMeta is left). Run again and again, each time in
// a transaction of its own, it clears a graph too large to delete in one transaction (the
// national profile on Neo4j: benchmarks). Used by benchmarks, not by the service.
OPTIONAL MATCH ()-[r]->()
WITH r
LIMIT $limit
DELETE r
WITH count(r) AS links
OPTIONAL MATCH (n)
WHERE links = 0 AND NOT n:GraphMeta
WITH links, n
LIMIT $limit
DETACH DELETE n
WITH links, count(n) AS nodes
RETURN links + nodes AS deleted
