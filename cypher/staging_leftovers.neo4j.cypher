// What batched imports left behind, to delete: Retired nodes (the generation a promotion
// replaced) and the staged nodes of every generation not in $keep (imports that failed or
// died). Returns each node's `node` (element id), `generation` (null for Retired) and
// `degree` (its relationships, which go with it). Neo4j only (elementId, COUNT {}).
MATCH (n:Retired)
RETURN elementId(n) AS node, null AS generation, COUNT { (n)--() } AS degree
UNION ALL
MATCH (n:Staged)
WHERE NOT n.generation IN $keep
RETURN elementId(n) AS node, n.generation AS generation, COUNT { (n)--() } AS degree
