// Move the DELEGATES relationships leaving the bodies $sources so that they leave the body
// $target instead (a merger), keeping each delegation's id and properties. Returns `moved`.
UNWIND $sources AS sourceId
MATCH (source:Body {id: sourceId})-[old:DELEGATES]->(receiver:Entity)
MATCH (target:Body {id: $target})
MERGE (target)-[moved:DELEGATES {id: old.id}]->(receiver)
SET moved = properties(old)
DELETE old
RETURN count(moved) AS moved
