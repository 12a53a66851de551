// For each id in $ids, the DELEGATES relationships leaving that node that carry item $item:
// those naming the item, and those naming no item but its whole list $list (null: the item
// is on no list). Rows of `id`, `rel` (relationship properties), `labels` and `props` of the
// receiver. Filtered here, not by the caller: a county department delegates hundreds of
// items, and fetching every delegation of every body a chain reaches was most of its time.
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r:DELEGATES]->(m:Entity)
WHERE r.item = $item OR (coalesce(r.item, '') = '' AND r.list = $list)
RETURN id, properties(r) AS rel, labels(m) AS labels, properties(m) AS props
