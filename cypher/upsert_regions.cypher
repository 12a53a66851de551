// Create or update region nodes (labels Entity:Region) from $rows of {id, props}; props replaces
// every property, so a corrected file updates in place. Returns `written`.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:Region
SET n = row.props
RETURN count(n) AS written
