// Staging twin of unlink_event_inputs (Neo4j only, cypher/COMPAT.md "Batched imports on Neo4j"):
// remove the INPUT_OF relationships into the reform events $ids of the import's staged
// generation $generation before they are written again there. Returns `removed`.
UNWIND $ids AS id
MATCH (:Staged)-[r:INPUT_OF]->(e:Staged {generation: $generation, id: id})
DELETE r
RETURN count(r) AS removed
