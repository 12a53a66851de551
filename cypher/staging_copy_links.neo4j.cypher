// Copy the relationships that leave the live nodes $ids into the staged generation
// $generation, between the copies of their two ends, with the same type and properties.
// Neo4j only (a type given by an expression, Cypher 5.26). Returns `copied`.
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
MATCH (sa:Staged {generation: $generation, id: id})
MATCH (sb:Staged {generation: $generation, id: b.id})
CREATE (sa)-[c:$(type(r))]->(sb)
SET c = properties(r)
RETURN count(c) AS copied
