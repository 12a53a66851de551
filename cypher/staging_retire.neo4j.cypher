// The first statement of a batched import's promotion: every node readers see (label Entity)
// loses all its labels and becomes Retired, which no statement but the clean-up reads; its
// relationships go with it. Neo4j only (labels given by an expression, Cypher 5.26).
// Returns `retired`.
MATCH (n:Entity)
WITH n, labels(n) AS labels
REMOVE n:$(labels)
SET n:Retired
RETURN count(n) AS retired
