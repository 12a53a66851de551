// The number of nodes `nodes` and relationships `relationships` in the graph, leaving out its
// own record (the GraphMeta node, which has no relationships).
MATCH (n)
WHERE NOT n:GraphMeta
OPTIONAL MATCH (n)-[r]->()
RETURN count(DISTINCT n) AS nodes, count(r) AS relationships
