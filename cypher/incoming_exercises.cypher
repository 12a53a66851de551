// For each id in $ids, its incoming EXERCISES relationships: rows of `id`, `rel` (relationship
// properties), `labels` and `props` of the exercising body — incoming_by_type with the type
// written in the pattern, so the engine follows only EXERCISES edges into an item instead of
// every edge (an item has a CLAIMS edge from every town that claimed it).
// :maps
UNWIND $ids AS id
MATCH (n:Entity {id: id})<-[r:EXERCISES]-(m:Entity)
RETURN id, properties(r) AS rel, labels(m) AS labels, properties(m) AS props
