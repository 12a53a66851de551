// Which of the relationships $rows of {key, type, from, to, id} are already in the graph: a
// relationship of type `type` from the node with id `from` to the node with id `to` (and,
// when `id` is not null, with that `id` property, as delegations have). Rows of `key` for
// each that is; an import's preview counts what it would add against what it would update.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})-[r]->(b:Entity {id: row.to})
WHERE type(r) = row.type AND (row.id IS NULL OR r.id = row.id)
RETURN DISTINCT row.key AS key
