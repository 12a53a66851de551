// Create or update SUBORDINATE_TO relationships (body to its superior body, with kind) from $rows of {from, to, props}, matching both
// ends by id; props replaces the relationship's properties. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:SUBORDINATE_TO]->(b)
SET r = row.props
RETURN count(r) AS linked
