// Create or update DELEGATES relationships from $rows of {id, from, to, props}: from a list or
// a body to the town, subdistrict or body that receives a power; one relationship per
// delegation id, so two delegations between the same ends stay apart. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:DELEGATES {id: row.id}]->(b)
SET r = row.props
RETURN count(r) AS linked
