// The nodes with the given ids ($ids), any label: rows of `id`, `labels` (list) and `props`
// (all properties). Missing ids return no row.
// :maps
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN id, labels(n) AS labels, properties(n) AS props
