// The named items of list $list: one row, `items`, their properties by sequence number (one
// row rather than a row per item: Neo4j's Python driver pays for every record; 99 items took
// 9-12 ms as rows against 4-5 ms as one, FalkorDB the same either way).
// :maps
MATCH (item:PowerItem)-[:LISTED_IN]->(:PowerList {id: $list})
WITH item
ORDER BY item.seq, item.name
RETURN collect(properties(item)) AS items
