// Delete the nodes $nodes (element ids from staging_leftovers or staging_generation_nodes)
// with their relationships, but only while each is still Retired or staged for one of the
// $generations: an element id can be reused once its node is gone, and a live node must never
// be taken for a leftover. Returns `deleted`. Neo4j only (elementId).
UNWIND $nodes AS node
MATCH (n)
WHERE elementId(n) = node AND (n:Retired OR (n:Staged AND n.generation IN $generations))
DETACH DELETE n
RETURN count(*) AS deleted
