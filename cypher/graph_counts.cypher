// The number of nodes `nodes` and relationships `relationships` in the graph.
MATCH (n)
OPTIONAL MATCH (n)-[r]->()
RETURN count(DISTINCT n) AS nodes, count(r) AS relationships
