// Staging twin of link_in_region (Neo4j only, cypher/COMPAT.md "Batched imports on Neo4j"): the same
// IN_REGION relationships from $rows of {from, to, props}, between the nodes of the import's staged
// generation $generation (which readers never see). Returns `linked`.
UNWIND $rows AS row
MATCH (a:Staged {generation: $generation, id: row.from})
MATCH (b:Staged {generation: $generation, id: row.to})
MERGE (a)-[r:IN_REGION]->(b)
SET r = row.props
RETURN count(r) AS linked
