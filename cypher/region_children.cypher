// The direct children of each region id in $ids: rows of `parentId` and the child `region`
// map, ordered by child name.
UNWIND $ids AS parentId
MATCH (c:Region)-[:PART_OF]->(:Region {id: parentId})
RETURN parentId, c {.id, .name, .level, .aliases, .synthetic, .sources, .quotes} AS region
ORDER BY c.name
