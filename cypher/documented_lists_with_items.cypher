// The documented power lists (synthetic lists left out: a documented claim cannot rest on
// one) with their named items: rows of `list` (properties), `region` (the id of the region
// the list is in force in, or null) and `items` (a list of item properties, empty when the
// list names none). What a claims table uploaded to the service is read against besides the
// dataset folder, so that it can name a list imported after start-up (through the API or
// `reformgraph load`), and find its towns within the list's county.
// :maps
MATCH (l:PowerList)
WHERE l.synthetic = false
OPTIONAL MATCH (l)-[:IN_REGION]->(scope:Region)
OPTIONAL MATCH (item:PowerItem)-[:LISTED_IN]->(l)
WITH l, scope, collect(item) AS items
RETURN properties(l) AS list, scope.id AS region, [i IN items | properties(i)] AS items
ORDER BY l.id
