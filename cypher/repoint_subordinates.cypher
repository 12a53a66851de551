// Point the bodies that answer to one of $sources at the body $target instead (a merger),
// keeping the relationship's kind; the merging bodies themselves are left out. Returns `moved`.
UNWIND $sources AS sourceId
MATCH (sub:Body)-[old:SUBORDINATE_TO]->(source:Body {id: sourceId})
WHERE NOT sub.id IN $sources AND sub.id <> $target
MATCH (target:Body {id: $target})
MERGE (sub)-[moved:SUBORDINATE_TO]->(target)
SET moved = properties(old)
DELETE old
RETURN count(moved) AS moved
