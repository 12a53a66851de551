// For each id in $ids, its outgoing IN_REGION relationships: rows of `id`, `rel` (relationship
// properties), `labels` and `props` of the node at the other end — outgoing_by_type with
// the type written in the pattern, so the engine follows only IN_REGION edges instead of every
// edge of the node (a town has a CLAIMS edge per claimed item, a bureau an EXERCISES edge).
// :maps
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r:IN_REGION]->(m:Entity)
RETURN id, properties(r) AS rel, labels(m) AS labels, properties(m) AS props
