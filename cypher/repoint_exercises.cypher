// Move the EXERCISES relationships of the bodies $sources to the body $target (a merger): each is
// recreated from $target with the same properties and the original deleted. Returns `moved`.
UNWIND $sources AS sourceId
MATCH (source:Body {id: sourceId})-[old:EXERCISES]->(item:PowerItem)
MATCH (target:Body {id: $target})
MERGE (target)-[moved:EXERCISES]->(item)
SET moved = properties(old)
DELETE old
RETURN count(moved) AS moved
