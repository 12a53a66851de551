// The nodes of the staged generation $generation, to delete after its import failed: `node`
// (element id), `generation` and `degree`, as staging_leftovers gives them. Neo4j only.
MATCH (n:Staged {generation: $generation})
RETURN elementId(n) AS node, n.generation AS generation, COUNT { (n)--() } AS degree
