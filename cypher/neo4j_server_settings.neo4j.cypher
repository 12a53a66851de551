// The value of each named server setting on this Neo4j: name, value. The benchmarks record
// those of deploy/neo4j.conf with their results (bench/peer_bench.py), so that a run says
// whether it measured the server as deployed. Neo4j only (cypher/COMPAT.md).
SHOW SETTINGS YIELD name, value
WHERE name IN $names
RETURN name, value
