// Create or update FOLLOWS relationships (reform event to the earlier event whose outputs it
// took in) from $rows of {from, to, props}, matching both ends by id. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:FOLLOWS]->(b)
SET r = row.props
RETURN count(r) AS linked
