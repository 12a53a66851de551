// Every source document, by id, at most $limit: rows of `props`.
// :maps
MATCH (s:Source)
WITH s
ORDER BY s.id
LIMIT $limit
RETURN properties(s) AS props
