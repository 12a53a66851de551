// Create or update RESULTED_IN relationships (reform event to the body it produced) from $rows of {from, to, props}, matching both
// ends by id; props replaces the relationship's properties. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:RESULTED_IN]->(b)
SET r = row.props
RETURN count(r) AS linked
