// The named items of list $list: rows of `props`, by sequence number.
MATCH (item:PowerItem)-[:LISTED_IN]->(:PowerList {id: $list})
RETURN properties(item) AS props
ORDER BY item.seq, item.name
