// Staging twin of unlink_owned (Neo4j only, cypher/COMPAT.md "Batched imports on Neo4j"): remove
// the structural relationships that the records $ids declare about themselves from the import's
// staged generation $generation before they are written again there. Returns `removed`.
UNWIND $ids AS id
MATCH (n:Staged {generation: $generation, id: id})-[r]->()
WHERE type(r) IN ['PART_OF', 'IN_REGION', 'SUBORDINATE_TO', 'LISTED_IN', 'RESULTED_IN', 'FOLLOWS',
                  'ABOUT']
DELETE r
RETURN count(r) AS removed
