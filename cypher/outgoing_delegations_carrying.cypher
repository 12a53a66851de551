// For each id in $ids, the DELEGATES relationships leaving that node that carry item $item:
// those naming the item, and those naming no item but its whole list $list (null: the item
// is on no list). Rows of `id`, `rel` (relationship properties), `target` (the receiver's
// id) and `places` (the ids of the regions the receiver sits in: a power delegated to a
// town's bureau reaches that town). Filtered here, not by the caller: a county department
// delegates hundreds of items. Ids, not nodes: a chain walk reaches every town the item
// goes to and keeps the few chains asked for, whose nodes are fetched only if wanted.
// (OPTIONAL MATCH and collect: a third faster on FalkorDB than a pattern comprehension.)
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r:DELEGATES]->(m:Entity)
WHERE r.item = $item OR (coalesce(r.item, '') = '' AND r.list = $list)
OPTIONAL MATCH (m)-[:IN_REGION]->(place:Entity)
RETURN id, properties(r) AS rel, m.id AS target, collect(place.id) AS places
