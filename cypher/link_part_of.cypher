// Create or update PART_OF relationships (region to the region it is part of) from $rows of {from, to, props}, matching both
// ends by id; props replaces the relationship's properties. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:PART_OF]->(b)
SET r = row.props
RETURN count(r) AS linked
