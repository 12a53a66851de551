// Create or update CLAIMED_COUNT relationships (town or subdistrict to a list, where a source gives only a count) from $rows of {from, to, props}, matching both
// ends by id; props replaces the relationship's properties. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:CLAIMED_COUNT]->(b)
SET r = row.props
RETURN count(r) AS linked
