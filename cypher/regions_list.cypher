// Regions, optionally only of level $level and only at or below region $under (null: all):
// rows of `props` (all properties), by name, at most $limit.
// :maps
MATCH (r:Region)
WHERE $level IS NULL OR r.level = $level
OPTIONAL MATCH scope = (r)-[:PART_OF*0..6]->(:Region {id: $under})
WITH r, scope
WHERE $under IS NULL OR scope IS NOT NULL
WITH DISTINCT r
ORDER BY r.name
LIMIT $limit
RETURN properties(r) AS props
