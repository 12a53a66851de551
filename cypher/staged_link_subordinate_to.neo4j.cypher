// Staging twin of link_subordinate_to (Neo4j only, cypher/COMPAT.md "Batched imports on Neo4j"): the same
// SUBORDINATE_TO relationships from $rows of {from, to, props}, between the nodes of the import's staged
// generation $generation (which readers never see). Returns `linked`.
UNWIND $rows AS row
MATCH (a:Staged {generation: $generation, id: row.from})
MATCH (b:Staged {generation: $generation, id: row.to})
MERGE (a)-[r:SUBORDINATE_TO]->(b)
SET r = row.props
RETURN count(r) AS linked
