// Copy the relationships that leave the live nodes $ids into the staged generation
// $generation, between the copies of their two ends, with the same type and properties.
// Returns `copied`; the adapter checks it against the relationships the live nodes have, so
// a type missing below (one branch per relationship type the graph has) fails the import
// instead of being dropped. One branch per type, not `CREATE (sa)-[:$(type(r))]->(sb)`:
// Neo4j 5.26.0 creates every relationship of such a statement with the first row's type
// (cypher/COMPAT.md). Neo4j only (CALL (…) scoped subqueries).
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
MATCH (sa:Staged {generation: $generation, id: id})
MATCH (sb:Staged {generation: $generation, id: b.id})
CALL (r, sa, sb) {
  WITH r, sa, sb WHERE type(r) = 'ABOUT'
  CREATE (sa)-[c:ABOUT]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'CLAIMED_COUNT'
  CREATE (sa)-[c:CLAIMED_COUNT]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'CLAIMS'
  CREATE (sa)-[c:CLAIMS]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'DELEGATES'
  CREATE (sa)-[c:DELEGATES]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'EXERCISES'
  CREATE (sa)-[c:EXERCISES]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'FOLLOWS'
  CREATE (sa)-[c:FOLLOWS]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'HOLDS'
  CREATE (sa)-[c:HOLDS]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'INPUT_OF'
  CREATE (sa)-[c:INPUT_OF]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'IN_REGION'
  CREATE (sa)-[c:IN_REGION]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'LISTED_IN'
  CREATE (sa)-[c:LISTED_IN]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'PART_OF'
  CREATE (sa)-[c:PART_OF]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'RESULTED_IN'
  CREATE (sa)-[c:RESULTED_IN]->(sb) SET c = properties(r) RETURN 1 AS copied
  UNION ALL
  WITH r, sa, sb WHERE type(r) = 'SUBORDINATE_TO'
  CREATE (sa)-[c:SUBORDINATE_TO]->(sb) SET c = properties(r) RETURN 1 AS copied
}
RETURN count(copied) AS copied
