// Move the HOLDS relationships of the bodies $sources to the body $target (a merger): each is
// recreated from $target with the same properties and the original deleted. Returns `moved`.
UNWIND $sources AS sourceId
MATCH (source:Body {id: sourceId})-[old:HOLDS]->(item:PowerItem)
MATCH (target:Body {id: $target})
MERGE (target)-[moved:HOLDS]->(item)
SET moved = properties(old)
DELETE old
RETURN count(moved) AS moved
