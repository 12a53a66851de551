// For each id in $ids (a body or a region), the bodies that exercise item $item and are that
// node or sit in it (IN_REGION): rows of `id`, `rel` (the EXERCISES relationship's
// properties) and `target` (the body's id). Where a delegation chain ends, this asks only for
// the exercisers there, instead of every exerciser of the item in the country and each one's
// region (an item is exercised in every town that claimed it).
UNWIND $ids AS id
MATCH (place:Entity {id: id})
MATCH (body:Entity)-[:IN_REGION*0..1]->(place)
MATCH (body)-[r:EXERCISES]->(item:Entity {id: $item})
RETURN id, properties(r) AS rel, body.id AS target
