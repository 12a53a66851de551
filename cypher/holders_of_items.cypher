// For each item id in $ids, the HOLDS relationships into it: rows of `id`, `rel`
// (relationship properties) and `target` (the holder's id) — incoming_holds without the
// holders' properties, for the chain walk, which starts at every holder of the item in the
// country and needs the nodes of the few chains it keeps.
UNWIND $ids AS id
MATCH (n:Entity {id: id})<-[r:HOLDS]-(m:Entity)
RETURN id, properties(r) AS rel, m.id AS target
