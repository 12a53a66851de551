// For each id in $ids, its outgoing SUBORDINATE_TO relationships: rows of `id`, `rel` (relationship
// properties), `labels` and `props` of the node at the other end — outgoing_by_type with
// the type written in the pattern, so the engine follows only SUBORDINATE_TO edges instead of every
// edge of the node (a town has a CLAIMS edge per claimed item, a bureau an EXERCISES edge).
// :maps
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r:SUBORDINATE_TO]->(m:Entity)
RETURN id, properties(r) AS rel, labels(m) AS labels, properties(m) AS props
