// Create or update INPUT_OF relationships (body to the reform event it went into) from $rows of {from, to, props}, matching both
// ends by id; props replaces the relationship's properties. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:INPUT_OF]->(b)
SET r = row.props
RETURN count(r) AS linked
