// Statistics, optionally of metric $metric, dated from $from to $to (ISO strings,
// inclusive; null: open; undated figures only when both are null), about region $under or a
// region below it: rows of `props`, by id, at most $limit.
// :maps
MATCH (s:Statistic)
WHERE ($metric IS NULL OR s.metric = $metric)
  AND ($from IS NULL OR s.date >= $from)
  AND ($to IS NULL OR s.date <= $to)
OPTIONAL MATCH scope = (s)-[:ABOUT]->(:Region)-[:PART_OF*0..6]->(:Region {id: $under})
WITH s, scope
WHERE $under IS NULL OR scope IS NOT NULL
WITH DISTINCT s
ORDER BY s.id
LIMIT $limit
RETURN properties(s) AS props
