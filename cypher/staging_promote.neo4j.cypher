// The second statement of a batched import's promotion, in the same transaction as
// staging_retire: every node of the staged generation $generation gets the labels it waited
// for (`stagedLabels`) and loses the staging label and properties, so readers see it from
// the commit on. Neo4j only (labels given by an expression, Cypher 5.26). Returns `promoted`.
MATCH (n:Staged {generation: $generation})
WITH n, n.stagedLabels AS labels
SET n:$(labels)
REMOVE n:Staged, n.generation, n.stagedLabels, n.stagedClash
RETURN count(n) AS promoted
