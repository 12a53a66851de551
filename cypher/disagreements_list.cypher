// Every disagreement between sources, by id, at most $limit: rows of `props`.
// :maps
MATCH (d:Disagreement)
WITH d
ORDER BY d.id
LIMIT $limit
RETURN properties(d) AS props
