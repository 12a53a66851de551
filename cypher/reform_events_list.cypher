// Reform events, optionally of kind $kind, dated from $from to $to (ISO strings, inclusive;
// null: open) and in region $under or below it: rows of `props`, by date, at most $limit.
// :maps
MATCH (e:ReformEvent)
WHERE ($kind IS NULL OR e.kind = $kind)
  AND ($from IS NULL OR e.date >= $from)
  AND ($to IS NULL OR e.date <= $to)
OPTIONAL MATCH scope = (e)-[:IN_REGION]->(:Region)-[:PART_OF*0..6]->(:Region {id: $under})
WITH e, scope
WHERE $under IS NULL OR scope IS NOT NULL
WITH DISTINCT e
ORDER BY e.date, e.id
LIMIT $limit
RETURN properties(e) AS props
