// Remove the INPUT_OF relationships into the reform events $ids before they are written again.
// Returns `removed`.
UNWIND $ids AS id
MATCH (:Entity)-[r:INPUT_OF]->(e:Entity {id: id})
DELETE r
RETURN count(r) AS removed
