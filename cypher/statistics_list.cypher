// Statistics, optionally of metric $metric, about region $under or a region below it: rows
// of `props`, by id, at most $limit.
MATCH (s:Statistic)
WHERE $metric IS NULL OR s.metric = $metric
OPTIONAL MATCH scope = (s)-[:ABOUT]->(:Region)-[:PART_OF*0..6]->(:Region {id: $under})
WITH s, scope
WHERE $under IS NULL OR scope IS NOT NULL
WITH DISTINCT s
ORDER BY s.id
LIMIT $limit
RETURN properties(s) AS props
