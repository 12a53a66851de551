// Create or update statistic nodes (labels Entity:Statistic) from $rows of {id, props}; props replaces
// every property, so a corrected file updates in place. Returns `written`.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:Statistic
SET n = row.props
RETURN count(n) AS written
