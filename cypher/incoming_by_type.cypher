// For each id in $ids, the relationships of type $type arriving at that node: rows of `id`,
// `rel` (relationship properties), `labels` and `props` of the node at the other end.
// :maps
UNWIND $ids AS id
MATCH (n:Entity {id: id})<-[r]-(m:Entity)
WHERE type(r) = $type
RETURN id, properties(r) AS rel, labels(m) AS labels, properties(m) AS props
