// Regions with the given ids, each as a map `region` with its parent's id `parentId`
// (null for the root). Missing ids return no row.
UNWIND $ids AS regionId
MATCH (r:Region {id: regionId})
OPTIONAL MATCH (r)-[:PART_OF]->(p:Region)
RETURN r {.id, .name, .level, .aliases, .synthetic, .sources, .quotes} AS region, p.id AS parentId
