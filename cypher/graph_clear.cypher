// Delete every node and relationship of the graph; returns nothing. Used by tests on Neo4j,
// which has one database per test run instead of one graph key per test.
MATCH (n)
DETACH DELETE n
