// Every label and property key the graph's nodes carry (`kind` "node") and every
// relationship type with the keys its relationships carry (`kind` "relationship"): rows of
// `kind`, `name` (label or type) and `keys` (distinct, sorted). A whole-graph scan, for the
// test that holds cypher/vocabulary.py to the graph (tests/test_vocabulary.py), never for
// requests.
MATCH (n)
UNWIND labels(n) AS name
UNWIND CASE WHEN size(keys(n)) = 0 THEN [null] ELSE keys(n) END AS key
WITH name, collect(DISTINCT key) AS keys
RETURN 'node' AS kind, name, keys
UNION ALL
MATCH ()-[r]->()
WITH type(r) AS name, r
UNWIND CASE WHEN size(keys(r)) = 0 THEN [null] ELSE keys(r) END AS key
WITH name, collect(DISTINCT key) AS keys
RETURN 'relationship' AS kind, name, keys
