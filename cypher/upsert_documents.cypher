// Create or update the policy documents sources cite (labels Entity:Document) from $rows of
// {id, props}; props replaces every property, so a corrected file updates in place. Returns
// `written`. All labels are given in the MERGE (see upsert_regions).
UNWIND $rows AS row
MERGE (n:Entity:Document {id: row.id})
SET n = row.props
RETURN count(n) AS written
