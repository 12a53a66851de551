// Create or update IN_REGION relationships (body, power list or reform event to its region) from $rows of {from, to, props}, matching both
// ends by id; props replaces the relationship's properties. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:IN_REGION]->(b)
SET r = row.props
RETURN count(r) AS linked
