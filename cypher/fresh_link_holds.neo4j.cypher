// Fresh twin of link_holds (Neo4j only, cypher/COMPAT.md "Batched imports on Neo4j"): the same
// HOLDS relationships, CREATEd between the nodes of the import's staged generation
// $generation, for a batched import into a graph that has no HOLDS relationship yet
// (staging_link_counts) and rows the adapter has already de-duplicated by their two ends, so
// that no relationship this creates can exist already (a repeated row goes through
// staged_link_holds, which MERGEs). CREATE takes no lock-and-look per row as MERGE does.
// The rows come grouped by start node: $groups of {from, links: [{to, props}]}, where `to` is
// a position in $ends (the end nodes' ids, each once): one index seek per distinct node, not two per
// relationship. An id not in the generation is skipped, as MATCH skips it in link_holds.
// Returns `linked`.
UNWIND $ends AS end
OPTIONAL MATCH (b:Staged {generation: $generation, id: end})
WITH collect({node: b}) AS ends
UNWIND $groups AS g
MATCH (a:Staged {generation: $generation, id: g.from})
UNWIND g.links AS link
WITH a, ends[link.to].node AS b, link.props AS props
WHERE b IS NOT NULL
CREATE (a)-[r:HOLDS]->(b)
SET r = props
RETURN count(r) AS linked
