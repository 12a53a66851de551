// All regions, optionally only those of level $level (null for all): rows of `region`
// (map) and `parentId` (null for a root), ordered by name.
MATCH (r:Region)
WHERE $level IS NULL OR r.level = $level
OPTIONAL MATCH (r)-[:PART_OF]->(p:Region)
RETURN r {.id, .name, .level, .aliases, .synthetic, .sources, .quotes} AS region, p.id AS parentId
ORDER BY r.name
