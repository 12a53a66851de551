// Create or update ABOUT relationships (statistic or disagreement to the region it is about) from $rows of {from, to, props}, matching both
// ends by id; props replaces the relationship's properties. Returns `linked`.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:ABOUT]->(b)
SET r = row.props
RETURN count(r) AS linked
